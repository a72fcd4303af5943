package media.edge.httpcache;

/**
 * Whether a stored response may answer a request, and whether it may stand in for an origin that
 * failed (RFC 9111 sections 4.2.4, 5.2.1 and 5.2.2; RFC 5861; RFC 8246).
 *
 * <p>The request's limits ({@code no-cache}, {@code max-age}, {@code min-fresh}, {@code
 * max-stale}) are honoured, with one deliberate exception: a fresh {@code immutable} response is
 * served whatever the request says. Players and browsers send {@code no-cache} or {@code
 * max-age=0} on reload; for segments that never change, such a reload storm must not reach the
 * origin, which is exactly the case RFC 8246 describes.
 *
 * <p>Stale serving is never allowed for a response with {@code no-cache}, {@code must-revalidate}
 * or {@code proxy-revalidate}. {@code s-maxage} implies {@code proxy-revalidate} for a shared
 * cache (section 5.2.2.10), so it also rules out stale serving granted by the client ({@code
 * max-stale}, {@code stale-if-error} in the request) or by our configuration; but the same
 * response's own {@code stale-while-revalidate} or {@code stale-if-error} is the origin's explicit,
 * more specific permission and is honoured, as CDNs commonly do for {@code s-maxage=N,
 * stale-while-revalidate=M}.
 */
public final class Serving {
  private Serving() {}

  /** What to do with a stored response for one request. */
  public enum Verdict {
    /** Serve the stored response as it is; nothing to ask the origin. */
    FRESH,
    /**
     * Serve the stored response now, although stale, and revalidate it in the background:
     * within the response's {@code stale-while-revalidate} window, or within the request's {@code
     * max-stale} allowance (others will want a fresh copy soon, so refreshing it is worth it).
     */
    STALE_WHILE_REVALIDATE,
    /** Revalidate with the origin (conditionally, if it has validators) before answering. */
    MUST_REVALIDATE
  }

  /** The verdict for {@code request} against {@code stored} at {@code nowMillis}. */
  public static Verdict verdict(StoredHead stored, CacheControl request, long nowMillis) {
    CacheControl response = stored.cacheControl();
    if (response.noCache()) {
      return Verdict.MUST_REVALIDATE;
    }
    long age = stored.ageMillis(nowMillis);
    boolean fresh = stored.isFresh(nowMillis);
    if (fresh && response.immutable()) {
      return Verdict.FRESH;
    }
    if (request.noCache()
        || (request.maxAge() >= 0 && age > request.maxAge() * 1000)
        || (request.minFresh() >= 0 && stored.lifetimeMillis() - age < request.minFresh() * 1000)) {
      return Verdict.MUST_REVALIDATE;
    }
    if (fresh) {
      return Verdict.FRESH;
    }
    if (forbidsStale(response)) {
      return Verdict.MUST_REVALIDATE;
    }
    long staleness = stored.stalenessMillis(nowMillis);
    if (within(staleness, response.staleWhileRevalidate())
        || (response.sMaxAge() < 0 && within(staleness, request.maxStale()))) {
      return Verdict.STALE_WHILE_REVALIDATE;
    }
    return Verdict.MUST_REVALIDATE;
  }

  /**
   * The same as {@link #verdict(StoredHead, CacheControl, long)}: the configured stale-if-error
   * allowance only matters once the origin has failed, see {@link #mayServeStaleOnError}. This
   * form exists for callers that pass their whole serving policy in one place.
   */
  public static Verdict verdict(StoredHead stored, CacheControl request, long nowMillis,
      long defaultStaleIfErrorMillis) {
    return verdict(stored, request, nowMillis);
  }

  /**
   * Whether the stored response may be served because revalidating it failed (an error status or
   * no answer from the origin). A fresh response may, unless it has {@code no-cache}; a stale one
   * may while its staleness is within the largest of the response's {@code stale-if-error}, the
   * request's and {@code defaultStaleIfErrorMillis} (negative for none), subject to the rules in
   * the class comment.
   */
  public static boolean mayServeStaleOnError(StoredHead stored, CacheControl request, long nowMillis,
      long defaultStaleIfErrorMillis) {
    CacheControl response = stored.cacheControl();
    if (response.noCache()) {
      return false;
    }
    if (stored.isFresh(nowMillis)) {
      return true;
    }
    if (forbidsStale(response)) {
      return false;
    }
    long staleness = stored.stalenessMillis(nowMillis);
    if (within(staleness, response.staleIfError())) {
      return true;
    }
    return response.sMaxAge() < 0
        && (within(staleness, request.staleIfError())
            || (defaultStaleIfErrorMillis >= 0 && staleness <= defaultStaleIfErrorMillis));
  }

  /**
   * True when the request asks to be answered from the cache alone (RFC 9111 section 5.2.1.7):
   * unless the verdict is {@link Verdict#FRESH} or {@link Verdict#STALE_WHILE_REVALIDATE}, the
   * answer is 504 and the origin is not contacted.
   */
  public static boolean onlyIfCached(CacheControl request) {
    return request.onlyIfCached();
  }

  private static boolean forbidsStale(CacheControl response) {
    return response.noCache() || response.mustRevalidate() || response.proxyRevalidate();
  }

  /** Whether {@code staleness} is within an allowance in seconds (-1 none, MAX_VALUE unlimited). */
  private static boolean within(long stalenessMillis, long allowanceSeconds) {
    if (allowanceSeconds < 0) {
      return false;
    }
    return allowanceSeconds >= Long.MAX_VALUE / 1000 || stalenessMillis <= allowanceSeconds * 1000;
  }
}
