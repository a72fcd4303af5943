package media.edge.origin;

import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.http.Body;
import media.edge.http.FileSource;
import media.edge.http.OpenFiles;
import media.edge.http.Representation;
import media.edge.memory.MemoryEntry;

/**
 * What the memory tier keeps of a file sent with {@code sendfile}: its answer, without the bytes. They
 * stay in the kernel's page cache, where {@code sendfile} reads them without a copy through user space;
 * this entry saves the {@code stat} (and the hop to a file I/O thread) a request would otherwise cost,
 * until it is revalidated like any entry, and keeps the file's descriptor open (see {@link FileSource})
 * until it is evicted or replaced.
 *
 * <p>Thread-safe: immutable except the validation time, which is volatile.
 */
final class FileRef extends MemoryEntry {
  /** Roughly what the entry, its fields and their encoding take on the heap. */
  private static final int WEIGHT = 1024;

  private final FileMeta meta;
  private final Freshness freshness;
  private final FileSource source;
  private final Representation representation;
  private volatile long validatedAtNanos;

  FileRef(
      FileMeta meta, ContentKind kind, String contentType, Freshness freshness, boolean gzipPlaylists,
      long validatedAtNanos, OpenFiles descriptors) {
    this.meta = meta;
    this.freshness = freshness;
    this.source = FileSource.kept(meta.file(), descriptors);
    this.validatedAtNanos = validatedAtNanos;
    this.representation =
        Representation.builder(200, FileFields.of(meta, kind, contentType, freshness, gzipPlaylists), new Body.InFile(source, 0))
            .length(meta.size())
            .modifiedSeconds(meta.modifiedSeconds())
            .kind(kind)
            .build();
  }

  /** The answer this entry gives: the file to send. */
  Representation representation() {
    return representation;
  }

  FileMeta meta() {
    return meta;
  }

  boolean isFresh(long nowNanos) {
    return nowNanos - validatedAtNanos < freshness.revalidateAfter().toNanos();
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
    source.close();
  }

  @Override
  public FileRef touch(Object hint) {
    return this;
  }
}
