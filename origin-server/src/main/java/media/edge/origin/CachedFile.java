package media.edge.origin;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.hls.DeliveryDirectives;
import media.edge.hls.LowLatency;
import media.edge.hls.PlaylistRewriter;
import media.edge.http.Body;
import media.edge.http.Fields;
import media.edge.http.FileSource;
import media.edge.http.Representation;
import media.edge.memory.MemoryEntry;

/**
 * A library file's body held by the memory tier, with its answers ready: the {@link Representation}
 * (fields encoded once), and for playlists a gzip copy and the last rewrite plan. A live low-latency
 * playlist also has its answers to blocking reloads (longer-lived) and its delta updates (their own
 * bodies, see {@link LiveVersion}). The bodies never change while this entry lives; a new file version
 * is a new entry.
 *
 * <p>Why its own reference count: the tier owns one reference and its removal listener drops it; each
 * answer takes a retained duplicate of a body. Retaining the {@code ByteBuf} directly could race with
 * eviction and, with pooled buffers, resurrect a buffer already recycled for someone else; this object is
 * never recycled, so a failed retain safely means "evicted, read it again".
 *
 * <p>Thread-safe: all fields are final except the validation time, which is volatile.
 */
final class CachedFile extends MemoryEntry {
  private final ByteBuf body;
  private final ByteBuf gzip;
  private final FileMeta meta;
  private final Freshness freshness;
  private final Form whole;
  private final Representation fromDisk;
  private final LiveVersion live;
  /** Answers to live low-latency requests, by {@link #slot}; null for other files. */
  private final Form[] liveForms;
  private volatile long validatedAtNanos;

  /** @param live the extras of a live low-latency playlist (this entry releases its buffers), or null */
  CachedFile(
      ByteBuf body, ByteBuf gzip, FileMeta meta, ContentKind kind, String contentType, Freshness freshness,
      boolean gzipPlaylists, long validatedAtNanos, LiveVersion live) {
    this.body = body;
    this.gzip = gzip;
    this.meta = meta;
    this.freshness = freshness;
    this.validatedAtNanos = validatedAtNanos;
    this.live = live;
    PlaylistRewriter.PlanSlot plans = kind == ContentKind.PLAYLIST ? new PlaylistRewriter.PlanSlot() : null;
    Fields fields = FileFields.of(meta, kind, contentType, freshness, gzipPlaylists);
    this.whole = new Form(body, gzip, fields, meta, kind, plans, length(body));
    this.fromDisk =
        Representation.builder(200, fields, new Body.InFile(FileSource.perRequest(meta.file(), meta.size()), 0))
            .length(meta.size())
            .modifiedSeconds(meta.modifiedSeconds())
            .kind(kind)
            .build();
    this.liveForms = live == null ? null : liveForms(live, fields, kind, plans);
  }

  private Form[] liveForms(LiveVersion live, Fields fields, ContentKind kind, PlaylistRewriter.PlanSlot plans) {
    Form[] forms = new Form[6];
    String blocking = live.blockingCacheControl();
    Fields blockingFields = fields.toBuilder().set(HttpHeaderNames.CACHE_CONTROL, blocking).build();
    forms[slot(DeliveryDirectives.Skip.NO, false)] = whole;
    forms[slot(DeliveryDirectives.Skip.NO, true)] = new Form(body, gzip, blockingFields, meta, kind, plans, length(body));
    if (live.delta() != null) {
      addDelta(forms, DeliveryDirectives.Skip.YES, live.delta(), live.deltaGzip(), fields, blocking, kind, "-d");
    }
    if (live.deltaDateranges() != null) {
      addDelta(forms, DeliveryDirectives.Skip.V2, live.deltaDateranges(), live.deltaDaterangesGzip(), fields, blocking, kind, "-d2");
    }
    return forms;
  }

