package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import media.edge.disk.DiskErrors.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails suspends writes for 30 seconds of the clock, after which they are tried again;
 * reads go on meanwhile, and nothing throws. The failure is made real rather than mocked: a regular
 * file stands where a shard folder must be created (tests run as root, so permissions deny nothing).
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
  void write_shardFolderBlocked_countsSuspendsAndRecoversAfterThirtySeconds() throws IOException {
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
      assertThat(tier.degraded()).isTrue();
      assertThat(tier.contains(key)).isFalse();
      try (var files = Files.list(shard.getParent())) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(AtomicFiles::isTemp);
      }

      ByteBuf skipped = body("y");
      tier.write(other, head(""), skipped);
      assertThat(skipped.refCnt()).isZero();
      assertThat(tier.contains(other)).isFalse();
      assertThat(f.errors("write")).isEqualTo(1);
      assertThat(text(tier, "/before")).isEqualTo("stored before the failure");

      f.clock.advance(Duration.ofSeconds(29));
      assertThat(tier.degraded()).isTrue();
      f.clock.advance(Duration.ofSeconds(1));
      assertThat(tier.degraded()).isFalse();

      Files.delete(shard);
      tier.write(key, head(""), body("x"));
      assertThat(text(tier, key)).isEqualTo("x");
      assertThat(tier.degraded()).isFalse();
    }
  }

  @Test
  void write_failingAgainAfterTheSuspension_suspendsAgain() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String key = "/live/seg_1.ts";
    try (DiskTier tier = f.open()) {
      Path shard = f.fileOf(key).getParent().getParent();
      Files.write(shard, new byte[] {0});
      tier.write(key, head(""), body("x"));
      f.clock.advance(Duration.ofSeconds(30));

      tier.write(key, head(""), body("x"));

      assertThat(f.errors("write")).isEqualTo(2);
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
  void describe_leavesThePathOut() {
    String text = DiskErrors.describe(new FileSystemException("/cache/ab/cd/secret.tmp", null, "No space left on device"));

    assertThat(text).isEqualTo("FileSystemException: No space left on device");
  }
}
