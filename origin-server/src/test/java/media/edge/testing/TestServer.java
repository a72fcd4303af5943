package media.edge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.server.DemoLibrary;
import media.edge.server.EdgeServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real server per test class, on ephemeral loopback ports, serving a temporary library that
 * holds a copy of the built-in ffmpeg-made demo (under {@code demo/}) plus whatever the test's
 * {@code library} hook adds. Register it as a {@code static} field with {@code @RegisterExtension}.
 * Tokens are off unless the test's {@code configure} turns them on with keys.
 *
 * <p>Time is injected through a {@link TestClock#followingSystem()} clock: its wall clock runs with
 * the system's, because the tests of a class share this server and sign tokens and make
 * certificates against {@code Instant.now()}; its ticker (the memory tier's revalidation) moves only
 * when a test advances the clock.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback, Await.Metrics {
  private final UnaryOperator<EdgeConfig> configure;
  private final Consumer<Path> library;
  private final String playPath;
  private final TestClock clock = TestClock.followingSystem();
  private Path root;
  private EdgeServer server;

  private TestServer(UnaryOperator<EdgeConfig> configure, Consumer<Path> library, String playPath) {
    this.configure = configure;
    this.library = library;
    this.playPath = playPath;
  }

  /** A server on default settings. */
  public static TestServer create() {
    return new TestServer(c -> c, p -> {}, null);
  }

  /** A server whose configuration and library the test adjusts before start. */
  public static TestServer create(UnaryOperator<EdgeConfig> configure, Consumer<Path> library) {
    return new TestServer(configure, library, null);
  }

  /** The same server, started as the demo starts: offering {@code path} (signed, with tokens on) to the player page. */
  public TestServer playing(String path) {
    return new TestServer(configure, library, path);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory("edge-test-");
    DemoLibrary.copyTo(root.resolve("demo"));
    library.accept(root);
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config =
        configure.apply(
            defaults
                .withLibrary(ConfigLoader.defaults().library().withRoot(root))
                .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
                .withTokens(defaults.tokens().withRequired(false)));
    server = EdgeServer.start(config, clock, clock.ticker(), playPath);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    if (root != null) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  public EdgeServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public int adminPort() {
    return server.adminPort();
  }

  /** The library root (a temporary folder). */
  public Path root() {
    return root;
  }

  /** The server's clock; {@link TestClock#advance} also moves its memory tier's ticker. */
  public TestClock clock() {
    return clock;
  }

  /** The admin port's /metrics text. */
  public String metrics() throws IOException {
    return RawHttp.get(adminPort(), "/metrics").text();
  }

  /** The value of one sample line of /metrics ({@code name{labels}} exactly as printed), or 0 when absent. */
  @Override
  public double metric(String series) throws IOException {
    for (String line : metrics().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }
}
