package media.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
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
  private final Supplier<HttpHeaders> forwardedSource;
  private final Function<List<String>, HttpHeaders> varySource;
  private volatile HttpHeaders forwarded;

  /**
   * @param key the primary cache key: the path and the query without the token
   * @param pathAndQuery what is asked of the upstream (the same as the key today)
   * @param forwarded builds the headers sent upstream: the client's end-to-end headers without the
   *     token, the conditional and range headers (the cache manages those itself) and Accept-Encoding
   *     (the cache stores identity bodies and compresses on the way out), plus X-Forwarded-For
   * @param vary the values of some fields as {@code forwarded} would have them, for Vary matching
   */
  public ProxyRequest(
      HttpMethod method,
      String key,
      String pathAndQuery,
      CacheControl cacheControl,
      ContentKind kind,
      Supplier<HttpHeaders> forwarded,
      Function<List<String>, HttpHeaders> vary) {
    this.method = method;
    this.key = key;
    this.pathAndQuery = pathAndQuery;
    this.cacheControl = cacheControl;
    this.kind = kind;
    this.forwardedSource = forwarded;
    this.varySource = vary;
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
      built = forwardedSource.get();
      forwarded = built;
    }
    return built;
  }

  /** Just the {@code fields} of {@link #forwarded()}, without building all of it when it can be avoided. */
  HttpHeaders varyView(List<String> fields) {
    return varySource.apply(fields);
  }
}
