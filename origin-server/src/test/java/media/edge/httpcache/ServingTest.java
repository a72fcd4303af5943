package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.MINUTE;
import static media.edge.httpcache.Times.SECOND;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import media.edge.httpcache.Serving.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Serving a stored response: request limits (RFC 9111 section 5.2.1), stale-while-revalidate and
 * stale-if-error (RFC 5861), the prohibitions of section 4.2.4, and immutable (RFC 8246).
 */
class ServingTest {

  private static final CacheControl NO_REQUEST_DIRECTIVES = CacheControl.NONE;

  /** Stored at T0 with {@code Date: T0} and the given Cache-Control. */
  private static StoredHead stored(String cacheControl) {
    return StoredHead.of(200, headers("Date", date(T0), "Cache-Control", cacheControl), T0, T0, -1);
  }

  private static CacheControl request(String cacheControl) {
    return CacheControl.parse(headers("Cache-Control", cacheControl));
  }

  private static Verdict verdict(StoredHead stored, long now) {
    return Serving.verdict(stored, NO_REQUEST_DIRECTIVES, now, -1);
  }

  // ---- fresh and stale ----------------------------------------------------------------------

  @Test
  void verdict_fresh_isFresh() {
    assertThat(verdict(stored("max-age=60"), T0 + 59 * SECOND)).isEqualTo(Verdict.FRESH);
  }

