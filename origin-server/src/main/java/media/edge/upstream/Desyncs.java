package media.edge.upstream;

import io.netty.channel.Channel;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a {@link Desync} is reported: counted in {@code edge_upstream_desyncs_total{when}} every
 * time, and logged at WARN at most once per {@link #INTERVAL_NANOS} with how many were not logged, so that
 * an upstream (or an attacker behind it) that does it on every response cannot flood the log. The line
 * names the upstream's address and the kind, never a URL or a token, and carries no stack trace: it is a
 * fact about the upstream, not a bug here.
 *
 * <p>Thread-safe: connections on every event loop report here; {@link LogLimit} and the meters are.
 */
final class Desyncs {
  static final long INTERVAL_NANOS = LogLimit.INTERVAL_NANOS;
  private static final Logger LOG = LoggerFactory.getLogger(Desyncs.class);

  private final UpstreamMetrics metrics;
  private final LogLimit limit;

  /** {@code nanoTime} is {@link System#nanoTime} in production; tests pass a fake. */
  Desyncs(UpstreamMetrics metrics, LongSupplier nanoTime) {
    this.metrics = metrics;
    this.limit = new LogLimit(nanoTime);
  }

  /**
   * Counts one desync on {@code channel} and perhaps logs it; the caller closes the connection.
   *
   * @return whether this report was logged (for tests)
   */
  boolean report(Desync when, Channel channel, int bytes) {
    metrics.desynced(when);
    long quiet = limit.admit();
    if (quiet < 0) {
      return false;
    }
    LOG.warn(
        "upstream {} sent {} bytes that answer no request ({}); connection closed{}",
        channel.remoteAddress(),
        bytes,
        when.tag(),
        LogLimit.since(quiet));
    return true;
  }
}
