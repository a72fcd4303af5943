package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM's drain, in process: not ready, no new connections, idle ones closed, in-flight ones finished. */
class DrainTest {
  @TempDir Path root;
  private EdgeServer server;
  private byte[] big;

  @BeforeEach
  void start() throws Exception {
    big = new byte[8 * 1024 * 1024];
    new Random(7).nextBytes(big);
    Files.write(root.resolve("big.ts"), big);
    Files.writeString(root.resolve("small.txt"), "small\n");
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config =
        defaults
            .withLibrary(ConfigLoader.defaults().library().withRoot(root))
            .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
            .withCache(defaults.cache().withMemory(4 * 1024 * 1024, 1024 * 1024))
            .withTokens(defaults.tokens().withRequired(false));
    server = EdgeServer.start(config);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void drain_letsInFlightResponseFinishAndClosesIdleConnections() throws Exception {
    int port = server.port();
    RawHttp idle = RawHttp.connect(port);
    idle.send("GET", "/small.txt");
    assertThat(idle.read(false).text()).isEqualTo("small\n");

    Socket slow = new Socket();
    slow.setReceiveBufferSize(4096);
    slow.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    slow.getOutputStream().write("GET /big.ts HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = slow.getInputStream();
    byte[] head = new byte[16];
    assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(16);
    Await.until("both connections to be open", () -> server.openConnections() == 2);

    CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(30)));

    Await.until("readiness to go down once the drain began", () -> !server.readiness().isReady());
    assertThat(idle.closedByServer()).isTrue();
    Await.until("the data port to refuse new connections", () -> refused(port));

    byte[] rest = in.readAllBytes();
    String response = new String(head, StandardCharsets.ISO_8859_1) + new String(rest, StandardCharsets.ISO_8859_1);
    int bodyStart = response.indexOf("\r\n\r\n") + 4;
    assertThat(response).startsWith("HTTP/1.1 200 OK");
    byte[] body = Arrays.copyOfRange(concat(head, rest), bodyStart, head.length + rest.length);
    assertThat(body).isEqualTo(big);
    assertThat(drained.get()).isTrue();
    slow.close();
    idle.close();
  }

  @Test
  void drain_pastDeadline_closesStuckConnectionsAndReportsIt() throws Exception {
    Socket stuck = new Socket();
    stuck.setReceiveBufferSize(4096);
    stuck.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
    stuck.getOutputStream().write("GET /big.ts HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(stuck.getInputStream().read()).isEqualTo('H');

    boolean clean = server.drain(Duration.ofMillis(300));

    assertThat(clean).isFalse();
    assertThat(server.openConnections()).isZero();
    stuck.close();
  }

  private static boolean refused(int port) {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
