package media.edge.cache;

import io.netty.buffer.ByteBuf;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistRewriter;
import media.edge.library.FileMeta;

/**
 * A file body held by the memory tier, with what is needed to answer without touching the disk.
 *
 * <p>Why its own reference count: the cache owns one reference and its removal listener drops it;
 * each response takes a {@link #retainedBody() retained duplicate} of the body. Retaining the
 * {@code ByteBuf} directly could race with eviction and, with pooled buffers, resurrect a buffer
 * already recycled for someone else; this object is never recycled, so a failed {@link #tryRetain}
 * safely means "evicted, read it again".
 *
 * <p>A playlist also keeps the last {@link PlaylistRewriter.Plan} made for it, so that requests
 * whose token goes into every URI skip the parse: the body never changes while this entry lives
 * (a new file version is a new entry).
 *
 * <p>Thread-safe: all fields are final except the validation time, which is volatile.
 */
public final class CachedFile extends MemoryEntry {
  private final ByteBuf body;
  private final ByteBuf gzip;
  private final FileMeta meta;
  private final ContentKind kind;
  private final String contentType;
  private final Freshness freshness;
  private volatile long validatedAtNanos;
  private final PlaylistRewriter.PlanSlot plans = new PlaylistRewriter.PlanSlot();

  CachedFile(
      ByteBuf body,
      ByteBuf gzip,
      FileMeta meta,
      ContentKind kind,
      String contentType,
      Freshness freshness,
      long validatedAtNanos) {
    this.body = body;
    this.gzip = gzip;
    this.meta = meta;
    this.kind = kind;
    this.contentType = contentType;
    this.freshness = freshness;
    this.validatedAtNanos = validatedAtNanos;
  }

  /** Where a playlist's rewrite plan is kept for the next request. */
  public PlaylistRewriter.PlanSlot plans() {
    return plans;
  }

  /** The file version this body was read from. */
  public FileMeta meta() {
    return meta;
  }

  /** The kind decided from the file name. */
  public ContentKind kind() {
    return kind;
  }

  /** The {@code Content-Type} value. */
  public String contentType() {
    return contentType;
  }

  /** Cache-Control and how long this body may be served before looking at the disk again. */
  public Freshness freshness() {
    return freshness;
  }

  /** Body length in bytes. */
  public int length() {
    return body.readableBytes();
  }

  /** Bytes held: the body and, for playlists, its gzip copy. */
  @Override
  protected int weight() {
    return body.readableBytes() + (gzip == null ? 0 : gzip.readableBytes());
  }

  /** True when a gzip copy of the body is kept. */
  public boolean hasGzip() {
    return gzip != null;
  }

  /** A retained duplicate of the gzip copy, or null when there is none or the entry was evicted. */
  public ByteBuf retainedGzip() {
    return gzip == null ? null : retainedDuplicateOf(gzip);
  }

  /** True while the entry may be served without checking the file, per the memory tier's ticker. */
  boolean isFresh(long nowNanos) {
    return nowNanos - validatedAtNanos < freshness.revalidateAfter().toNanos();
  }

  /** Records that the file on disk was found unchanged. */
  void markValidated(long nowNanos) {
    validatedAtNanos = nowNanos;
  }

  /**
   * A duplicate of the body sharing its memory, with its own indexes and one reference of its own
   * that the caller (usually Netty's write) releases. Null when the entry was evicted meanwhile.
   */
  public ByteBuf retainedBody() {
    return retainedDuplicateOf(body);
  }

  @Override
  protected void deallocate() {
    body.release();
    if (gzip != null) {
      gzip.release();
    }
  }

  @Override
  public CachedFile touch(Object hint) {
    body.touch(hint);
    return this;
  }
}
