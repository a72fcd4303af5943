package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.LibraryConfig;
import media.edge.config.TlsConfig;
import media.edge.testing.Tools;
import media.edge.tls.DevelopmentCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM's drain on HTTP/2: the connection is told GOAWAY, the stream in flight finishes whole, and
 * then the connection closes, within the drain deadline. curl with a rate limit keeps the stream open.
 */
class Http2DrainTest {
  @TempDir Path root;
  @TempDir Path certs;
  private EdgeServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void drain_letsTheHttp2StreamInFlightFinish_thenCloses() throws Exception {
    Tools.require("curl", "--version");
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(11).nextBytes(big);
    Files.write(root.resolve("big.ts"), big);
    DevelopmentCertificate cert = DevelopmentCertificate.generate(certs.resolve("tls"), Clock.systemUTC());
    EdgeConfig defaults = ConfigLoader.defaults();
    server = EdgeServer.start(
        defaults.withLibrary(new LibraryConfig(root))
            .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0)
                .withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO)))
            .withTokens(defaults.tokens().withRequired(false)));
    Path out = certs.resolve("out.ts");
    Process curl = new ProcessBuilder(
            "curl", "-sS", "--http2", "--limit-rate", "1500K", "--cacert", cert.certFile().toString(),
            "-o", out.toString(), "-w", "%{http_version} %{http_code}",
            "https://127.0.0.1:" + server.port() + "/big.ts")
        .redirectErrorStream(true)
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((!Files.exists(out) || Files.size(out) == 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    boolean clean = server.drain(Duration.ofSeconds(20));

    String result = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(result).isZero();
    assertThat(result).isEqualTo("2 200");
    assertThat(clean).isTrue();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    assertThat(sha.digest(Files.readAllBytes(out))).isEqualTo(MessageDigest.getInstance("SHA-256").digest(big));
  }
}
