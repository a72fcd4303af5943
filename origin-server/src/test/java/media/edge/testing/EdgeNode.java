package media.edge.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.LibraryConfig;
import media.edge.server.EdgeServer;
import media.edge.server.StartupException;

/**
 * A real server in edge mode on ephemeral loopback ports, without a library, in front of the given
 * upstreams; tokens off, time injected ({@link #clock()}, {@link #ticker()}) so freshness is tested
 * by moving the clock. Each node gets its own name, so a chain of nodes does not look like a loop.
 */
public final class EdgeNode implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final EdgeServer server;
  private final MutableClock clock;
  private final FakeTicker ticker;

  private EdgeNode(EdgeServer server, MutableClock clock, FakeTicker ticker) {
    this.server = server;
    this.clock = clock;
    this.ticker = ticker;
  }

  /** An edge in front of {@code origins}, adjusted by {@code configure}. */
  public static EdgeNode start(UnaryOperator<EdgeConfig> configure, URI... origins) throws StartupException {
    return start(configure, MutableClock.atNow(), origins);
  }

  /** The same, on a clock the test shares with other nodes. */
  public static EdgeNode start(UnaryOperator<EdgeConfig> configure, MutableClock clock, URI... origins)
      throws StartupException {
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config =
        configure.apply(
            defaults
                .withLibrary(new LibraryConfig(null))
                .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
                .withTokens(defaults.tokens().withRequired(false))
                .withUpstream(
                    defaults.upstream()
                        .withUrls(List.of(origins), List.of())
                        .withNodeName("edge-test-" + NAMES.incrementAndGet())));
    FakeTicker ticker = new FakeTicker();
    return new EdgeNode(EdgeServer.start(config, clock, ticker), clock, ticker);
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

  public MutableClock clock() {
    return clock;
  }

  public FakeTicker ticker() {
    return ticker;
  }

  /** The value of one sample line of /metrics ({@code name{labels}} exactly as printed), or 0 when absent. */
  public double metric(String series) throws IOException {
    for (String line : RawHttp.get(adminPort(), "/metrics").text().split("\n")) {
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
