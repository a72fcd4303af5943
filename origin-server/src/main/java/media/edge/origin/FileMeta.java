package media.edge.origin;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import media.edge.httpdate.HttpDate;

/**
 * What a file looked like when it was checked, with its validators ready to send: computed once
 * per file version, not once per request. The ETag is derived from size and modification time
 * (as nginx does), so every server reading the same files sends the same ETag and a CDN can
 * revalidate across them. Immutable.
 */
public final class FileMeta {
  private final Path file;
  private final long size;
  private final long modifiedMicros;
  private final String etag;
  private final String lastModified;

  /**
   * @param file the real path inside the library
   * @param size length in bytes
   * @param modifiedMicros modification time, microseconds since the epoch
   */
  public FileMeta(Path file, long size, long modifiedMicros) {
    this.file = file;
    this.size = size;
    this.modifiedMicros = modifiedMicros;
    this.etag = '"' + Long.toHexString(modifiedMicros) + '-' + Long.toHexString(size) + '"';
    this.lastModified = HttpDate.format(modifiedSeconds());
  }

  /** Builds the meta of an already-stat'ed file. */
  public static FileMeta of(Path file, BasicFileAttributes attributes) {
    return new FileMeta(file, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS));
  }

  /** The real path inside the library. */
  public Path file() {
    return file;
  }

  /** Length in bytes. */
  public long size() {
    return size;
  }

  /** Modification time, microseconds since the epoch. */
  public long modifiedMicros() {
    return modifiedMicros;
  }

  /** Modification time in whole seconds, the precision of {@code Last-Modified}. */
  public long modifiedSeconds() {
    return Math.floorDiv(modifiedMicros, 1_000_000L);
  }

  /** A strong entity tag: {@code "<mtime µs hex>-<size hex>"}. */
  public String etag() {
    return etag;
  }

  /** The {@code Last-Modified} value. */
  public String lastModified() {
    return lastModified;
  }

  /** True when {@code other} describes the same version of the file. */
  public boolean sameVersion(FileMeta other) {
    return other != null && size == other.size && modifiedMicros == other.modifiedMicros;
  }

  @Override
  public String toString() {
    return "FileMeta[" + file.getFileName() + ", " + size + " bytes, " + etag + "]";
  }
}
