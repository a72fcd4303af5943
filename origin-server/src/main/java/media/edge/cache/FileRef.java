package media.edge.cache;

import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.library.FileMeta;

/**
 * What the memory tier keeps of a file sent with {@code sendfile}: its metadata only. The bytes stay
 * in the kernel's page cache, where {@code sendfile} reads them without a copy through user space;
 * this entry saves the {@code stat} (and the hop to a file I/O thread) a request would otherwise cost,
 * until it is revalidated like any entry, and keeps the file's descriptor open (see {@link FileSource})
 * until it is evicted or replaced.
 *
 * <p>Thread-safe: immutable except the validation time, which is volatile.
 */
final class FileRef extends MemoryEntry {
  /** Roughly what the entry and its metadata take on the heap. */
  private static final int WEIGHT = 256;

  private final Content.OnDisk content;
  private volatile long validatedAtNanos;

  FileRef(
      FileMeta meta,
      ContentKind kind,
      String contentType,
      Freshness freshness,
      long validatedAtNanos,
      OpenFiles descriptors) {
    this.content =
        new Content.OnDisk(meta, kind, contentType, freshness, FileSource.kept(meta.file(), descriptors));
    this.validatedAtNanos = validatedAtNanos;
  }

  /** The answer this entry gives: the file to send. */
  Content.OnDisk content() {
    return content;
  }

  boolean isFresh(long nowNanos) {
    return nowNanos - validatedAtNanos < content.freshness().revalidateAfter().toNanos();
  }

  void markValidated(long nowNanos) {
    validatedAtNanos = nowNanos;
  }

  @Override
  protected int weight() {
    return WEIGHT;
  }

  @Override
  protected void deallocate() {
    content.source().close();
  }

  @Override
  public FileRef touch(Object hint) {
    return this;
  }
}
