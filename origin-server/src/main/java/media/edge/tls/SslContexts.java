package media.edge.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Builds the server {@link SslContext}: TLS 1.3 and 1.2 only, the AEAD cipher suites with forward
 * secrecy that HTTP/2 allows (RFC 7540 appendix A lists the rest as bad), and ALPN offering {@code h2}
 * then {@code http/1.1}. A client that offers neither gets no ALPN answer and is served HTTP/1.1.
 *
 * <p>The engine is BoringSSL through netty-tcnative when its native library loads (faster handshakes
 * and record encryption than the JDK's), otherwise the JDK's own. {@link SslProvider#OPENSSL}, not the
 * reference-counted variant: a reload drops the old context while connections may still use it, and
 * this one is freed by the garbage collector once the last of them is gone.
 *
 * <p>Stateless; safe from any thread.
 */
final class SslContexts {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private SslContexts() {}

  /** BoringSSL when it loads and supports ALPN, else the JDK. */
  static SslProvider provider() {
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** The name reported in the log and the {@code edge_tls_info} metric: {@code openssl} or {@code jdk}. */
  static String name(SslProvider provider) {
    return provider == SslProvider.JDK ? "jdk" : "openssl";
  }

  static SslContext build(PemFiles.Credentials credentials, SslProvider provider) throws SSLException {
    return SslContextBuilder.forServer(credentials.key(), credentials.chain().toArray(new X509Certificate[0]))
        .sslProvider(provider)
        .protocols(PROTOCOLS)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                // The only behaviours BoringSSL supports; the JDK engine accepts them too.
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1))
        .build();
  }
}
