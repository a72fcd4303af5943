package media.edge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client side of the TLS tests: the JDK's {@link HttpClient} (which speaks HTTP/2 over TLS, chosen by
 * ALPN) trusting exactly the certificates a test made, and a bare handshake that reports which
 * certificate the server presents. Stateless.
 */
public final class Https {
  private Https() {}

  /** An SSL context that trusts these PEM certificates and nothing else. */
  public static SSLContext trusting(Path... certFiles) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      int i = 0;
      for (Path file : certFiles) {
        try (InputStream in = Files.newInputStream(file)) {
          store.setCertificateEntry("c" + i++, factory.generateCertificate(in));
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client preferring {@code version}; HTTP/2 falls back to HTTP/1.1 only if ALPN says so. */
  public static HttpClient client(SSLContext context, HttpClient.Version version) {
    return HttpClient.newBuilder()
        .sslContext(context)
        .version(version)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** {@code https://127.0.0.1:port + path}, with optional header name/value pairs. */
  public static HttpRequest.Builder request(int port, String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  /** A GET whose body is read whole. */
  public static HttpResponse<byte[]> get(HttpClient client, int port, String path, String... headers)
      throws IOException, InterruptedException {
    return client.send(request(port, path, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The leaf certificate a new connection to {@code port} is shown, and the protocol ALPN picked. */
  public static Handshake handshake(int port, SSLContext context, String... alpn) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(alpn);
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return new Handshake(
          (X509Certificate) socket.getSession().getPeerCertificates()[0],
          socket.getApplicationProtocol(),
          socket.getSession().getProtocol());
    }
  }

  /** What one handshake showed. */
  public record Handshake(X509Certificate certificate, String alpn, String protocol) {}
}
