package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-up that fails half-way (issue 11: the disk tier cannot open, the admin port is taken) names the
 * key and leaves nothing running: no event loop, file I/O, housekeeping or access-log thread of the
 * server survives it, and the port it had already bound is free again.
 */
class StartupFailureTest {
  @TempDir Path dir;

  /** Threads the server starts, by name. */
  private static Set<String> serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("edge-housekeeping") || name.startsWith("edge-file-io-")
            || name.startsWith("edge-access-log") || name.startsWith("multiThreadIoEventLoopGroup-"))
        .collect(Collectors.toSet());
  }

  private static void assertNoNewServerThreads(Set<String> before) {
    Await.until("the failed start's threads to end", () -> {
      Set<String> now = serverThreads();
      now.removeAll(before);
      return now.isEmpty();
    });
  }

  @Test
  void start_diskTierCannotOpen_failsNamingTheKeyAndStopsWhatItStarted() throws IOException {
    Path file = Files.writeString(dir.resolve("cache"), "not a folder");
    Path log = dir.resolve("access.log");
    Set<String> before = serverThreads();

    assertThatThrownBy(
            () -> EdgeNode.start(
                c -> c.withEdgeCache(c.edgeCache().withDisk(file, 1L << 30))
                    .withLog(c.log().withAccess(true, log)),
                URI.create("http://127.0.0.1:1")))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("cache.disk-dir: ");

    assertNoNewServerThreads(before);
  }

  @Test
  void start_adminPortTaken_failsNamingTheKeyAndFreesTheDataPort() throws Exception {
    Path library = Files.createDirectories(dir.resolve("library"));
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int dataPort = probe.getLocalPort();
      probe.close();
      EdgeConfig defaults = ConfigLoader.defaults();
      EdgeConfig config =
          defaults
              .withLibrary(ConfigLoader.defaults().library().withRoot(library))
              .withServer(defaults.server().withBind("127.0.0.1").withPorts(dataPort, taken.getLocalPort()))
              .withTokens(defaults.tokens().withRequired(false));
      Set<String> before = serverThreads();

      assertThatThrownBy(() -> EdgeServer.start(config))
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith("server.admin-port: " + taken.getLocalPort());

      assertNoNewServerThreads(before);
      try (ServerSocket again = new ServerSocket(dataPort, 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("the data port the failed start had bound is free").isEqualTo(dataPort);
      }
    }
  }
}
