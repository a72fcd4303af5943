package media.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The wall clock and the ticker move together, and only when told (except a following clock's wall). */
class TestClockTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void advance_movesTheWallClockAndTheTickerTogether() {
    TestClock clock = TestClock.at(START);
    long ticks = clock.ticker().read();

    clock.advance(Duration.ofMillis(1500));

    assertThat(clock.instant()).isEqualTo(START.plusMillis(1500));
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli() + 1500);
    assertThat(clock.ticker().read() - ticks).isEqualTo(1_500_000_000L);
  }

  @Test
  void atNow_standsAtTheCurrentWholeSecond() {
    Instant before = Instant.now();

    Instant start = TestClock.atNow().instant();

    assertThat(start.getNano()).isZero();
    assertThat(start).isBetween(before.minusSeconds(1), Instant.now());
  }

  @Test
  void set_stepsTheWallClockOnly_evenBackwards() {
    TestClock clock = TestClock.at(START);
    clock.advance(Duration.ofSeconds(10));
    long ticks = clock.ticker().read();

    clock.set(START.minusSeconds(60));

    assertThat(clock.instant()).isEqualTo(START.minusSeconds(60));
    assertThat(clock.ticker().read()).isEqualTo(ticks);
  }

  @Test
  void followingSystem_wallRunsWithTheSystemPlusAdvances_tickerOnlyWithAdvances() {
    TestClock clock = TestClock.followingSystem();
    long ticks = clock.ticker().read();

    clock.advance(Duration.ofHours(1));

    Instant now = Instant.now();
    assertThat(clock.instant()).isBetween(now.plus(Duration.ofMinutes(59)), now.plus(Duration.ofMinutes(61)));
    assertThat(clock.ticker().read() - ticks).isEqualTo(Duration.ofHours(1).toNanos());
  }

  @Test
  void advance_negative_isRefused() {
    assertThatThrownBy(() -> TestClock.atNow().advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("duration: PT-1S (expected:");
  }
}