  @Test
  void verdict_stale_mustRevalidate() {
    assertThat(verdict(stored("max-age=60"), T0 + MINUTE)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_responseNoCache_alwaysRevalidates() {
    assertThat(verdict(stored("no-cache, max-age=60"), T0)).isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(verdict(stored("no-cache, immutable, max-age=60"), T0)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_responsePragmaNoCache_alwaysRevalidates() {
    StoredHead stored = StoredHead.of(200, headers("Pragma", "no-cache", "Expires", date(T0 + HOUR)), T0, T0, -1);
    assertThat(verdict(stored, T0)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  // ---- request directives -------------------------------------------------------------------

  @Test
  void verdict_requestNoCache_revalidatesFreshResponse() {
    assertThat(Serving.verdict(stored("max-age=60"), request("no-cache"), T0, -1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_requestPragmaNoCache_revalidatesFreshResponse() {
    CacheControl request = CacheControl.parse(headers("Pragma", "no-cache"));
    assertThat(Serving.verdict(stored("max-age=60"), request, T0, -1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_requestMaxAge_limitsAcceptableAge() {
    StoredHead stored = stored("max-age=600");
    assertThat(Serving.verdict(stored, request("max-age=30"), T0 + 30 * SECOND, -1)).isEqualTo(Verdict.FRESH);
    assertThat(Serving.verdict(stored, request("max-age=30"), T0 + 31 * SECOND, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_requestMaxAgeZero_revalidatesAnythingWithAge() {
    StoredHead stored = stored("max-age=600");
    assertThat(Serving.verdict(stored, request("max-age=0"), T0 + 1, -1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_requestMinFresh_needsThatMuchFreshnessLeft() {
    StoredHead stored = stored("max-age=60");
    assertThat(Serving.verdict(stored, request("min-fresh=10"), T0 + 50 * SECOND, -1)).isEqualTo(Verdict.FRESH);
    assertThat(Serving.verdict(stored, request("min-fresh=10"), T0 + 51 * SECOND, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_requestMaxStale_servesStaleAndRefreshesInTheBackground() {
    StoredHead stored = stored("max-age=60");
    assertThat(Serving.verdict(stored, request("max-stale=30"), T0 + 90 * SECOND, -1))
        .isEqualTo(Verdict.STALE_WHILE_REVALIDATE);
    assertThat(Serving.verdict(stored, request("max-stale=30"), T0 + 91 * SECOND, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(Serving.verdict(stored, request("max-stale"), T0 + 1000 * HOUR, -1))
        .isEqualTo(Verdict.STALE_WHILE_REVALIDATE);
  }

  @Test
  void verdict_requestMaxStale_notForMustRevalidateOrSMaxAge() {
    assertThat(Serving.verdict(stored("max-age=60, must-revalidate"), request("max-stale"), T0 + 2 * MINUTE, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(Serving.verdict(stored("max-age=60, proxy-revalidate"), request("max-stale"), T0 + 2 * MINUTE, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(Serving.verdict(stored("s-maxage=60"), request("max-stale"), T0 + 2 * MINUTE, -1))
        .isEqualTo(Verdict.MUST_REVALIDATE);
  }

  // ---- stale-while-revalidate ---------------------------------------------------------------

  @Test
  void verdict_withinStaleWhileRevalidate_servesStale() {
    StoredHead stored = stored("max-age=60, stale-while-revalidate=30");
    assertThat(verdict(stored, T0 + 59 * SECOND)).isEqualTo(Verdict.FRESH);
    assertThat(verdict(stored, T0 + 60 * SECOND)).isEqualTo(Verdict.STALE_WHILE_REVALIDATE);
    assertThat(verdict(stored, T0 + 90 * SECOND)).isEqualTo(Verdict.STALE_WHILE_REVALIDATE);
    assertThat(verdict(stored, T0 + 90 * SECOND + 1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_staleWhileRevalidate_honouredBesideSMaxAge() {
    StoredHead stored = stored("s-maxage=60, stale-while-revalidate=30");
    assertThat(verdict(stored, T0 + 70 * SECOND)).isEqualTo(Verdict.STALE_WHILE_REVALIDATE);
  }

  @Test
  void verdict_staleWhileRevalidate_forbiddenByMustRevalidateProxyRevalidateNoCache() {
    long now = T0 + 70 * SECOND;
    assertThat(verdict(stored("max-age=60, stale-while-revalidate=30, must-revalidate"), now))
        .isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(verdict(stored("max-age=60, stale-while-revalidate=30, proxy-revalidate"), now))
        .isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(verdict(stored("max-age=60, stale-while-revalidate=30, no-cache"), now))
        .isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_staleWhileRevalidate_notWhenTheClientSaysNoCache() {
    StoredHead stored = stored("max-age=60, stale-while-revalidate=30");
    assertThat(Serving.verdict(stored, request("no-cache"), T0 + 70 * SECOND, -1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  // ---- immutable ----------------------------------------------------------------------------

  @Test
  void verdict_freshImmutable_ignoresReloadDirectives() {
    StoredHead stored = stored("max-age=31536000, immutable");
    assertThat(Serving.verdict(stored, request("no-cache"), T0 + HOUR, -1)).isEqualTo(Verdict.FRESH);
    assertThat(Serving.verdict(stored, request("max-age=0"), T0 + HOUR, -1)).isEqualTo(Verdict.FRESH);
    assertThat(Serving.verdict(stored, CacheControl.parse(headers("Pragma", "no-cache")), T0 + HOUR, -1))
        .isEqualTo(Verdict.FRESH);
  }

  @Test
  void verdict_staleImmutable_revalidatesLikeAnyOther() {
    StoredHead stored = stored("max-age=60, immutable");
    assertThat(verdict(stored, T0 + 2 * MINUTE)).isEqualTo(Verdict.MUST_REVALIDATE);
    assertThat(Serving.verdict(stored, request("no-cache"), T0 + 2 * MINUTE, -1)).isEqualTo(Verdict.MUST_REVALIDATE);
  }

  @Test
  void verdict_threeArgumentForm_agrees() {
    StoredHead stored = stored("max-age=60, stale-while-revalidate=30");
    for (long now : new long[] {T0, T0 + 70 * SECOND, T0 + HOUR}) {
      assertThat(Serving.verdict(stored, NO_REQUEST_DIRECTIVES, now))
          .isEqualTo(Serving.verdict(stored, NO_REQUEST_DIRECTIVES, now, HOUR));
    }
  }

  // ---- stale-if-error -----------------------------------------------------------------------

  @Test
  void mayServeStaleOnError_fresh_yes() {
    assertThat(Serving.mayServeStaleOnError(stored("max-age=60"), NO_REQUEST_DIRECTIVES, T0, -1)).isTrue();
  }

  @Test
  void mayServeStaleOnError_staleWithoutAnyAllowance_no() {
    assertThat(Serving.mayServeStaleOnError(stored("max-age=60"), NO_REQUEST_DIRECTIVES, T0 + 2 * MINUTE, -1))
        .isFalse();
  }

  @Test
  void mayServeStaleOnError_withinResponseStaleIfError() {
    StoredHead stored = stored("max-age=60, stale-if-error=600");
    assertThat(Serving.mayServeStaleOnError(stored, NO_REQUEST_DIRECTIVES, T0 + 11 * MINUTE, -1)).isTrue();
    assertThat(Serving.mayServeStaleOnError(stored, NO_REQUEST_DIRECTIVES, T0 + 11 * MINUTE + 1, -1)).isFalse();
  }

  @Test
  void mayServeStaleOnError_withinRequestStaleIfError() {
    StoredHead stored = stored("max-age=60");
    assertThat(Serving.mayServeStaleOnError(stored, request("stale-if-error=120"), T0 + 3 * MINUTE, -1)).isTrue();
    assertThat(Serving.mayServeStaleOnError(stored, request("stale-if-error=120"), T0 + 3 * MINUTE + 1, -1))
        .isFalse();
  }

  @Test
  void mayServeStaleOnError_withinConfiguredDefault() {
    StoredHead stored = stored("max-age=60");
    assertThat(Serving.mayServeStaleOnError(stored, NO_REQUEST_DIRECTIVES, T0 + 61 * MINUTE, HOUR)).isTrue();
    assertThat(Serving.mayServeStaleOnError(stored, NO_REQUEST_DIRECTIVES, T0 + 61 * MINUTE + 1, HOUR)).isFalse();
  }

  @Test
  void mayServeStaleOnError_largestAllowanceWins() {
    StoredHead stored = stored("max-age=60, stale-if-error=10");
    assertThat(Serving.mayServeStaleOnError(stored, request("stale-if-error=20"), T0 + 30 * MINUTE, HOUR)).isTrue();
  }

  @Test
  void mayServeStaleOnError_forbiddenByMustRevalidateProxyRevalidateNoCache() {
    long now = T0 + 2 * MINUTE;
    for (String forbidding : new String[] {"must-revalidate", "proxy-revalidate", "no-cache"}) {
      StoredHead stored = stored("max-age=60, stale-if-error=600, " + forbidding);
      assertThat(Serving.mayServeStaleOnError(stored, request("stale-if-error=600"), now, HOUR)).as(forbidding)
          .isFalse();
    }
  }

  @Test
  void mayServeStaleOnError_freshButNoCache_no() {
    assertThat(Serving.mayServeStaleOnError(stored("max-age=60, no-cache"), NO_REQUEST_DIRECTIVES, T0, HOUR))
        .isFalse();
  }

  @Test
  void mayServeStaleOnError_freshMustRevalidate_yes() {
    assertThat(Serving.mayServeStaleOnError(stored("max-age=60, must-revalidate"), NO_REQUEST_DIRECTIVES, T0, -1))
        .isTrue();
  }

  @Test
  void mayServeStaleOnError_sMaxAge_onlyTheResponsesOwnAllowance() {
    long now = T0 + 2 * MINUTE;
    assertThat(Serving.mayServeStaleOnError(stored("s-maxage=60"), request("stale-if-error=600"), now, HOUR))
        .isFalse();
    assertThat(Serving.mayServeStaleOnError(stored("s-maxage=60, stale-if-error=600"), NO_REQUEST_DIRECTIVES, now,
        -1)).isTrue();
  }

  // ---- only-if-cached -----------------------------------------------------------------------

  @Test
  void onlyIfCached_readsTheRequestDirective() {
    assertThat(Serving.onlyIfCached(request("only-if-cached"))).isTrue();
    assertThat(Serving.onlyIfCached(NO_REQUEST_DIRECTIVES)).isFalse();
  }
}