  /** A delta's two forms: its own bytes, so its own entity tag and rewrite plans. */
  private void addDelta(
      Form[] forms, DeliveryDirectives.Skip skip, ByteBuf delta, ByteBuf deltaGzip, Fields fields, String blocking,
      ContentKind kind, String tagSuffix) {
    String etag = meta.etag();
    Fields own = fields.toBuilder().set(HttpHeaderNames.ETAG, etag.substring(0, etag.length() - 1) + tagSuffix + '"').build();
    PlaylistRewriter.PlanSlot plans = new PlaylistRewriter.PlanSlot();
    forms[slot(skip, false)] = new Form(delta, deltaGzip, own, meta, kind, plans, length(delta));
    forms[slot(skip, true)] =
        new Form(delta, deltaGzip, own.toBuilder().set(HttpHeaderNames.CACHE_CONTROL, blocking).build(), meta, kind, plans,
            length(delta));
  }

  private static int slot(DeliveryDirectives.Skip skip, boolean blocking) {
    return skip.ordinal() * 2 + (blocking ? 1 : 0);
  }

  private static long length(ByteBuf buffer) {
    return buffer.readableBytes();
  }

  /** The answer from memory. */
  Representation representation() {
    return whole.identity;
  }

  /**
   * Where a live low-latency playlist stands; {@link LowLatency#NONE} for any other file (its
   * directives are ignored).
   */
  LowLatency lowLatency() {
    return live == null ? LowLatency.NONE : live.lowLatency();
  }

  /**
   * The answer to a live low-latency request: the full playlist or the delta update asked for (the full
   * one when the playlist offers none of that kind), with the freshness of a blocking or a plain reload.
   */
  Representation representation(DeliveryDirectives.Skip skip, boolean blocking) {
    if (liveForms == null) {
      return whole.identity;
    }
    Form form = liveForms[slot(skip, blocking)];
    if (form == null && skip == DeliveryDirectives.Skip.V2) {
      form = liveForms[slot(DeliveryDirectives.Skip.YES, blocking)];
    }
    return (form == null ? liveForms[slot(DeliveryDirectives.Skip.NO, blocking)] : form).identity;
  }

  /**
   * The same answer read from the file for one request: for when the entry was evicted between its
   * lookup and its answer (a tiny tier under pressure), so that the request needs no second lookup.
   */
  Representation fromDisk() {
    return fromDisk;
  }

  /** The file version this body was read from. */
  FileMeta meta() {
    return meta;
  }

  /** Bytes held: the body and, for playlists, its gzip copy and delta updates. */
  @Override
  protected int weight() {
    return body.readableBytes() + (gzip == null ? 0 : gzip.readableBytes()) + (live == null ? 0 : live.weight());
  }

  /** True while the entry may be served without checking the file, per the memory tier's ticker. */
  boolean isFresh(long nowNanos) {
    return nowNanos - validatedAtNanos < freshness.revalidateAfter().toNanos();
  }

  /** Records that the file on disk was found unchanged. */
  void markValidated(long nowNanos) {
    validatedAtNanos = nowNanos;
  }

  @Override
  protected void deallocate() {
    body.release();
    if (gzip != null) {
      gzip.release();
    }
    if (live != null) {
      live.release();
    }
  }

  @Override
  public CachedFile touch(Object hint) {
    body.touch(hint);
    return this;
  }

  /**
   * One body and the answers it gives: identity and, for playlists, gzip (made once), with the rewrite
   * plan of its bytes. Its bodies are this entry's: a duplicate is taken only while the entry lives.
   */
  private final class Form implements Representation.Variants {
    private final Representation identity;
    private final Representation gzipped;
    private final PlaylistRewriter.PlanSlot plans;

    Form(ByteBuf bytes, ByteBuf gzipBytes, Fields fields, FileMeta meta, ContentKind kind, PlaylistRewriter.PlanSlot plans,
        long length) {
      this.plans = plans;
      this.identity =
          Representation.builder(200, fields, (Body.InMemory) () -> retainedDuplicateOf(bytes))
              .length(length)
              .modifiedSeconds(meta.modifiedSeconds())
              .kind(kind)
              .variants(this)
              .build();
      this.gzipped =
          gzipBytes == null
              ? null
              : Representation.builder(200, FileFields.gzip(fields), (Body.InMemory) () -> retainedDuplicateOf(gzipBytes))
                  .length(gzipBytes.readableBytes())
                  .modifiedSeconds(meta.modifiedSeconds())
                  .kind(kind)
                  .build();
    }

    @Override
    public Representation gzip() {
      return gzipped;
    }

    @Override
    public PlaylistRewriter.PlanSlot plans() {
      return plans;
    }
  }
}
