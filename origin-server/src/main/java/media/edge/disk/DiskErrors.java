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
    /** Reading a file failed. */
    READ,
    /** Writing or deleting a file failed; writes are then suspended. */
    WRITE,
    /** Like {@link #WRITE}, because the file system is full. */
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
    String text = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
    boolean full = text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"));
    return full ? Reason.FULL : Reason.WRITE;
  }

  /** What went wrong, without the path that {@link FileSystemException} messages carry. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fse) {
      return e.getClass().getSimpleName() + (fse.getReason() == null ? "" : ": " + fse.getReason());
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
