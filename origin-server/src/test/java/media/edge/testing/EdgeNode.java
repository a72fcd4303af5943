package media.edge.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import media.edge.config.AdminConfig;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.server.EdgeServer;
import media.edge.server.StartupException;

/**
 * A real server in edge mode on ephemeral loopback ports, without a library, in front of the given
 * upstreams; tokens off, time injected ({@link #clock()}, standing still until moved) so freshness is
 * tested by moving the clock. Each node gets its own name, so a chain of nodes does not look like a loop.
 */
public final class EdgeNode implements AutoCloseable, Await.Metrics {
  private static final AtomicInteger NAMES = new AtomicInteger();
  /** The admin token of every test edge: state-changing admin calls carry {@link #ADMIN_AUTHORIZATION}. */
  public static final String ADMIN_TOKEN = "test-admin-token";
  public static final String ADMIN_AUTHORIZATION = "Authorization: Bearer " + ADMIN_TOKEN;

  private final EdgeServer server;
  private final TestClock clock;

  private EdgeNode(EdgeServer server, TestClock clock) {
    this.server = server;
    this.clock = clock;
  }

  /** An edge in front of {@code origins}, adjusted by {@code configure}. */
  public static EdgeNode start(UnaryOperator<EdgeConfig> configure, URI... origins) throws StartupException {
    return start(configure, TestClock.atNow(), origins);
  }

  /** The same, on a clock (and its ticker) the test shares with other nodes. */
  public static EdgeNode start(UnaryOperator<EdgeConfig> configure, TestClock clock, URI... origins)
      throws StartupException {
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config =
        configure.apply(
            defaults
                .withLibrary(ConfigLoader.defaults().library().withRoot(null))
                .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
                .withTokens(defaults.tokens().withRequired(false))
                .withAdmin(new AdminConfig(ADMIN_TOKEN, null))
                .withUpstream(
                    defaults.upstream()
                        .withUrls(List.of(origins), List.of())
                        .withNodeName("edge-test-" + NAMES.incrementAndGet())));
    return new EdgeNode(EdgeServer.start(config, clock, clock.ticker()), clock);
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

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The node's wall clock and, through {@link TestClock#ticker()}, its memory tier's ticker. */
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

  @Override
  public void close() {
    server.close();
  }
}
