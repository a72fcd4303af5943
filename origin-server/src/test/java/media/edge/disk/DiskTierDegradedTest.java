package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import media.edge.disk.DiskErrors.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure of one entry's path costs that entry alone (counted, cleared where safe, its key not
 * rewritten for 30 seconds); a disk-wide failure, or three distinct entries failing in a row, suspends
 * writes for 30 seconds of the clock. Reads go on meanwhile, and nothing throws. Path failures are made
 * real rather than mocked (a file where a shard folder must be, a folder or a link where an entry
 * is; tests run as root, so permissions deny nothing); a full or read-only disk is stood in for by the
 * tier's temporary-file writer.
 */
class DiskTierDegradedTest {
  @TempDir Path dir;

  /** A key whose first shard folder differs from {@code other}'s. */
  private static String keyInAnotherShard(String other) {
    String shard = KeyHash.of(other).hex().substring(0, 2);
    for (int i = 0; ; i++) {
      String key = "/other/" + i;
      if (!KeyHash.of(key).hex().startsWith(shard)) {
        return key;
      }
    }
  }

  @Test
  void write_shardFolderBlockedByAFile_costsThatEntryAloneForThirtySeconds() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/live/seg_1.ts";
    String other = keyInAnotherShard(key);
    try (DiskTier tier = f.open()) {
      tier.write("/before", head(""), body("stored before the failure"));
      Path shard = f.fileOf(key).getParent().getParent();
      Files.createDirectories(shard.getParent());
      Files.deleteIfExists(shard.resolve(f.fileOf(key).getParent().getFileName()));
      Files.deleteIfExists(shard);
      Files.write(shard, new byte[] {0});

      tier.write(key, head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isFalse();
      assertThat(tier.contains(key)).isFalse();
      assertThat(shard).isRegularFile(); // not the tier's to delete
      try (var files = Files.list(shard.getParent())) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(AtomicFiles::isTemp);
      }

      tier.write(other, head(""), body("y"));
      assertThat(text(tier, other)).isEqualTo("y");
      assertThat(text(tier, "/before")).isEqualTo("stored before the failure");

      ByteBuf skipped = body("x");
      f.clock.advance(Duration.ofSeconds(29));
      tier.write(key, head(""), skipped);
      assertThat(skipped.refCnt()).isZero();
      assertThat(f.errors("write")).isEqualTo(1); // blocked: not even tried

      f.clock.advance(Duration.ofSeconds(1));
      Files.delete(shard);
      tier.write(key, head(""), body("x"));
      assertThat(text(tier, key)).isEqualTo("x");
      assertThat(f.errors("write")).isEqualTo(1);
    }
  }

  /** Issue 15: a directory planted at one entry's path suspended every disk write for 30 s. */
  @Test
  void write_nonEmptyDirectoryPlantedAtAnEntryPath_otherEntriesStillWrittenAndRead() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      tier.write(key, head(""), body("first"));
      Path file = f.fileOf(key);
      Files.delete(file);
      Files.createDirectories(file.resolve("inside"));
      Files.write(file.resolve("inside/someone-elses"), new byte[] {1});

      tier.write(key, head(""), body("second"));
      for (int i = 0; i < 20; i++) {
        tier.write("/vod/b/seg_" + i + ".ts", head(""), body("b" + i));
      }

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isFalse();
      assertThat(tier.contains(key)).isFalse(); // the index forgets what is no longer a file
      assertThat(file.resolve("inside/someone-elses")).isRegularFile();
      for (int i = 0; i < 20; i++) {
        assertThat(text(tier, "/vod/b/seg_" + i + ".ts")).isEqualTo("b" + i);
      }
      assertThat(tier.entries()).isEqualTo(20);
      try (var files = Files.list(file.getParent())) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(AtomicFiles::isTemp);
      }
    }
  }

  @Test
  void write_emptyDirectoryAtAnEntryPath_isRemovedAndTheKeyWrittenAfterItsBlock() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      Files.createDirectories(f.fileOf(key));

      tier.write(key, head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isFalse();
      assertThat(f.fileOf(key)).doesNotExist();
      f.clock.advance(Duration.ofSeconds(30));
      tier.write(key, head(""), body("x"));
      assertThat(text(tier, key)).isEqualTo("x");
    }
  }

  @Test
  void write_linkAtAnEntryPath_replacesTheLinkNeverItsTarget() throws IOException {
    DiskFixture f = new DiskFixture(dir.resolve("cache"));
    Path outside = Files.write(dir.resolve("outside"), new byte[] {42});
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      Files.createDirectories(f.fileOf(key).getParent());
      Files.createSymbolicLink(f.fileOf(key), outside);

      tier.write(key, head(""), body("x"));

      assertThat(text(tier, key)).isEqualTo("x");
      assertThat(f.fileOf(key)).isRegularFile();
      assertThat(Files.readAllBytes(outside)).containsExactly(42);
      assertThat(f.errors("write")).isZero();
    }
  }

  @Test
  void write_linkAtAShardFolder_writesNothingThroughItAndDeletesTheLink() throws IOException {
    DiskFixture f = new DiskFixture(dir.resolve("cache"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      Path shard = f.fileOf(key).getParent().getParent();
      Files.createSymbolicLink(shard, outside);

      tier.write(key, head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isFalse();
      assertThat(tier.contains(key)).isFalse();
      try (var files = Files.list(outside)) {
        assertThat(files).isEmpty();
      }
      assertThat(shard).doesNotExist();
      assertThat(outside).isDirectory();
      f.clock.advance(Duration.ofSeconds(30));
      tier.write(key, head(""), body("x"));
      assertThat(text(tier, key)).isEqualTo("x");
      assertThat(shard).isDirectory();
    }
  }

  @Test
  void read_directoryPlantedAtAnIndexedEntry_isCountedForgottenAndCleared() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      tier.write(key, head(""), body("x"));
      tier.write("/vod/b", head(""), body("b"));
      Files.delete(f.fileOf(key));
      Files.createDirectory(f.fileOf(key));

      assertThat(text(tier, key)).isNull();

      assertThat(f.errors("read")).isEqualTo(1);
      assertThat(tier.contains(key)).isFalse();
      assertThat(f.fileOf(key)).doesNotExist();
      assertThat(tier.degraded()).isFalse();
      assertThat(text(tier, "/vod/b")).isEqualTo("b");
    }
  }

  @Test
  void read_linkPlantedAtAnIndexedEntry_isNotFollowed() throws IOException {
    DiskFixture f = new DiskFixture(dir.resolve("cache"));
    String key = "/vod/a/seg_1.ts";
    Path outside = dir.resolve("outside");
    try (DiskTier tier = f.open()) {
      tier.write(key, head(""), body("planted copy"));
      Files.move(f.fileOf(key), outside);
      Files.createSymbolicLink(f.fileOf(key), outside);

      assertThat(text(tier, key)).isNull();
      assertThat(tier.open(key).join()).isNull();

      assertThat(f.errors("read")).isEqualTo(1);
      assertThat(tier.contains(key)).isFalse();
      assertThat(Files.exists(f.fileOf(key), LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(outside).isRegularFile();
    }
  }

  @Test
  void remove_nonEmptyDirectoryAtTheEntryPath_isLeftAloneWithoutSuspending() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/vod/a/seg_1.ts";
    try (DiskTier tier = f.open()) {
      tier.write(key, head(""), body("x"));
      Files.delete(f.fileOf(key));
      Files.createDirectories(f.fileOf(key).resolve("inside"));

      tier.remove(key);

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isFalse();
      assertThat(f.fileOf(key).resolve("inside")).isDirectory();
      tier.write("/vod/b", head(""), body("b"));
      assertThat(text(tier, "/vod/b")).isEqualTo("b");
    }
  }

  @Test
  void write_threeDistinctEntriesFailingInARow_suspendsLikeAFullDisk() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 4; i++) {
        Files.createDirectories(f.fileOf("/bad/" + i).resolve("inside"));
      }

      tier.write("/bad/0", head(""), body("x"));
      tier.write("/bad/1", head(""), body("x"));
      tier.write("/good", head(""), body("resets the run"));
      tier.write("/bad/2", head(""), body("x"));
      tier.write("/bad/3", head(""), body("x"));
      assertThat(tier.degraded()).isFalse();
      tier.write("/bad/0", head(""), body("x")); // blocked: not tried, not a failure
      assertThat(tier.degraded()).isFalse();
      f.clock.advance(Duration.ofSeconds(30));
      tier.write("/bad/0", head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(5);
      assertThat(tier.degraded()).isTrue();
      assertThat(text(tier, "/good")).isEqualTo("resets the run");
    }
  }

  @Test
  void write_noSpaceLeft_countsFullAndSuspendsEveryWrite() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    AtomicBoolean full = new AtomicBoolean(true);
    AtomicFiles.TempWriter disk = (target, header, body, modified) -> {
      if (full.get()) {
        throw new IOException("No space left on device"); // as FileChannel.write reports ENOSPC
      }
      return AtomicFiles.writeTemp(target, header, body, modified);
    };
    try (DiskTier tier = f.open(b -> b.tempWriter(disk))) {
      tier.write("/a", head(""), body("x"));

      assertThat(f.errors("full")).isEqualTo(1);
      assertThat(f.errors("write")).isZero();
      assertThat(tier.degraded()).isTrue();
      ByteBuf skipped = body("y");
      tier.write("/b", head(""), skipped);
      assertThat(skipped.refCnt()).isZero();
      assertThat(tier.contains("/b")).isFalse();
      assertThat(f.errors("full")).isEqualTo(1);

      full.set(false);
      f.clock.advance(Duration.ofSeconds(30));
      tier.write("/a", head(""), body("x")); // a disk-wide failure blocks no key
      assertThat(text(tier, "/a")).isEqualTo("x");
    }
  }

  @Test
  void write_readOnlyFileSystem_suspends() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    AtomicFiles.TempWriter readOnly = (target, header, body, modified) -> {
      throw new FileSystemException(target.toString(), null, "Read-only file system");
    };
    try (DiskTier tier = f.open(b -> b.tempWriter(readOnly))) {
      tier.write("/a", head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(tier.degraded()).isTrue();
    }
  }

  @Test
  void write_whileTheFolderIsGone_countsAndSuspends() throws IOException {
    Path cache = dir.resolve("cache");
    DiskFixture inner = new DiskFixture(cache);
    try (DiskTier tier = inner.open()) {
      Files.delete(cache);
      Files.write(cache, new byte[] {0}); // the cache folder replaced by a file

      tier.write("/a", head(""), body("x"));
      tier.ban("/a");

      assertThat(inner.errors("write")).isEqualTo(2);
      assertThat(tier.degraded()).isTrue();
      assertThat(text(tier, "/a")).isNull();
    }
  }

  @Test
  void ofWrite_noSpaceLeft_isFull() {
    assertThat(DiskErrors.ofWrite(new IOException("No space left on device"))).isEqualTo(Reason.FULL);
    assertThat(DiskErrors.ofWrite(new FileSystemException("/cache/ab/cd/x.tmp", null, "No space left on device")))
        .isEqualTo(Reason.FULL);
    assertThat(DiskErrors.ofWrite(new IOException("Disk quota exceeded"))).isEqualTo(Reason.FULL);
    assertThat(DiskErrors.ofWrite(new IOException("Input/output error"))).isEqualTo(Reason.WRITE);
    assertThat(DiskErrors.ofWrite(new IOException())).isEqualTo(Reason.WRITE);
  }

  @Test
  void diskWide_namesTheFileSystemsTroublesNotOnePathsOnes() {
    assertThat(DiskErrors.diskWide(new IOException("No space left on device"))).isTrue();
    assertThat(DiskErrors.diskWide(new FileSystemException("/c/x", null, "Read-only file system"))).isTrue();
    assertThat(DiskErrors.diskWide(new FileSystemException("/c/x", null, "Too many open files"))).isTrue();
    assertThat(DiskErrors.diskWide(new IOException("Input/output error"))).isTrue();
    assertThat(DiskErrors.diskWide(new FileSystemException("/c/x", "/c/y", "Is a directory"))).isFalse();
    assertThat(DiskErrors.diskWide(new java.nio.file.AccessDeniedException("/c/x"))).isFalse();
    assertThat(DiskErrors.diskWide(new java.nio.file.DirectoryNotEmptyException("/c/x"))).isFalse();
    assertThat(DiskErrors.diskWide(new IOException())).isFalse();
  }

  @Test
  void describe_leavesThePathOut() {
    String text = DiskErrors.describe(new FileSystemException("/cache/ab/cd/secret.tmp", null, "No space left on device"));

    assertThat(text).isEqualTo("FileSystemException: No space left on device");
  }
}
