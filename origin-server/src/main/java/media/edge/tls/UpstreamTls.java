package media.edge.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import media.edge.config.UpstreamTlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of TLS, for {@code https://} upstreams ({@code upstream.tls.*}): TLS 1.3 and 1.2, ALPN
 * offering only {@code http/1.1} (the upstream client speaks nothing else), the certificate chain checked
 * against the system trust store or the {@code ca-file}'s certificates alone, and the host name checked
 * against the certificate ({@code HTTPS} endpoint identification, set here rather than left to Netty's
 * default, which a system property can turn off). A certificate that does not verify fails the
 * handshake; nothing is accepted silently, unless {@code insecure} says so, which is logged at WARN.
 *
 * <p>One context serves every upstream for the life of the process: its session cache is keyed by the
 * host and port each connection's handler is made with, so a new connection to an upstream resumes a
 * session instead of a full handshake. The engine is the data port's ({@link SslContexts#provider()}).
 *
 * <p>Stateless; the context it makes is safe to share between threads.
 */
public final class UpstreamTls {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamTls.class);
  private static final String CA_KEY = "upstream.tls.ca-file";
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private UpstreamTls() {}

  /**
   * Reads the files and builds the context; start-up must fail when they cannot be used.
   *
   * @throws TlsFileException naming the setting at fault
   */
  public static SslContext context(UpstreamTlsConfig config) throws TlsFileException {
    Objects.requireNonNull(config, "config");
    SslProvider provider = SslContexts.provider();
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols(PROTOCOLS)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    // The only behaviours BoringSSL supports; the JDK engine accepts them too.
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_1_1));
    String trust;
    if (config.insecure()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
      trust = "verifying nothing";
      LOG.warn("upstream.tls.insecure is true: upstream certificates and host names are NOT verified,"
          + " so anyone on the path can pose as an origin; for development only");
    } else if (config.caFile() != null) {
      List<X509Certificate> anchors = PemFiles.trusted(config.caFile(), CA_KEY);
      builder.trustManager(anchors.toArray(new X509Certificate[0])).endpointIdentificationAlgorithm("HTTPS");
      trust = "trusting the " + anchors.size() + " certificate(s) in " + config.caFile() + " only";
    } else {
      builder.endpointIdentificationAlgorithm("HTTPS"); // the default trust manager: the system trust store
      trust = "trusting the system trust store";
    }
    String client = "no client certificate";
    Path faulty = config.caFile();
    String faultyKey = CA_KEY;
    if (config.certFile() != null || config.keyFile() != null) {
      PemFiles.Credentials credentials = PemFiles.read(config.certFile(), config.keyFile(), PemFiles.Keys.UPSTREAM);
      builder.keyManager(credentials.key(), credentials.chain().toArray(new X509Certificate[0]));
      client = "client certificate " + ServerTls.describe(credentials.leaf());
      faulty = config.certFile();
      faultyKey = PemFiles.Keys.UPSTREAM.cert();
    }
    SslContext context;
    try {
      context = builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsFileException(faultyKey, faulty,
          "certificates and a key the " + SslContexts.name(provider) + " TLS engine accepts; " + e.getClass().getSimpleName(), e);
    }
    LOG.info("TLS to https:// upstreams with {}, ALPN http/1.1, {}; {}", SslContexts.name(provider), trust, client);
    return context;
  }
}
