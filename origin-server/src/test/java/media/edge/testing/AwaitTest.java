package media.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A wait that times out is a failure naming what it waited for; one that succeeds returns at once. */
class AwaitTest {
  private static final Duration SHORT = Duration.ofMillis(100);

  @Test
  void value_conditionMetAfterSomePolls_returnsTheValueThatMetIt() {
    AtomicInteger polls = new AtomicInteger();

    int value = Await.value("three polls", polls::incrementAndGet, n -> n >= 3);

    assertThat(value).isEqualTo(3);
  }

  @Test
  void until_neverTrue_failsNamingWhatAndTheBound() {
    assertThatThrownBy(() -> Await.until("the moon to turn blue", SHORT, () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("waited 100 ms for the moon to turn blue; last saw: false");
  }

  @Test
  void value_neverAccepted_failsWithTheLastValueSeen() {
    assertThatThrownBy(() -> Await.value("the answer", SHORT, () -> 41.0, v -> v == 42.0))
        .hasMessage("waited 100 ms for the answer; last saw: 41.0");
  }

  @Test
  void metric_reached_returnsTheValue() {
    Await.Metrics source = series -> series.equals("a_total") ? 2.0 : 0.0;

    assertThat(Await.metric(source, "a_total", 2)).isEqualTo(2.0);
    assertThat(Await.metricAtLeast(source, "a_total", 1)).isEqualTo(2.0);
  }

  @Test
  void asserted_neverPassing_failsWithTheLastAssertionAsCause() {
    assertThatThrownBy(() -> Await.asserted("one to be two", SHORT, () -> assertThat(1).isEqualTo(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("waited 100 ms for one to be two; last failure: ")
        .cause()
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void until_conditionThrows_failsAtOnceWithThatException() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> Await.until("a scrape", Duration.ofSeconds(30), () -> {
      throw new IOException("connection refused");
    })).isInstanceOf(IOException.class).hasMessage("connection refused");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
