package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eviction by last access when the files exceed the capacity, in batches down to 95% of it, with
 * recency carried over a restart by the files' modification times.
 */
class DiskTierEvictionTest {
  /** Keys of the same length and bodies of the same size make every file {@link #ENTRY} bytes. */
  private static final String BODY = "b".repeat(100);
  private static final long ENTRY = EntryFormat.fileSize(3, 0, BODY.length());

  @TempDir Path dir;

  private DiskFixture fixtureForFourEntries() {
    DiskFixture f = new DiskFixture(dir);
    f.capacityBytes = 4 * ENTRY + 10;
    return f;
  }

  /** Writes {@code /k1 .. /k4}, one second apart. */
  private static void writeFour(DiskFixture f, DiskTier tier) {
    for (int i = 1; i <= 4; i++) {
      tier.write("/k" + i, head(""), body(BODY));
      f.clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void write_overCapacity_evictsTheLeastRecentlyReadDownToTheLowWatermark() throws IOException {
    DiskFixture f = fixtureForFourEntries();
    try (DiskTier tier = f.open()) {
      writeFour(f, tier);
      assertThat(text(tier, "/k1")).isEqualTo(BODY);
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(text(tier, "/k3")).isEqualTo(BODY);
      f.clock.advance(Duration.ofSeconds(1));

      tier.write("/k5", head(""), body(BODY));

      // Five entries are 170 bytes over 95% of the capacity: the two least recently used go.
      assertThat(tier.contains("/k2")).isFalse();
      assertThat(tier.contains("/k4")).isFalse();
      assertThat(f.fileOf("/k2")).doesNotExist();
      assertThat(f.fileOf("/k4")).doesNotExist();
      assertThat(tier.contains("/k1")).isTrue();
      assertThat(tier.contains("/k3")).isTrue();
      assertThat(tier.contains("/k5")).isTrue();
      assertThat(tier.bytes()).isEqualTo(3 * ENTRY).isLessThanOrEqualTo(tier.capacityBytes());
    }
  }

  @Test
  void read_touchesTheFile_soRecencySurvivesARestart() throws IOException {
    DiskFixture f = fixtureForFourEntries();
    try (DiskTier tier = f.open()) {
      writeFour(f, tier);
      f.clock.advance(Duration.ofMillis(DiskTier.TOUCH_INTERVAL_MILLIS));
      assertThat(text(tier, "/k1")).isEqualTo(BODY);
    }
    assertThat(Files.getLastModifiedTime(f.fileOf("/k1")).toMillis()).isEqualTo(f.clock.millis());
    f.clock.advance(Duration.ofSeconds(1));

    try (DiskTier tier = f.open()) {
      tier.write("/k5", head(""), body(BODY));

      assertThat(tier.contains("/k1")).isTrue();
      assertThat(tier.contains("/k2")).isFalse();
      assertThat(tier.contains("/k3")).isFalse();
      assertThat(tier.contains("/k4")).isTrue();
    }
  }

  @Test
  void read_soonAfterWrite_doesNotRewriteTheModificationTime() throws IOException {
    DiskFixture f = fixtureForFourEntries();
    try (DiskTier tier = f.open()) {
      tier.write("/k1", head(""), body(BODY));
      long written = Files.getLastModifiedTime(f.fileOf("/k1")).toMillis();
      f.clock.advance(Duration.ofMinutes(1));

      assertThat(text(tier, "/k1")).isEqualTo(BODY);

      assertThat(Files.getLastModifiedTime(f.fileOf("/k1")).toMillis()).isEqualTo(written);
    }
  }

  @Test
  void open_withASmallerCapacity_evictsTheOldest() throws IOException {
    DiskFixture f = fixtureForFourEntries();
    try (DiskTier tier = f.open()) {
      writeFour(f, tier);
    }
    f.capacityBytes = 2 * ENTRY;

    try (DiskTier tier = f.open()) {
      assertThat(tier.bytes()).isLessThanOrEqualTo(2 * ENTRY);
      assertThat(tier.contains("/k4")).isTrue();
      assertThat(tier.contains("/k1")).isFalse();
      assertThat(f.fileOf("/k1")).doesNotExist();
    }
  }
}
