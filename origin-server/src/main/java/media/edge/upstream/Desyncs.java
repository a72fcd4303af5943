package media.edge.upstream;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Thread-safe: connections on every event loop report here; the interval is claimed by one
 * compare-and-set, and the count of unlogged reports is an atomic.
 */
final class Desyncs {
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Logger LOG = LoggerFactory.getLogger(Desyncs.class);

  private final UpstreamMetrics metrics;
  private final LongSupplier nanoTime;
  private final AtomicLong nextLog;
  private final AtomicLong unlogged = new AtomicLong();

  /** {@code nanoTime} is {@link System#nanoTime} in production; tests pass a fake. */
  Desyncs(UpstreamMetrics metrics, LongSupplier nanoTime) {
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.nextLog = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Counts one desync on {@code channel} and perhaps logs it; the caller closes the connection.
   *
   * @return whether this report was logged (for tests)
   */
  boolean report(Desync when, Channel channel, int bytes) {
    metrics.desynced(when);
    long now = nanoTime.getAsLong();
    long next = nextLog.get();
    if (now - next < 0 || !nextLog.compareAndSet(next, now + INTERVAL_NANOS)) {
      unlogged.incrementAndGet();
      return false;
    }
    long quiet = unlogged.getAndSet(0);
    LOG.warn(
        "upstream {} sent {} bytes that answer no request ({}); connection closed{}",
        channel.remoteAddress(),
        bytes,
        when.tag(),
        quiet == 0 ? "" : " (" + quiet + " more since the last report)");
    return true;
  }
}
