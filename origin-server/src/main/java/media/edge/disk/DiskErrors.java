package media.edge.disk;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * The tier's one meter, {@code edge.cache.disk.errors} (exported to Prometheus as
 * {@code edge_cache_disk_errors_total}), by {@link Reason}. Every reason is registered at start-up
 * so that a dashboard sees zeros rather than gaps.
 *
 * <p>Thread-safe: counters are.
 */
final class DiskErrors {
  static final String METER = "edge.cache.disk.errors";

  /** Why something the tier was asked to do was not done. */
  enum Reason {
    /** A file failed a check at read (and was deleted), or the ban list did at start-up. */
    CORRUPT,
    /**
     * Reading a file failed. When the failure is the entry's own (a directory or a link at its path),
     * the entry is also forgotten; otherwise it is kept for the next read.
     */
    READ,
    /**
     * Writing or deleting a file failed. Usually for one entry's path, which costs that entry alone
     * ({@link DiskTier}); when disk-wide ({@link #diskWide}), writes are suspended.
     */
    WRITE,
    /** Like {@link #WRITE}, because the file system is full: always disk-wide. */
    FULL,
    /** A write was not attempted: the io executor refused it or the backlog was full. */
    DROPPED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Counter[] counters = new Counter[Reason.values().length];

  DiskErrors(MeterRegistry registry) {
    for (Reason reason : Reason.values()) {
      counters[reason.ordinal()] =
          Counter.builder(METER)
              .description("Disk cache operations that failed or were skipped, by reason")
              .tag("reason", reason.tag())
              .register(registry);
    }
  }

  void count(Reason reason) {
    counters[reason.ordinal()].increment();
  }

  /**
   * {@link Reason#FULL} for ENOSPC or EDQUOT, which Java reports only through the message (the
   * operating system's text), else {@link Reason#WRITE}.
   */
  static Reason ofWrite(IOException e) {
    String text = text(e);
    boolean full = text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"));
    return full ? Reason.FULL : Reason.WRITE;
  }

  /**
   * Whether {@code e} is about the file system rather than one path: full (ENOSPC, EDQUOT),
   * read-only (EROFS), out of descriptors (EMFILE, ENFILE) or failing (EIO). Java reports these only
   * through the operating system's text, so the text is matched; anything else (EISDIR, EACCES,
   * ENOTDIR, ENOTEMPTY, ELOOP, ...) is taken to be about the path it names, and a run of such failures
   * on distinct entries is what the tier treats as disk-wide instead.
   */
  static boolean diskWide(IOException e) {
    if (ofWrite(e) == Reason.FULL) {
      return true;
    }
    String text = text(e);
    return text != null
        && (text.contains("Read-only file system")
            || text.contains("Too many open files")
            || text.contains("Input/output error"));
  }

  private static String text(IOException e) {
    return e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
  }

  /** What went wrong, without the path that {@link FileSystemException} messages carry. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fse) {
      return e.getClass().getSimpleName() + (fse.getReason() == null ? "" : ": " + fse.getReason());
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
