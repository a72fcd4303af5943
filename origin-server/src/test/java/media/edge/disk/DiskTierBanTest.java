package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prefix purges: applied at read to entries stored until the ban, bounded, and kept across restarts. */
class DiskTierBanTest {
  @TempDir Path dir;

  @Test
  void ban_hidesAndDeletesEntriesUnderThePrefixStoredBefore() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/live/a/1.ts", head(""), body("a1"));
      tier.write("/live/b/1.ts", head(""), body("b1"));
      f.clock.advance(Duration.ofSeconds(1));

      tier.ban("/live/a/");

      assertThat(text(tier, "/live/a/1.ts")).isNull();
      assertThat(f.fileOf("/live/a/1.ts")).doesNotExist();
      assertThat(tier.contains("/live/a/1.ts")).isFalse();
      assertThat(text(tier, "/live/b/1.ts")).isEqualTo("b1");
      assertThat(f.errors("corrupt")).isZero();
    }
  }

  @Test
  void ban_sparesEntriesStoredAfterIt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.ban("/live/a/");
      f.clock.advance(Duration.ofMillis(1));

      tier.write("/live/a/2.ts", head(""), body("a2"));

      assertThat(text(tier, "/live/a/2.ts")).isEqualTo("a2");
    }
  }

  @Test
  void ban_inTheSameMillisecondAsAWrite_wins() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/live/a/1.ts", head(""), body("a1"));
      tier.ban("/live/a/");

      assertThat(text(tier, "/live/a/1.ts")).isNull();
    }
  }

  @Test
  void ban_catchesAWriteStillInFlight() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open()) {
      tier.write("/live/a/1.ts", head(""), body("stale"));
      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/live/a/");
      io.runAll();
      assertThat(tier.contains("/live/a/1.ts")).isTrue(); // known only once read

      var read = tier.read("/live/a/1.ts");
      io.runAll();

      assertThat(read).isCompletedWithValue(null);
      assertThat(tier.contains("/live/a/1.ts")).isFalse();
    }
  }

  @Test
  void ban_survivesARestart() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/live/a/1.ts", head(""), body("a1"));
      tier.write("/live/b/1.ts", head(""), body("b1"));
      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/live/a/");
      f.clock.advance(Duration.ofSeconds(1));
      tier.write("/live/a/2.ts", head(""), body("a2"));
    }
    assertThat(dir.resolve(BanList.FILE_NAME)).isRegularFile();

    try (DiskTier tier = f.open()) {
      assertThat(tier.entries()).isEqualTo(3);
      assertThat(text(tier, "/live/a/1.ts")).isNull();
      assertThat(text(tier, "/live/a/2.ts")).isEqualTo("a2");
      assertThat(text(tier, "/live/b/1.ts")).isEqualTo("b1");
    }
  }

  @Test
  void ban_beyondMaxBans_dropsTheOldestButStillRefusesWhatItCovered() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open(b -> b.maxBans(2))) {
      tier.write("/old", head(""), body("stored before every ban"));
      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/x/");
      f.clock.advance(Duration.ofSeconds(1));
      tier.write("/between", head(""), body("stored after the dropped ban"));
      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/y/");
      tier.ban("/z/");

      assertThat(text(tier, "/old")).isNull();
      assertThat(text(tier, "/between")).isEqualTo("stored after the dropped ban");
    }
    try (DiskTier tier = f.open(b -> b.maxBans(2))) {
      tier.ban("/w/");
    }
    BanList saved = loadSaved(f);
    assertThat(saved.bans()).extracting(BanList.Ban::prefix).containsExactly("/z/", "/w/");
  }

  @Test
  void ban_olderThanTheHorizon_isDroppedIntoTheFloor() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open(b -> b.banHorizon(Duration.ofDays(1)))) {
      tier.ban("/x/");
      long banned = f.clock.millis();
      f.clock.advance(Duration.ofDays(2));
      tier.ban("/y/");

      BanList saved = loadSaved(f);
      assertThat(saved.bans()).extracting(BanList.Ban::prefix).containsExactly("/y/");
      assertThat(saved.floorMillis()).isEqualTo(banned);
    }
  }

  @Test
  void ban_samePrefixAgain_takesOneSlot() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.ban("/x/");
      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/x/");
    }

    assertThat(loadSaved(f).bans()).containsExactly(new BanList.Ban("/x/", f.clock.millis()));
  }

  @Test
  void open_corruptBanList_treatsEverythingStoredBeforeAsBanned() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("a"));
      tier.ban("/x/");
    }
    try (RandomAccessFile raf = new RandomAccessFile(dir.resolve(BanList.FILE_NAME).toFile(), "rw")) {
      raf.seek(10);
      raf.write(0xff);
    }
    f.clock.advance(Duration.ofSeconds(1));

    try (DiskTier tier = f.open()) {
      assertThat(f.errors("corrupt")).isEqualTo(1);
      assertThat(text(tier, "/a")).isNull();
      f.clock.advance(Duration.ofSeconds(1));
      tier.write("/b", head(""), body("b"));
      assertThat(text(tier, "/b")).isEqualTo("b");
    }
    try (DiskTier tier = f.open()) {
      assertThat(f.errors("corrupt")).isEqualTo(1); // the rewritten list reads back fine
      assertThat(text(tier, "/b")).isEqualTo("b");
    }
  }

  private static BanList loadSaved(DiskFixture f) throws IOException {
    try {
      return BanList.load(f.dir.resolve(BanList.FILE_NAME), 1000, Duration.ofDays(365), f.clock.millis());
    } catch (CorruptFileException e) {
      throw new AssertionError(e);
    }
  }
}
