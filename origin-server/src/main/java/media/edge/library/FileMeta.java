package media.edge.library;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What a file looked like when it was checked: enough to build validators and to notice that the
 * packager replaced it. The ETag is derived from size and modification time (as nginx does), so
 * every server reading the same files sends the same ETag and a CDN can revalidate across them.
 *
 * @param file the real path inside the library
 * @param size length in bytes
 * @param modifiedMicros modification time, microseconds since the epoch
 */
public record FileMeta(Path file, long size, long modifiedMicros) {

  /** Builds the meta of an already-stat'ed file. */
  public static FileMeta of(Path file, BasicFileAttributes attributes) {
    return new FileMeta(file, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS));
  }

  /** Modification time in whole seconds, the precision of {@code Last-Modified}. */
  public long modifiedSeconds() {
    return Math.floorDiv(modifiedMicros, 1_000_000L);
  }

  /** A strong entity tag: {@code "<mtime µs hex>-<size hex>"}. */
  public String etag() {
    return '"' + Long.toHexString(modifiedMicros) + '-' + Long.toHexString(size) + '"';
  }

  /** True when {@code other} describes the same version of the file. */
  public boolean sameVersion(FileMeta other) {
    return other != null && size == other.size && modifiedMicros == other.modifiedMicros;
  }
}
