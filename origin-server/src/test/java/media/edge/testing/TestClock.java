package media.edge.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one fake time of the tests: a wall {@link Clock} (tokens, HTTP dates, disk-tier timestamps,
 * freshness of proxied responses) and a Caffeine {@link #ticker()} (the memory tier's revalidation
 * of library files) that {@link #advance} moves together, so that a test cannot move one and forget
 * the other. Tests move time; they do not sleep.
 *
 * <p>Two kinds: {@link #at} and {@link #atNow()} stand still until told to move, which is what a
 * test of expiry wants. {@link #followingSystem()} runs with the system clock plus whatever the test
 * added; it is for servers shared by a whole test class whose tests sign tokens or make
 * certificates against the real time ({@code Instant.now()}), where a clock stopped at the class's
 * start would turn "expired a minute ago" into "still valid" in a slow run. Its ticker still moves
 * only when told.
 *
 * <p>Thread-safe: both readings come from one immutable {@code Offsets} record swapped atomically, so a
 * server thread never sees the wall clock moved and the ticker not yet.
 */
public final class TestClock extends Clock {
  /** Where the ticker starts: any value does, Caffeine only subtracts readings. */
  private static final long TICKER_START = 1_000_000_000L;

  private final Clock base;
  private final AtomicReference<Offsets> offsets = new AtomicReference<>(new Offsets(0, 0));
  private final Ticker ticker = () -> TICKER_START + offsets.get().tickerNanos();

  /** How far the test has moved each reading from where it started. */
  private record Offsets(long wallNanos, long tickerNanos) {}

  private TestClock(Clock base) {
    this.base = base;
  }

  /** A clock standing at {@code start} until moved. */
  public static TestClock at(Instant start) {
    return new TestClock(Clock.fixed(start, ZoneOffset.UTC));
  }

  /** A clock standing at the current second (so HTTP dates round-trip exactly) until moved. */
  public static TestClock atNow() {
    return at(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
  }

  /** A wall clock that runs with the system clock, plus what {@link #advance} added; its ticker runs only when advanced. */
  public static TestClock followingSystem() {
    return new TestClock(Clock.systemUTC());
  }

  /** Moves the wall clock and the ticker forward by {@code duration}. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: zero or more; use set() to step the wall clock back)");
    }
    long nanos = duration.toNanos();
    offsets.updateAndGet(o -> new Offsets(o.wallNanos() + nanos, o.tickerNanos() + nanos));
  }

  /**
   * Steps the wall clock to {@code instant}, forwards or back, as an NTP correction would. The
   * ticker does not move: a {@link Ticker} is monotonic by contract, and a step of the wall clock
   * is exactly what it is meant to be immune to.
   */
  public void set(Instant instant) {
    offsets.updateAndGet(o -> new Offsets(Duration.between(base.instant(), instant).toNanos(), o.tickerNanos()));
  }

  /** The Caffeine ticker that {@link #advance} moves with this clock. */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public Instant instant() {
    return base.instant().plusNanos(offsets.get().wallNanos());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: its zone is always UTC, and the servers format HTTP dates in UTC whatever the clock says. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "TestClock[" + instant() + " from " + base + "]";
  }
}
