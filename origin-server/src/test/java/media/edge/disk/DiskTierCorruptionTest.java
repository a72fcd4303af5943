package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files are never served: each is reported absent, counted as
 * {@code reason="corrupt"}, deleted and dropped from the index, and the other entries are unharmed.
 */
class DiskTierCorruptionTest {
  private static final String KEY = "/vod/movie/720p/seg_00001.ts";
  private static final String OTHER = "/vod/movie/720p/seg_00002.ts";

  @TempDir Path dir;

  /** Stores KEY and OTHER, applies {@code damage} to KEY's file, and reopens the tier. */
  private DiskTier storeThenDamage(DiskFixture f, FileDamage damage) throws IOException {
    try (DiskTier tier = f.open()) {
      tier.write(KEY, head("content-type: video/mp2t"), body("0123456789".repeat(10)));
      tier.write(OTHER, head("content-type: video/mp2t"), body("intact"));
    }
    damage.apply(f.fileOf(KEY));
    return f.open();
  }

  @FunctionalInterface
  interface FileDamage {
    void apply(Path file) throws IOException;
  }

  private static void assertDroppedAsCorrupt(DiskFixture f, DiskTier tier) {
    assertThat(text(tier, KEY)).isNull();
    assertThat(f.errors("corrupt")).isEqualTo(1);
    assertThat(f.fileOf(KEY)).doesNotExist();
    assertThat(tier.contains(KEY)).isFalse();
    assertThat(tier.entries()).isEqualTo(1);
    assertThat(text(tier, OTHER)).isEqualTo("intact");
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x01);
    }
  }

  private static void putInt(Path file, long position, int value) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      raf.writeInt(value);
    }
  }

  @Test
  void read_flippedBodyByte_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> flipByte(file, Files.size(file) - 1))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_flippedHeadByte_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    long inHead = 4 + 4 + 4 + KEY.length() + 8 + 4 + 2;
    try (DiskTier tier = storeThenDamage(f, file -> flipByte(file, inHead))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_flippedStoredTimeByte_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> flipByte(file, 4 + 4 + 4 + KEY.length() + 7))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_hugeKeyLength_isDroppedWithoutAllocatingIt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> putInt(file, 8, Integer.MAX_VALUE))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_hugeHeadLength_isDroppedWithoutAllocatingIt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> putInt(file, 4 + 4 + 4 + KEY.length() + 8, 0x7fff_fff0))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_truncatedFile_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> truncate(file, Files.size(file) - 10))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_fileCutInsideTheHeader_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> truncate(file, 20))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_emptyFile_isDroppedAsCorrupt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = storeThenDamage(f, file -> truncate(file, 0))) {
      assertDroppedAsCorrupt(f, tier);
    }
  }

  @Test
  void read_fileOfAnotherKey_isDroppedAsCorrupt() throws IOException {
    // A hash collision cannot be made on purpose; a file copied under another key's name looks the same.
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write(OTHER, head(""), body("other's body"));
    }
    Path stolen = f.fileOf(KEY);
    Files.createDirectories(stolen.getParent());
    Files.copy(f.fileOf(OTHER), stolen, StandardCopyOption.REPLACE_EXISTING);

    try (DiskTier tier = f.open()) {
      assertThat(tier.contains(KEY)).isTrue();
      assertThat(text(tier, KEY)).isNull();
      assertThat(f.errors("corrupt")).isEqualTo(1);
      assertThat(stolen).doesNotExist();
      assertThat(text(tier, OTHER)).isEqualTo("other's body");
    }
  }

  @Test
  void read_fileTurnedIntoAFolder_countsAReadErrorAndAnswersNull() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write(KEY, head(""), body("x"));
      Files.delete(f.fileOf(KEY));
      Files.createDirectory(f.fileOf(KEY));

      assertThat(text(tier, KEY)).isNull();
      assertThat(f.errors("read")).isEqualTo(1);
      assertThat(f.errors("corrupt")).isZero();
    }
  }

  @Test
  void read_fileDeletedBehindTheIndex_answersNullAndForgetsIt() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write(KEY, head(""), body("x"));
      Files.delete(f.fileOf(KEY));

      assertThat(text(tier, KEY)).isNull();
      assertThat(tier.contains(KEY)).isFalse();
      assertThat(tier.bytes()).isZero();
      assertThat(f.errors("read") + f.errors("corrupt")).isZero();
    }
  }

  @Test
  void open_deletesLeftoverTemporaryFilesAndLeavesForeignOnes() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write(KEY, head(""), body("x"));
    }
    Path entry = f.fileOf(KEY);
    Path halfWritten = entry.resolveSibling(entry.getFileName() + ".5f3a.tmp");
    Files.write(halfWritten, new byte[] {1, 2, 3});
    Path bansTemp = dir.resolve("bans.77.tmp");
    Files.write(bansTemp, new byte[] {4});
    Path foreign = dir.resolve("README");
    Files.write(foreign, new byte[] {5});

    try (DiskTier tier = f.open()) {
      assertThat(halfWritten).doesNotExist();
      assertThat(bansTemp).doesNotExist();
      assertThat(foreign).exists();
      assertThat(tier.entries()).isEqualTo(1);
      assertThat(tier.bytes()).isEqualTo(Files.size(entry));
    }
  }

  @Test
  void open_ignoresFilesOutsideTheirShard() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    String hex = KeyHash.of(KEY).hex();
    Path misplaced = dir.resolve("00").resolve("00").resolve(hex);
    Files.createDirectories(misplaced.getParent());
    Files.write(misplaced, new byte[] {1});

    try (DiskTier tier = f.open()) {
      assertThat(tier.entries()).isZero();
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
  }
}
