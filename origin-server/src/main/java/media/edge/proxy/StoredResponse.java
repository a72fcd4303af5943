package media.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.cache.MemoryEntry;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistRewriter;
import media.edge.httpcache.StoredHead;

/**
 * A complete upstream response held by the memory tier: its head (status, headers, times) and body.
 *
 * <p>The head is replaced in place when a revalidation returns 304 (RFC 9111 section 4.3.4), so every
 * holder of this entry sees the refreshed freshness at once; the body never changes.
 *
 * <p>A playlist also keeps the last {@link PlaylistRewriter.Plan} made for its body, which never
 * changes, so that answers that put the token into every URI skip the parse.
 *
 * <p>Thread-safe: the body is read-only after construction, the head is volatile.
 */
public final class StoredResponse extends MemoryEntry {
  /** A rough per-entry overhead for headers and bookkeeping, so empty bodies still weigh something. */
  private static final int HEAD_WEIGHT = 512;

  private final ByteBuf body;
  private final ContentKind kind;
  private volatile StoredHead head;
  private volatile Answer answer;
  private final PlaylistRewriter.PlanSlot plans = new PlaylistRewriter.PlanSlot();

  /** The headers every answer from this entry starts with, for one head version. */
  private record Answer(StoredHead head, String via, HttpHeaders headers) {}

  /** Takes ownership of {@code body}. */
  StoredResponse(StoredHead head, ByteBuf body, ContentKind kind) {
    this.head = head;
    this.body = body;
    this.kind = kind;
  }

  /** Where a playlist's rewrite plan is kept for the next request. */
  public PlaylistRewriter.PlanSlot plans() {
    return plans;
  }

  /** Status, headers and times; replaced by a revalidation. */
  public StoredHead head() {
    return head;
  }

  void refresh(StoredHead refreshed) {
    this.head = refreshed;
  }

  /**
   * The stored headers with {@code via} appended, built once per head version: each answer copies
   * them (a fast copy between headers of the same class) and adds only what changes per request.
   * Callers must not modify the returned headers.
   */
  public HttpHeaders answerHeaders(String via) {
    Answer current = answer;
    StoredHead now = head;
    if (current == null || current.head() != now || !current.via().equals(via)) {
      HttpHeaders headers = new DefaultHttpHeaders(false).add(now.headers());
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      String prior = headers.get(HttpHeaderNames.VIA);
      headers.set(HttpHeaderNames.VIA, prior == null ? via : prior + ", " + via);
      current = new Answer(now, via, headers);
      answer = current;
    }
    return current.headers();
  }

  /** The content kind decided from the request path. */
  public ContentKind kind() {
    return kind;
  }

  /** Body length in bytes. */
  public int length() {
    return body.readableBytes();
  }

  /**
   * A duplicate of the body with its own reference, which the caller (usually Netty's write)
   * releases; null when the entry was released meanwhile.
   */
  public ByteBuf retainedBody() {
    return retainedDuplicateOf(body);
  }

  @Override
  public StoredResponse retain() {
    super.retain();
    return this;
  }

  @Override
  protected int weight() {
    return body.readableBytes() + HEAD_WEIGHT;
  }

  @Override
  protected void deallocate() {
    body.release();
  }

  @Override
  public StoredResponse touch(Object hint) {
    body.touch(hint);
    return this;
  }
}
