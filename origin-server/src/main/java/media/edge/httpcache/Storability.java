package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Whether a shared cache may store a response (RFC 9111 sections 3 and 3.5), answered with the
 * first reason that forbids it so that the caller can count refusals by reason.
 *
 * <p>Choices beyond the RFC's letter, each on the side of storing less:
 *
 * <ul>
 *   <li>Only GET is stored; a HEAD response has no content to serve a later GET with.
 *   <li>206 and 304 are never stored: this cache keeps complete responses only, and a 304 is
 *       applied to a stored response through {@link StoredHead#refreshedBy} instead.
 *   <li>{@code no-cache} does not make a status storable that otherwise is not; section 3 lists
 *       only explicit freshness, {@code public} and heuristically cacheable statuses.
 *   <li>{@code must-understand} is not implemented, so {@code no-store} is always obeyed.
 * </ul>
 *
 * <p>A response that is storable but has no freshness of its own and no heuristic available is
 * still stored when it carries {@code no-cache} or a validator: it is stale at once, but each use
 * costs a 304 instead of the full content. Without either it would be useless, so {@link
 * Decision#NO_FRESHNESS}.
 */
public final class Storability {
  private Storability() {}

  /** The outcome; everything but {@link #STORE} names why the response is not stored. */
  public enum Decision {
    STORE,
    NOT_STORABLE_METHOD,
    NO_STORE,
    PRIVATE,
    /**
     * The response sets a cookie: meant for the one client that asked (a session, a consent), so it is
     * never stored nor shared, whatever its Cache-Control says; nginx's and Varnish's defaults too.
     */
    SET_COOKIE,
    AUTHORIZATION,
    VARY_STAR,
    STATUS_NOT_CACHEABLE,
    NO_FRESHNESS
  }

  /**
   * Decides for a response to {@code method} with request headers {@code request}. {@code
   * heuristicAvailable} says whether the caller would give it a heuristic freshness lifetime (RFC
   * 9111 section 4.2.2), which is only ever used when the response has no explicit freshness.
   */
  public static Decision decide(
      HttpMethod method, HttpHeaders request, int status, HttpHeaders response, boolean heuristicAvailable) {
    if (!HttpMethod.GET.equals(method)) {
      return Decision.NOT_STORABLE_METHOD;
    }
    CacheControl requestControl = CacheControl.parse(request);
    CacheControl responseControl = CacheControl.parse(response);
    if (requestControl.noStore() || responseControl.noStore()) {
      return Decision.NO_STORE;
    }
    if (responseControl.isPrivate()) {
      return Decision.PRIVATE;
    }
    if (response.contains(HttpHeaderNames.SET_COOKIE)) {
      return Decision.SET_COOKIE;
    }
    if (request.contains(HttpHeaderNames.AUTHORIZATION)
        && !responseControl.isPublic() && responseControl.sMaxAge() < 0 && !responseControl.mustRevalidate()) {
      return Decision.AUTHORIZATION;
    }
    if (VaryKey.fields(response).contains("*")) {
      return Decision.VARY_STAR;
    }
    boolean explicitFreshness =
        responseControl.sMaxAge() >= 0 || responseControl.maxAge() >= 0 || response.contains(HttpHeaderNames.EXPIRES);
    if (status < 200 || status > 999 || status == 206 || status == 304
        || !(heuristicallyCacheable(status) || explicitFreshness || responseControl.isPublic())) {
      return Decision.STATUS_NOT_CACHEABLE;
    }
    if (explicitFreshness || heuristicAvailable || responseControl.noCache() || hasValidator(response)) {
      return Decision.STORE;
    }
    return Decision.NO_FRESHNESS;
  }

  /**
   * The statuses that RFC 9110 section 15.1 defines as heuristically cacheable; of them, 206 is
   * still refused by {@link #decide} because only complete responses are stored.
   */
  public static boolean heuristicallyCacheable(int status) {
    return switch (status) {
      case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
      default -> false;
    };
  }

  private static boolean hasValidator(HttpHeaders response) {
    return Validators.etag(response) != null || Validators.lastModified(response) != null;
  }
}
