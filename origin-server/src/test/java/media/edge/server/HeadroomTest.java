package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 15: the start-up checks of what the configuration asks against what the process has. */
class HeadroomTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void directMemory_tierWithinThreeQuarters_isQuiet() {
    assertThat(Headroom.directMemory(384 * MIB, 512 * MIB)).isEmpty();
  }

  @Test
  void directMemory_tierAboveThreeQuarters_warnsNamingTheKey() {
    assertThat(Headroom.directMemory(400 * MIB, 512 * MIB)).hasValueSatisfying(w -> assertThat(w)
        .startsWith("cache.memory-bytes 419430400").contains("less than a quarter"));
  }

  @Test
  void directMemory_tierAsLargeAsTheLimit_warnsThatItCanNeverFill() {
    assertThat(Headroom.directMemory(512 * MIB, 256 * MIB)).hasValueSatisfying(w -> assertThat(w)
        .startsWith("cache.memory-bytes 536870912").contains("can never fill").contains("-XX:MaxDirectMemorySize"));
  }

  @Test
  void directMemory_noKnownLimit_isQuiet() {
    assertThat(Headroom.directMemory(512 * MIB, -1)).isEmpty();
  }

  @Test
  void maxConnections_zero_isThreeQuartersOfTheDescriptorLimit() {
    assertThat(Headroom.maxConnections(0, 1024)).isEqualTo(768);
    assertThat(Headroom.maxConnections(0, 1_048_576)).isEqualTo(786_432);
  }

  @Test
  void maxConnections_configured_isKept_andUnknownLimitMeansNone() {
    assertThat(Headroom.maxConnections(2000, 1024)).isEqualTo(2000);
    assertThat(Headroom.maxConnections(0, -1)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void descriptorLimit_isReadFromTheJvm() {
    assertThat(Headroom.descriptorLimit()).isGreaterThan(0);
  }
}
