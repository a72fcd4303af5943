package media.edge.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

/**
 * Waiting, in tests, for something another thread finishes after the test could see it begin: a
 * metric the server records in a write's completion listener, an access-log line, a health check, a
 * connection the server forgets just after closing it. Every wait is bounded and names what it waited
 * for, so a time-out is a failure that says what did not happen (with the last value seen), never a
 * test that carries on as if it had.
 *
 * <p>Built on Awaitility, set up the same way for every wait: the condition is polled on the calling
 * thread (so a JUnit {@code @Timeout} and thread-locals behave as in the test itself), every 10 ms from
 * the first try, and an exception thrown by the condition fails the wait at once. Uncaught exceptions
 * on other threads are left alone: servers under test may log and survive them.
 *
 * <p>This is for waiting on real concurrency. Time that the code under test measures (freshness,
 * expiry, bans) is moved with a {@link TestClock} instead.
 */
public final class Await {
  /** Long enough for a loaded CI machine, short enough that a real failure is reported soon. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
  private static final Object NOTHING = new Object() {
    @Override
    public String toString() {
      return "nothing (the condition never returned)";
    }
  };

  private Await() {}

  /** A scrape of one sample line of /metrics, as {@link TestServer} and {@link EdgeNode} offer. */
  @FunctionalInterface
  public interface Metrics {
    /** The value of {@code series} ({@code name{labels}} exactly as printed), or 0 when absent. */
    double metric(String series) throws IOException;
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} until {@code condition} is true; fails naming {@code what}. */
  public static void until(String what, Callable<Boolean> condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /** Waits up to {@code atMost} until {@code condition} is true; fails naming {@code what}. */
  public static void until(String what, Duration atMost, Callable<Boolean> condition) {
    value(what, atMost, condition, Boolean.TRUE::equals);
  }

  /**
   * Waits up to {@link #DEFAULT_TIMEOUT} until {@code probe} returns a value {@code done} accepts, and
   * returns that value; a time-out fails naming {@code what} and the last value seen.
   */
  public static <T> T value(String what, Callable<T> probe, Predicate<? super T> done) {
    return value(what, DEFAULT_TIMEOUT, probe, done);
  }

  /** The same, with its own bound. */
  public static <T> T value(String what, Duration atMost, Callable<T> probe, Predicate<? super T> done) {
    AtomicReference<Object> last = new AtomicReference<>(NOTHING);
    try {
      return conditions(what, atMost).until(
          () -> {
            T value = probe.call();
            last.set(value);
            return value;
          },
          done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + seconds(atMost) + " for " + what + "; last saw: " + last.get(), e);
    }
  }

  /**
   * Waits up to {@link #DEFAULT_TIMEOUT} until {@code assertions} pass, retrying on each
   * {@link AssertionError}; a time-out fails naming {@code what}, caused by the last assertion's
   * failure. For a check whose assertions must stay exactly as written.
   */
  public static void asserted(String what, ThrowingRunnable assertions) {
    asserted(what, DEFAULT_TIMEOUT, assertions);
  }

  /** The same, with its own bound. */
  public static void asserted(String what, Duration atMost, ThrowingRunnable assertions) {
    try {
      conditions(what, atMost).untilAsserted(assertions);
    } catch (ConditionTimeoutException e) {
      Throwable last = e.getCause() != null ? e.getCause() : e;
      throw new AssertionError("waited " + seconds(atMost) + " for " + what + "; last failure: " + last.getMessage(), last);
    }
  }

  /** Waits until {@code series} of {@code source} equals {@code expected}, and returns it. */
  public static double metric(Metrics source, String series, double expected) {
    return metric(source, series, "== " + expected, value -> value == expected);
  }

  /** Waits until {@code series} of {@code source} is at least {@code least}, and returns it. */
  public static double metricAtLeast(Metrics source, String series, double least) {
    return metric(source, series, ">= " + least, value -> value >= least);
  }

  private static double metric(Metrics source, String series, String expectation, DoublePredicate done) {
    return value(series + " " + expectation, () -> source.metric(series), done::test);
  }

  private static ConditionFactory conditions(String what, Duration atMost) {
    return Awaitility.await(what)
        .atMost(atMost)
        .pollInSameThread()
        .pollDelay(Duration.ZERO)
        .pollInterval(POLL_INTERVAL)
        .dontCatchUncaughtExceptions();
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}
