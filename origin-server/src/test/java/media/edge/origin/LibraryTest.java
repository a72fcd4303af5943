package media.edge.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import media.edge.http.SafePath;
import media.edge.origin.Library.Lookup;
import media.edge.origin.Library.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File lookups below the library root, including links that try to leave it; and file validators. */
class LibraryTest {

  private static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

  @TempDir Path root;
  @TempDir Path outside;

  private Library library;

  @BeforeEach
  void openLibrary() throws IOException {
    library = Library.open(root);
  }

  private static SafePath path(String raw) {
    SafePath parsed = SafePath.parse(raw);
    assertThat(parsed.outcome()).as("parse %s", raw).isEqualTo(SafePath.Outcome.OK);
    return parsed.path();
  }

  private static Path write(Path file, int size, Instant mtime) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[size]);
    Files.setLastModifiedTime(file, FileTime.from(mtime));
    return file;
  }

  private Lookup stat(String raw) {
    return library.stat(path(raw));
  }

  private static void assertNotFound(Lookup lookup) {
    assertThat(lookup.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(lookup.meta()).isNull();
  }

  // ---- plain files --------------------------------------------------------------------------

  @Test
  void stat_regularFile_isFoundWithSizeAndMeta() throws IOException {
    Path file = write(root.resolve("demo/240p/seg_000.ts"), 1316, MTIME);

    Lookup lookup = stat("/demo/240p/seg_000.ts");

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.meta().file()).isEqualTo(file.toRealPath());
    assertThat(lookup.meta().size()).isEqualTo(1316);
    assertThat(lookup.meta().modifiedMicros()).isEqualTo(MTIME.getEpochSecond() * 1_000_000L);
    assertThat(lookup.meta().modifiedSeconds()).isEqualTo(MTIME.getEpochSecond());
  }

  @Test
  void stat_emptyFile_isFoundWithSizeZero() throws IOException {
    write(root.resolve("empty.ts"), 0, MTIME);

    Lookup lookup = stat("/empty.ts");

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.meta().size()).isZero();
  }

  @Test
  void stat_missingFile_isNotFound() {
    assertNotFound(stat("/demo/missing.ts"));
  }

  @Test
  void stat_fileUnderMissingDirectory_isNotFound() {
    assertNotFound(stat("/no/such/dir/seg.ts"));
  }

  @Test
  void stat_directory_isNotFound() throws IOException {
    Files.createDirectories(root.resolve("demo/240p"));

    assertNotFound(stat("/demo/240p"));
  }

  @Test
  void stat_fileNamedAsDirectory_isNotFound() throws IOException {
    write(root.resolve("seg.ts"), 10, MTIME);

    assertNotFound(stat("/seg.ts/x"));
  }

  @Test
  void stat_unreadableFile_isForbidden() throws IOException {
    assumeThat(System.getProperty("user.name")).as("root reads any file").isNotEqualTo("root");
    Path file = write(root.resolve("secret.ts"), 10, MTIME);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

    Lookup lookup = stat("/secret.ts");

    assertThat(lookup.status()).isEqualTo(Status.FORBIDDEN);
    assertThat(lookup.meta()).isNull();
  }

  // ---- symbolic links -----------------------------------------------------------------------

  @Test
  void stat_symlinkToFileInsideRoot_isFoundAsTarget() throws IOException {
    Path target = write(root.resolve("store/seg_000.ts"), 188, MTIME);
    Files.createDirectories(root.resolve("demo"));
    Files.createSymbolicLink(root.resolve("demo/latest.ts"), Path.of("../store/seg_000.ts"));

    Lookup lookup = stat("/demo/latest.ts");

    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.meta().file()).isEqualTo(target.toRealPath());
    assertThat(lookup.meta().size()).isEqualTo(188);
  }

  @Test
  void stat_symlinkedDirectoryInsideRoot_isFound() throws IOException {
    write(root.resolve("v1/seg.ts"), 188, MTIME);
    Files.createSymbolicLink(root.resolve("current"), root.resolve("v1"));

    assertThat(stat("/current/seg.ts").status()).isEqualTo(Status.FOUND);
  }

  @Test
  void stat_symlinkToFileOutsideRoot_isNotFound() throws IOException {
    Path secret = write(outside.resolve("secret.key"), 16, MTIME);
    Files.createSymbolicLink(root.resolve("stolen.key"), secret);

    assertNotFound(stat("/stolen.key"));
  }

  @Test
  void stat_relativeSymlinkClimbingOutOfRoot_isNotFound() throws IOException {
    Path secret = write(outside.resolve("secret.key"), 16, MTIME);
    Files.createSymbolicLink(root.resolve("stolen.key"), root.relativize(secret));

    assertNotFound(stat("/stolen.key"));
  }

  @Test
  void stat_symlinkedDirectoryEscapingRoot_isNotFound() throws IOException {
    write(outside.resolve("etc/passwd"), 100, MTIME);
    Files.createSymbolicLink(root.resolve("etc"), outside.resolve("etc"));

    assertNotFound(stat("/etc/passwd"));
  }

  @Test
  void stat_symlinkToSiblingWithRootAsNamePrefix_isNotFound() throws IOException {
    // ".../lib2/secret.key" starts with the string ".../lib" but is not below the directory.
    Path lib = Files.createDirectory(outside.resolve("lib"));
    Path secret = write(outside.resolve("lib2/secret.key"), 16, MTIME);
    Files.createSymbolicLink(lib.resolve("stolen.key"), secret);

    assertNotFound(Library.open(lib).stat(path("/stolen.key")));
  }

  @Test
  void stat_symlinkToRootItself_isNotFound() throws IOException {
    Files.createSymbolicLink(root.resolve("self"), root);

    assertNotFound(stat("/self"));
  }

  @Test
  void stat_danglingSymlink_isNotFound() throws IOException {
    Files.createSymbolicLink(root.resolve("dangling.ts"), root.resolve("nowhere.ts"));

    assertNotFound(stat("/dangling.ts"));
  }

  @Test
  void open_rootGivenAsSymlink_resolvesRealPathAndServesFiles() throws IOException {
    write(root.resolve("demo/master.m3u8"), 42, MTIME);
    Path link = Files.createSymbolicLink(outside.resolve("library-link"), root);

    Library linked = Library.open(link);

    assertThat(linked.root()).isEqualTo(root.toRealPath());
    Lookup lookup = linked.stat(path("/demo/master.m3u8"));
    assertThat(lookup.status()).isEqualTo(Status.FOUND);
    assertThat(lookup.meta().file()).isEqualTo(root.resolve("demo/master.m3u8").toRealPath());
  }

  @Test
  void open_missingRoot_throws() {
    assertThatThrownBy(() -> Library.open(outside.resolve("missing")))
        .isInstanceOf(IOException.class);
  }

  // ---- FileMeta -----------------------------------------------------------------------------

  @Test
  void etag_isQuotedHexMicrosAndHexSize() {
    FileMeta meta = new FileMeta(Path.of("seg.ts"), 0x4e20, 0x5f1e2d3c4b5a0L);

    assertThat(meta.etag()).isEqualTo("\"5f1e2d3c4b5a0-4e20\"");
  }

  @Test
  void etag_unchangedFile_isStable() throws IOException {
    write(root.resolve("seg.ts"), 100, MTIME);

    FileMeta first = stat("/seg.ts").meta();
    FileMeta second = stat("/seg.ts").meta();

    assertThat(second.etag()).isEqualTo(first.etag());
    assertThat(second.sameVersion(first)).isTrue();
  }

  @Test
  void etag_mtimeChanges_changes() throws IOException {
    Path file = write(root.resolve("seg.ts"), 100, MTIME);
    FileMeta before = stat("/seg.ts").meta();

    Files.setLastModifiedTime(file, FileTime.from(MTIME.plusSeconds(1)));
    FileMeta after = stat("/seg.ts").meta();

    assertThat(after.etag()).isNotEqualTo(before.etag());
    assertThat(after.sameVersion(before)).isFalse();
  }

  @Test
  void etag_subSecondMtimeChange_changes() throws IOException {
    // A packager rewriting a live playlist twice in one second must still change the ETag.
    Path file = write(root.resolve("live.m3u8"), 100, MTIME);
    FileMeta before = stat("/live.m3u8").meta();

    Files.setLastModifiedTime(file, FileTime.from(MTIME.plusMillis(250)));
    FileMeta after = stat("/live.m3u8").meta();

    assertThat(after.modifiedSeconds()).isEqualTo(before.modifiedSeconds());
    assertThat(after.etag()).isNotEqualTo(before.etag());
    assertThat(after.sameVersion(before)).isFalse();
  }

  @Test
  void etag_sizeChangesWithSameMtime_changes() throws IOException {
    Path file = write(root.resolve("seg.ts"), 100, MTIME);
    FileMeta before = stat("/seg.ts").meta();

    write(file, 101, MTIME);
    FileMeta after = stat("/seg.ts").meta();

    assertThat(after.modifiedMicros()).isEqualTo(before.modifiedMicros());
    assertThat(after.etag()).isNotEqualTo(before.etag());
    assertThat(after.sameVersion(before)).isFalse();
  }

  @Test
  void sameVersion_sameSizeAndMtimeOfAnotherPath_isTrue() {
    FileMeta a = new FileMeta(Path.of("a.ts"), 10, 1_000_000L);
    FileMeta b = new FileMeta(Path.of("b.ts"), 10, 1_000_000L);

    assertThat(a.sameVersion(b)).isTrue();
  }

  @Test
  void sameVersion_null_isFalse() {
    assertThat(new FileMeta(Path.of("a.ts"), 10, 1_000_000L).sameVersion(null)).isFalse();
  }

  @Test
  void modifiedSeconds_truncatesMicrosecondsTowardsNegativeInfinity() {
    assertThat(new FileMeta(Path.of("a"), 1, 1_999_999L).modifiedSeconds()).isEqualTo(1L);
    assertThat(new FileMeta(Path.of("a"), 1, -1L).modifiedSeconds()).isEqualTo(-1L);
  }
}
