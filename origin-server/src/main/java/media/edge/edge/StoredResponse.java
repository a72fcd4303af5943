package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistRewriter;
import media.edge.http.Body;
import media.edge.http.Compression;
import media.edge.http.Fields;
import media.edge.http.FileSource;
import media.edge.http.Representation;
import media.edge.httpcache.StoredHead;
import media.edge.memory.MemoryEntry;
import media.edge.metrics.CacheResult;

/**
 * A complete upstream response held by the memory tier: its head (status, headers, times) and body,
 * with its answer ready: one {@link Representation} per head version, fields encoded once, so a hit
 * costs what an origin's memory hit costs.
 *
 * <p>The head is replaced in place when a revalidation returns 304 (RFC 9111 section 4.3.4), so every
 * holder of this entry sees the refreshed freshness at once; the body never changes. A playlist also
 * keeps the last rewrite plan made for its body and, once a client asked for it, a gzip copy.
 *
 * <p>Thread-safe: the body is read-only after construction; the head, the representation and the gzip
 * copy are published through volatile fields (the copy is made under this object's lock, once).
 */
public final class StoredResponse extends MemoryEntry implements Body.InMemory, Representation.Variants {
  /** A rough per-entry overhead for headers and bookkeeping, so empty bodies still weigh something. */
  private static final int HEAD_WEIGHT = 512;

  /** The body in memory, or null when it is sent from its disk-tier file ({@link #file}). */
  private final ByteBuf body;
  private final FileSource file;
  private final long fileOffset;
  private final long length;
  private final ContentKind kind;
  private final AnswerFields answerFields;
  private final ByteBufAllocator allocator;
  private volatile StoredHead head;
  private volatile Made made;
  private volatile ByteBuf gzip;
  private volatile Made gzipMade;
  private final PlaylistRewriter.PlanSlot plans;
  /** Stored by a CMCD prefetch and not asked for since. */
  private volatile boolean prefetched;
  /** The lookup answer of a hit on this entry, made once: a hit allocates no result. */
  private final Lookup.Hit hit;

  /** The representation made for one head version. */
  private record Made(StoredHead head, Representation representation) {}

  /** Takes ownership of {@code body}. */
  StoredResponse(StoredHead head, ByteBuf body, ContentKind kind, AnswerFields answerFields, ByteBufAllocator allocator) {
    this(head, body, null, 0, body.readableBytes(), kind, answerFields, allocator);
  }

  private StoredResponse(
      StoredHead head, ByteBuf body, FileSource file, long fileOffset, long length, ContentKind kind,
      AnswerFields answerFields, ByteBufAllocator allocator) {
    this.head = head;
    this.body = body;
    this.file = file;
    this.fileOffset = fileOffset;
    this.length = length;
    this.kind = kind;
    this.answerFields = answerFields;
    this.allocator = allocator;
    this.plans = kind == ContentKind.PLAYLIST ? new PlaylistRewriter.PlanSlot() : null;
    this.hit = new Lookup.Hit(this, tier(), false);
  }

  /** A hit on this entry, not owned by the caller. */
  Lookup.Hit hit() {
    return hit;
  }

  /**
   * A response whose body stays in its disk-tier file, sent from there ({@code sendfile}, or chunks under
   * TLS): the memory tier holds only its head and the descriptor {@code file} keeps open, closed when this
   * entry goes. Takes ownership of {@code file}.
   */
  static StoredResponse inFile(
      StoredHead head, FileSource file, long offset, long length, ContentKind kind, AnswerFields answerFields,
      ByteBufAllocator allocator) {
    return new StoredResponse(head, null, file, offset, length, kind, answerFields, allocator);
  }

  /** This entry was fetched ahead of any request, by a CMCD prefetch. */
  void markPrefetched() {
    prefetched = true;
  }

  /** True once, for the first request served this entry after its prefetch: the prefetch paid off. */
  boolean claimPrefetched() {
    if (!prefetched) {
      return false;
    }
    synchronized (this) {
      if (!prefetched) {
        return false;
      }
      prefetched = false;
      return true;
    }
  }

  /** Where a hit on this entry comes from, for metrics and the log: memory, or the disk tier's file. */
  CacheResult tier() {
    return body == null ? CacheResult.DISK : CacheResult.MEMORY;
  }

  /** Status, headers and times; replaced by a revalidation. */
  public StoredHead head() {
    return head;
  }

  void refresh(StoredHead refreshed) {
    this.head = refreshed;
  }

  /** The answer from this entry, made once per head version. */
  public Representation representation() {
    Made current = made;
    StoredHead now = head;
    if (current == null || current.head() != now) {
      Fields fields = answerFields.of(now.headers(), kind);
      current = new Made(now, Representation.builder(now.status(), fields, body == null ? new Body.InFile(file, fileOffset) : this)
          .length(length)
          .kind(kind)
          .age(now::ageSeconds)
          .variants(this)
          .build());
      made = current;
    }
    return current.representation();
  }

  /** The content kind decided from the request path. */
  public ContentKind kind() {
    return kind;
  }

  /** Body length in bytes. */
  public long length() {
    return length;
  }

  @Override
  public PlaylistRewriter.PlanSlot plans() {
    return plans;
  }

  /**
   * The gzip form of a playlist, compressed the first time a client accepts it and kept with the entry
   * (its bytes are outside the tier's weight: a fifth or so of a playlist's); null for anything else.
   */
  @Override
  public Representation gzip() {
    StoredHead now = head;
    if (kind != ContentKind.PLAYLIST || body == null || !answerFields.gzipPlaylists() || now.status() != 200) {
      return null;
    }
    Made current = gzipMade;
    if (current != null && current.head() == now) {
      return current.representation();
    }
    synchronized (this) {
      if (gzip == null) {
        ByteBuf whole = retainedBody();
        if (whole == null) {
          return null;
        }
        try {
          gzip = Compression.gzipOnce(whole, allocator);
        } finally {
          whole.release();
        }
      }
      Representation identity = representation();
      Fields.Builder fields = identity.fields().toBuilder().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
      if (identity.etag() != null) {
        fields.set(HttpHeaderNames.ETAG, weak(identity.etag()));
      }
      ByteBuf copy = gzip;
      Representation gzipped = Representation.builder(now.status(), fields.build(), (Body.InMemory) () -> retainedDuplicateOf(copy))
          .length(copy.readableBytes())
          .kind(kind)
          .age(now::ageSeconds)
          .build();
      gzipMade = new Made(now, gzipped);
      return gzipped;
    }
  }

  private static String weak(String etag) {
    return etag == null ? null : etag.startsWith("W/") ? etag : "W/" + etag;
  }

  /**
   * A duplicate of the body with its own reference, which the caller (usually Netty's write) releases;
   * null when the entry was released meanwhile, or when its body is in a disk file.
   */
  @Override
  public ByteBuf retainedBody() {
    return body == null ? null : retainedDuplicateOf(body);
  }

  @Override
  public StoredResponse retain() {
    super.retain();
    return this;
  }

  @Override
  protected int weight() {
    return body == null ? 2 * HEAD_WEIGHT : body.readableBytes() + HEAD_WEIGHT;
  }

  @Override
  protected void deallocate() {
    if (body == null) {
      file.close();
      return;
    }
    body.release();
    ByteBuf copy = gzip;
    if (copy != null) {
      copy.release();
    }
  }

  @Override
  public StoredResponse touch(Object hint) {
    if (body != null) {
      body.touch(hint);
    }
    return this;
  }
}
