package media.edge.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per {@link #INTERVAL_NANOS}, however often something happens: what an upstream
 * does on every response (or every connect) must not flood the log. The lines that are held back are
 * counted and said in the next one.
 *
 * <p>Thread-safe: the interval is claimed by one compare-and-set, and the count of held-back lines is an
 * atomic.
 */
final class LogLimit {
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier nanoTime;
  private final AtomicLong nextLog;
  private final AtomicLong unlogged = new AtomicLong();

  /** {@code nanoTime} is {@link System#nanoTime} in production; tests pass a fake. */
  LogLimit(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.nextLog = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Whether this occurrence may be logged.
   *
   * @return -1 to hold it back, else how many were held back since the last line logged
   */
  long admit() {
    long now = nanoTime.getAsLong();
    long next = nextLog.get();
    if (now - next < 0 || !nextLog.compareAndSet(next, now + INTERVAL_NANOS)) {
      unlogged.incrementAndGet();
      return -1;
    }
    return unlogged.getAndSet(0);
  }

  /** The tail of a line that {@link #admit} returned {@code held} for: "" or " (3 more since the last report)". */
  static String since(long held) {
    return held == 0 ? "" : " (" + held + " more since the last report)";
  }
}
