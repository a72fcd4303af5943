package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 15: the global budget for bytes in flight. */
class MemoryPressureTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong used = new AtomicLong();
  private final MemoryPressure pressure = new MemoryPressure(used::get, 1000, registry);

  @Test
  void refuses_onlyAboveNinetyPercentOfTheLimit_andCountsEachRefusal() {
    used.set(900);
    assertThat(pressure.refuses()).isFalse();
    used.set(901);
    assertThat(pressure.refuses()).isTrue();
    assertThat(pressure.refuses()).isTrue();
    used.set(100);
    assertThat(pressure.refuses()).isFalse();
    assertThat(registry.get("edge.memory.pressure.refusals").counter().count()).isEqualTo(2);
  }

  @Test
  void none_neverRefuses() {
    assertThat(MemoryPressure.NONE.refuses()).isFalse();
    assertThat(new MemoryPressure(() -> Long.MAX_VALUE, 0, null).refuses()).isFalse();
  }

  @Test
  void ofJvm_isQuietAtRest() {
    assertThat(MemoryPressure.ofJvm(registry).refuses()).isFalse();
  }
}
