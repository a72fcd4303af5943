package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "gauges stay true": the disk tier's {@link DiskTier#bytes} and {@link DiskTier#entries}
 * (what {@code edge_cache_bytes{tier="disk"}} and {@code edge_cache_entries{tier="disk"}} export) equal
 * what a walk of the folder finds, after every kind of change: writes, replaces, evictions, purges by
 * path and by prefix, corrupt entries dropped, files changed behind the tier's back, and the index
 * rebuilt at start-up.
 *
 * <p>The walk counts what the tier would count: regular files (links not followed) named after a hash,
 * in the shard folders that hash names. Temporary files, the ban list and strangers are not entries.
 */
class DiskTierGaugesTest {
  private static final String BODY = "b".repeat(100);

  @TempDir Path dir;

  /** What is in the folder. */
  private record Walked(long entries, long bytes) {}

  private static Walked walk(Path root) throws IOException {
    long entries = 0;
    long bytes = 0;
    try (Stream<Path> paths = Files.walk(root.toAbsolutePath().normalize())) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String name = path.getFileName().toString();
        KeyHash hash = KeyHash.parse(name);
        if (attrs.isRegularFile() && hash != null && hash.file(root.toAbsolutePath().normalize()).equals(path)) {
          entries++;
          bytes += attrs.size();
        }
      }
    }
    return new Walked(entries, bytes);
  }

  private static void assertGaugesMatchTheFolder(DiskFixture f, DiskTier tier) throws IOException {
    Walked walked = walk(f.dir);
    assertThat(tier.entries()).as("entries").isEqualTo(walked.entries());
    assertThat(tier.bytes()).as("bytes").isEqualTo(walked.bytes());
  }

  @Test
  void gauges_afterWritesAndReplaces_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 10; i++) {
        tier.write("/k" + i, head("h"), body(BODY));
      }
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(10);

      tier.write("/k1", head("a longer head"), body(BODY.repeat(3)));
      tier.write("/k2", head(""), body("short"));
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(10);
    }
  }

  @Test
  void gauges_afterEvictions_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    f.capacityBytes = 10 * EntryFormat.fileSize(3, 0, BODY.length());
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 40; i++) {
        tier.write("/k" + (char) ('A' + i), head(""), body(BODY));
        f.clock.advance(Duration.ofSeconds(1));
      }
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.bytes()).isLessThanOrEqualTo(tier.capacityBytes());
    }
  }

  @Test
  void gauges_afterPurgesByPathAndByPrefix_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 6; i++) {
        tier.write("/a/" + i, head(""), body(BODY));
        tier.write("/b/" + i, head(""), body(BODY));
      }
      io.runAll();

      tier.remove("/a/0");
      tier.remove("/a/1");
      tier.remove("/never-stored");
      io.runAll();
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(10);

      tier.write("/a/2", head(""), body("in flight when purged"));
      tier.remove("/a/2");
      io.runAll();
      assertGaugesMatchTheFolder(f, tier);

      f.clock.advance(Duration.ofSeconds(1));
      tier.ban("/b/");
      io.runAll();
      assertGaugesMatchTheFolder(f, tier); // lazily: the files are still there, and counted
      for (int i = 0; i < 6; i++) {
        assertThat(tier.read("/b/" + i)).isNotDone();
        io.runAll();
      }
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(3);
    }
  }

  @Test
  void gauges_afterCorruptEntriesAreDropped_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/flipped", head(""), body(BODY));
      tier.write("/truncated", head(""), body(BODY));
      tier.write("/grown", head(""), body(BODY));
      tier.write("/intact", head(""), body(BODY));
      try (RandomAccessFile raf = new RandomAccessFile(f.fileOf("/flipped").toFile(), "rw")) {
        raf.seek(raf.length() - 1);
        raf.write('x');
      }
      try (RandomAccessFile raf = new RandomAccessFile(f.fileOf("/truncated").toFile(), "rw")) {
        raf.setLength(raf.length() - 10);
      }
      try (RandomAccessFile raf = new RandomAccessFile(f.fileOf("/grown").toFile(), "rw")) {
        raf.seek(raf.length());
        raf.write(new byte[1000]);
      }

      assertThat(text(tier, "/flipped")).isNull();
      assertThat(tier.open("/truncated").join()).isNull();
      assertThat(text(tier, "/grown")).isNull();

      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(1);
    }
  }

  @Test
  void gauges_afterFilesChangedBehindTheTiersBack_matchTheFolderOnceRead() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      tier.write("/deleted", head(""), body(BODY));
      tier.write("/replaced", head(""), body(BODY));
      tier.write("/copy", head(""), body(BODY.repeat(5)));
      tier.write("/directory", head(""), body(BODY));
      Files.delete(f.fileOf("/deleted"));
      Files.copy(f.fileOf("/copy"), f.fileOf("/replaced"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.delete(f.fileOf("/directory"));
      Files.createDirectories(f.fileOf("/directory").resolve("inside"));

      assertThat(text(tier, "/deleted")).isNull();
      assertThat(text(tier, "/replaced")).isNull(); // another key's file: corrupt
      assertThat(text(tier, "/directory")).isNull();

      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(1);
    }
  }

  @Test
  void gauges_afterAnIndexRebuildAtStartUp_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir.resolve("cache"));
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 20; i++) {
        tier.write("/k" + i, head(""), body(BODY.repeat(i + 1)));
      }
      tier.ban("/k1");
    }
    Path root = f.dir.toAbsolutePath().normalize();
    // Leftovers and strangers that are not entries: a temporary file, a file in the wrong shard, a
    // folder and a link at entry names, and a shard folder that is a link to another folder of entries.
    Path some = f.fileOf("/k3");
    Files.write(some.resolveSibling(some.getFileName() + ".1234.tmp"), new byte[100]);
    Files.copy(some, Files.createDirectories(root.resolve("00").resolve("00")).resolve(some.getFileName()));
    Files.createDirectories(KeyHash.of("/dir").file(root));
    Files.createDirectories(KeyHash.of("/link").file(root).getParent());
    Files.createSymbolicLink(KeyHash.of("/link").file(root), some);
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    String linked = KeyHash.of("/linked").hex();
    Files.createDirectories(elsewhere.resolve(linked.substring(2, 4)));
    Files.copy(some, elsewhere.resolve(linked.substring(2, 4)).resolve(linked));
    Path linkedShard = root.resolve(linked.substring(0, 2));
    if (!Files.exists(linkedShard, LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(linkedShard, elsewhere);
    }

    try (DiskTier tier = f.open()) {
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.entries()).isEqualTo(20);
      assertThat(tier.contains("/linked")).isFalse();
    }
  }

  @Test
  void gauges_afterARebuildOverCapacity_matchTheFolder() throws IOException {
    DiskFixture f = new DiskFixture(dir);
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 20; i++) {
        tier.write("/k" + i, head(""), body(BODY));
        f.clock.advance(Duration.ofSeconds(1));
      }
    }
    f.capacityBytes = 5 * EntryFormat.fileSize(3, 0, BODY.length());

    try (DiskTier tier = f.open()) {
      assertGaugesMatchTheFolder(f, tier);
      assertThat(tier.bytes()).isLessThanOrEqualTo(tier.capacityBytes());
    }
  }
}
