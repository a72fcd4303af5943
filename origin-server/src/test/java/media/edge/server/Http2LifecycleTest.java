package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import media.edge.testing.Await;
import media.edge.testing.Https;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.TlsConfig;
import media.edge.testing.Tools;
import media.edge.tls.DevelopmentCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How HTTP/2 connections end. SIGTERM's drain: the connection is told GOAWAY, the stream in flight
 * finishes whole (curl with a rate limit keeps it open), then the connection closes within the
 * deadline. Idle: a connection quiet for {@code server.idle-timeout} gets GOAWAY and is closed.
 */
class Http2LifecycleTest {
  @TempDir Path root;
  @TempDir Path certs;
  private EdgeServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private DevelopmentCertificate start(Duration idleTimeout) throws Exception {
    DevelopmentCertificate cert = DevelopmentCertificate.generate(certs.resolve("tls"), Clock.systemUTC());
    EdgeConfig defaults = ConfigLoader.defaults();
    server = EdgeServer.start(
        defaults.withLibrary(ConfigLoader.defaults().library().withRoot(root))
            .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0).withIdleTimeout(idleTimeout)
                .withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO)))
            .withTokens(defaults.tokens().withRequired(false)));
    return cert;
  }

  @Test
  void idle_http2ConnectionGetsGoawayAndIsClosed() throws Exception {
    DevelopmentCertificate cert = start(Duration.ofMillis(300));
    SSLSocket socket = (SSLSocket) Https.trusting(cert.certFile()).getSocketFactory().createSocket();
    try (socket) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();

      List<Integer> frameTypes = new ArrayList<>();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] header = new byte[9];
      while (true) {
        try {
          in.readFully(header);
        } catch (EOFException | SocketException e) {
          break; // closed by the server
        }
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        frameTypes.add(header[3] & 0xff);
        in.readFully(new byte[length]);
      }

      assertThat(frameTypes).as("frame types the server sent").contains(4 /* SETTINGS */, 7 /* GOAWAY */);
    }
    // The server forgets the connection just after closing it: allow it that moment.
    Await.until("the server to forget the connection it closed", () -> server.openConnections() == 0);
    assertThat(server.openConnections()).isZero();
  }

  @Test
  void drain_letsTheHttp2StreamInFlightFinish_thenCloses() throws Exception {
    Tools.require("curl", "--version");
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(11).nextBytes(big);
    Files.write(root.resolve("big.ts"), big);
    DevelopmentCertificate cert = start(Duration.ofSeconds(60));
    Path out = certs.resolve("out.ts");
    Process curl = new ProcessBuilder(
            "curl", "-sS", "--http2", "--limit-rate", "1500K", "--cacert", cert.certFile().toString(),
            "-o", out.toString(), "-w", "%{http_version} %{http_code}",
            "https://127.0.0.1:" + server.port() + "/big.ts")
        .redirectErrorStream(true)
        .start();
    // Drain only once the stream is under way, or there is nothing in flight to let finish.
    Await.until("curl to receive the first bytes of /big.ts", () -> {
      if (Files.exists(out) && Files.size(out) > 0) {
        return true;
      }
      if (!curl.isAlive()) {
        throw new AssertionError("curl exited before any byte arrived: "
            + new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      }
      return false;
    });

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
