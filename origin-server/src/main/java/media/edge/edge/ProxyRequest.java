package media.edge.edge;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import media.edge.hls.ContentKind;
import media.edge.httpcache.CacheControl;

/**
 * One client request as the edge cache sees it.
 *
 * <p>Why the upstream headers are built lazily: a hit, the common case, never goes upstream, and
 * copying and filtering every request header cost more than the rest of a hit. Only a fill, a pass
 * or a {@code Vary} on a field the edge rewrites asks for them.
 *
 * <p>Thread-safe: immutable, except the memoized headers, which are built at most a few times
 * (identically) and published through a volatile field.
 */
public final class ProxyRequest {
  private final HttpMethod method;
  private final String key;
  private final String pathAndQuery;
  private final CacheControl cacheControl;
  private final ContentKind kind;
  private final Headers source;
  private final boolean blocking;
  private volatile HttpHeaders forwarded;

  /** Where the upstream headers come from, built only when asked for. */
  interface Headers {
    /**
     * The headers sent upstream: the client's end-to-end headers without the token, the conditional and
     * range headers (the cache manages those itself) and Accept-Encoding (the cache stores identity bodies
     * and compresses on the way out), plus X-Forwarded-For.
     */
    HttpHeaders forwarded();

    /** The values of some fields as {@link #forwarded()} would have them, for Vary matching. */
    HttpHeaders vary(List<String> fields);
  }

  /**
   * @param key the primary cache key: the path and the query parameters that select content (see
   *     {@link CacheKeys})
   * @param pathAndQuery what is asked of the upstream (the same as the key today)
   * @param source builds the headers sent upstream, and the varied fields of them
   * @param blocking a blocking playlist reload ({@code _HLS_msn}), which the upstream holds on purpose
   */
  ProxyRequest(
      HttpMethod method, String key, String pathAndQuery, CacheControl cacheControl, ContentKind kind, Headers source,
      boolean blocking) {
    this.method = method;
    this.key = key;
    this.pathAndQuery = pathAndQuery;
    this.cacheControl = cacheControl;
    this.kind = kind;
    this.source = source;
    this.blocking = blocking;
  }

  /** True for a blocking playlist reload ({@code _HLS_msn}): the upstream holds it until the part exists. */
  boolean blocking() {
    return blocking;
  }

  /** The path, without the query. */
  String path() {
    int question = pathAndQuery.indexOf('?');
    return question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
  }

  public HttpMethod method() {
    return method;
  }

  /** The primary cache key. */
  public String key() {
    return key;
  }

  public String pathAndQuery() {
    return pathAndQuery;
  }

  /** The client's request directives. */
  public CacheControl cacheControl() {
    return cacheControl;
  }

  /** The HLS content kind, from the path. */
  public ContentKind kind() {
    return kind;
  }

  /** The headers sent upstream; Vary is matched against these. Built on first use. */
  public HttpHeaders forwarded() {
    HttpHeaders built = forwarded;
    if (built == null) {
      built = source.forwarded();
      forwarded = built;
    }
    return built;
  }

  /** Just the {@code fields} of {@link #forwarded()}, without building all of it when it can be avoided. */
  HttpHeaders varyView(List<String> fields) {
    return source.vary(fields);
  }
}
