package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import media.edge.config.TlsConfig;
import media.edge.testing.Https;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import media.edge.tls.DevelopmentCertificate;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A certificate rotated on disk reaches new connections without a restart, while a connection opened
 * before keeps working on the old one; a bad new file changes nothing but a counter. The reload is
 * triggered directly (the schedule that calls it is covered by {@code ServerTlsTest}).
 */
class CertificateReloadTest {
  private static final Path DIR = tempDir();
  private static final DevelopmentCertificate FIRST = certificate("first");
  private static final DevelopmentCertificate SECOND = certificate("second");
  private static final Path CERT = DIR.resolve("live-cert.pem");
  private static final Path KEY = DIR.resolve("live-key.pem");

  static {
    install(FIRST);
  }

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withServer(c.server().withTls(new TlsConfig(CERT, KEY, Duration.ZERO))),
          root -> {
            try {
              Files.writeString(root.resolve("a.ts"), "segment");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

  private static final SSLContext TRUST = Https.trusting(FIRST.certFile(), SECOND.certFile());

  @Test
  void rotation_newConnectionsGetTheNewCertificate_openOnesCarryOn_badFilesAreCountedAndIgnored() throws Exception {
    X509Certificate before = Https.handshake(server.port(), TRUST, "http/1.1").certificate();
    try (SSLSocket socket = open(); RawHttp open = RawHttp.over(socket)) {
      open.send("GET", "/a.ts");
      assertThat(open.read(false).status()).isEqualTo(200);

      install(SECOND);
      assertThat(server.server().tls().reloadIfChanged()).isTrue();
      X509Certificate after = Https.handshake(server.port(), TRUST, "h2").certificate();

      assertThat(before.getSerialNumber()).isEqualTo(serial(FIRST));
      assertThat(after.getSerialNumber()).isEqualTo(serial(SECOND));
      open.send("GET", "/a.ts");
      assertThat(open.read(false).status()).as("the connection opened before the reload").isEqualTo(200);
      assertThat(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber())
          .isEqualTo(serial(FIRST));
    }

    Files.writeString(CERT, "-----BEGIN CERTIFICATE-----\ntruncated");
    assertThat(server.server().tls().reloadIfChanged()).isFalse();

    assertThat(server.metric("edge_tls_reloads_total{result=\"failure\"}")).isEqualTo(1.0);
    assertThat(server.metric("edge_tls_reloads_total{result=\"success\"}")).isEqualTo(1.0);
    assertThat(Https.handshake(server.port(), TRUST, "h2").certificate().getSerialNumber()).isEqualTo(serial(SECOND));
    assertThat(Https.get(Https.client(TRUST, java.net.http.HttpClient.Version.HTTP_2), server.port(), "/a.ts").statusCode())
        .isEqualTo(200);
  }

  private static SSLSocket open() throws IOException {
    SSLSocket socket = (SSLSocket) TRUST.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  private static java.math.BigInteger serial(DevelopmentCertificate certificate) throws Exception {
    try (var in = Files.newInputStream(certificate.certFile())) {
      return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getSerialNumber();
    }
  }

  private static void install(DevelopmentCertificate certificate) {
    try {
      Files.copy(certificate.keyFile(), KEY, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(certificate.certFile(), CERT, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void deleteCertificates() throws IOException {
    try (Stream<Path> walk = Files.walk(DIR)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("edge-reload-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DevelopmentCertificate certificate(String name) {
    try {
      return DevelopmentCertificate.generate(DIR.resolve(name), Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
