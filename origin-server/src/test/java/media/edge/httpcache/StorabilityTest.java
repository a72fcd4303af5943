package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import media.edge.httpcache.Storability.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whether a shared cache may store a response (RFC 9111 sections 3 and 3.5). */
class StorabilityTest {

  private static final HttpHeaders PLAIN_REQUEST = headers();

  private static Decision decide(int status, String... response) {
    return Storability.decide(HttpMethod.GET, PLAIN_REQUEST, status, headers(response), false);
  }

  // ---- storable -----------------------------------------------------------------------------

  @Test
  void decide_getWithMaxAge_stores() {
    assertThat(decide(200, "Cache-Control", "max-age=60")).isEqualTo(Decision.STORE);
  }

  @Test
  void decide_getWithSMaxAgeOrExpires_stores() {
    assertThat(decide(200, "Cache-Control", "s-maxage=60")).isEqualTo(Decision.STORE);
    assertThat(decide(200, "Expires", date(T0 + HOUR))).isEqualTo(Decision.STORE);
  }

  @Test
  void decide_invalidExpires_stillStoresForRevalidation() {
    assertThat(decide(200, "Expires", "0")).isEqualTo(Decision.STORE);
  }

  // ---- method -------------------------------------------------------------------------------

  @Test
  void decide_headAndPost_areNotStored() {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.OPTIONS}) {
      assertThat(Storability.decide(method, PLAIN_REQUEST, 200, headers("Cache-Control", "max-age=60"), true))
          .as(method.name()).isEqualTo(Decision.NOT_STORABLE_METHOD);
    }
  }

  // ---- no-store and private -----------------------------------------------------------------

  /** Issue 15: an upstream Set-Cookie on a public response was stored and sent to other viewers. */
  @Test
  void decide_setCookie_neverStoredEvenWhenPublic() {
    assertThat(decide(200, "Cache-Control", "public, max-age=60", "Set-Cookie", "session=abc; Path=/"))
        .isEqualTo(Decision.SET_COOKIE);
    assertThat(decide(200, "Cache-Control", "s-maxage=60", "set-cookie", "consent=1")).isEqualTo(Decision.SET_COOKIE);
  }

  @Test
  void decide_responseNoStore_refuses() {
    assertThat(decide(200, "Cache-Control", "max-age=60, no-store")).isEqualTo(Decision.NO_STORE);
  }

  @Test
  void decide_requestNoStore_refuses() {
    assertThat(Storability.decide(HttpMethod.GET, headers("Cache-Control", "no-store"), 200,
        headers("Cache-Control", "max-age=60"), true)).isEqualTo(Decision.NO_STORE);
  }

  @Test
  void decide_mustUnderstandDoesNotOverrideNoStore() {
    assertThat(decide(200, "Cache-Control", "must-understand, no-store, max-age=60")).isEqualTo(Decision.NO_STORE);
  }

  @Test
  void decide_private_refusesInSharedCache() {
    assertThat(decide(200, "Cache-Control", "private, max-age=60")).isEqualTo(Decision.PRIVATE);
    assertThat(decide(200, "Cache-Control", "private=\"Set-Cookie\", max-age=60")).isEqualTo(Decision.PRIVATE);
  }

  // ---- Authorization ------------------------------------------------------------------------

  private static Decision authorized(String cacheControl) {
    return Storability.decide(HttpMethod.GET, headers("Authorization", "Bearer x"), 200,
        headers("Cache-Control", cacheControl), true);
  }

  @Test
  void decide_authorizedRequest_refusedUnlessResponseAllowsIt() {
    assertThat(authorized("max-age=60")).isEqualTo(Decision.AUTHORIZATION);
  }

  @ParameterizedTest
  @ValueSource(strings = {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"})
  void decide_authorizedRequest_storedWithPublicSMaxAgeOrMustRevalidate(String cacheControl) {
    assertThat(authorized(cacheControl)).isEqualTo(Decision.STORE);
  }

  // ---- Vary ---------------------------------------------------------------------------------

  @Test
  void decide_varyStar_refuses() {
    assertThat(decide(200, "Cache-Control", "max-age=60", "Vary", "Accept-Encoding, *")).isEqualTo(Decision.VARY_STAR);
    assertThat(decide(200, "Cache-Control", "max-age=60", "Vary", "Origin", "Vary", "*"))
        .isEqualTo(Decision.VARY_STAR);
  }

  @Test
  void decide_varyOnFields_stores() {
    assertThat(decide(200, "Cache-Control", "max-age=60", "Vary", "Accept-Encoding")).isEqualTo(Decision.STORE);
  }

  // ---- status -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})
  void decide_heuristicallyCacheableStatus_storedWithHeuristic(int status) {
    assertThat(Storability.decide(HttpMethod.GET, PLAIN_REQUEST, status, headers(), true)).isEqualTo(Decision.STORE);
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 302, 303, 307, 400, 403, 500, 502, 503})
  void decide_otherStatusWithoutExplicitFreshness_notCacheable(int status) {
    assertThat(Storability.decide(HttpMethod.GET, PLAIN_REQUEST, status, headers("ETag", "\"x\""), true))
        .isEqualTo(Decision.STATUS_NOT_CACHEABLE);
  }

  @ParameterizedTest
  @ValueSource(ints = {302, 307, 403, 500, 503})
  void decide_otherStatusWithExplicitFreshness_stores(int status) {
    assertThat(decide(status, "Cache-Control", "max-age=5")).isEqualTo(Decision.STORE);
  }

  @Test
  void decide_otherStatusWithPublic_storesWhenItCanBeFresh() {
    assertThat(Storability.decide(HttpMethod.GET, PLAIN_REQUEST, 302, headers("Cache-Control", "public"), true))
        .isEqualTo(Decision.STORE);
    assertThat(decide(302, "Cache-Control", "public")).isEqualTo(Decision.NO_FRESHNESS);
  }

  @Test
  void decide_otherStatusWithOnlyNoCache_notCacheable() {
    assertThat(decide(302, "Cache-Control", "no-cache", "ETag", "\"x\"")).isEqualTo(Decision.STATUS_NOT_CACHEABLE);
  }

  @Test
  void decide_partialContent_neverStored() {
    assertThat(decide(206, "Cache-Control", "max-age=60", "Content-Range", "bytes 0-9/100"))
        .isEqualTo(Decision.STATUS_NOT_CACHEABLE);
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 101, 103, 304})
  void decide_interimAndNotModified_neverStored(int status) {
    assertThat(decide(status, "Cache-Control", "max-age=60")).isEqualTo(Decision.STATUS_NOT_CACHEABLE);
  }

  // ---- freshness ----------------------------------------------------------------------------

  @Test
  void decide_cacheableStatusWithoutFreshnessOrValidators_hasNoFreshness() {
    assertThat(decide(200)).isEqualTo(Decision.NO_FRESHNESS);
  }

  @Test
  void decide_cacheableStatusWithValidatorOnly_storedForRevalidation() {
    assertThat(decide(200, "ETag", "\"v1\"")).isEqualTo(Decision.STORE);
    assertThat(decide(200, "Last-Modified", date(T0))).isEqualTo(Decision.STORE);
  }

  @Test
  void decide_malformedLastModifiedIsNoValidator() {
    assertThat(decide(200, "Last-Modified", "yesterday")).isEqualTo(Decision.NO_FRESHNESS);
  }

  @Test
  void decide_cacheableStatusWithNoCacheOnly_storedForRevalidation() {
    assertThat(decide(200, "Cache-Control", "no-cache")).isEqualTo(Decision.STORE);
  }

  // ---- precedence ---------------------------------------------------------------------------

  @Test
  void decide_reportsTheFirstReasonInRfcOrder() {
    assertThat(Storability.decide(HttpMethod.POST, headers("Authorization", "x"), 206,
        headers("Cache-Control", "no-store, private", "Vary", "*"), false)).isEqualTo(Decision.NOT_STORABLE_METHOD);
    assertThat(decide(206, "Cache-Control", "no-store, private", "Vary", "*")).isEqualTo(Decision.NO_STORE);
    assertThat(decide(206, "Cache-Control", "private", "Vary", "*")).isEqualTo(Decision.PRIVATE);
    assertThat(decide(206, "Vary", "*")).isEqualTo(Decision.VARY_STAR);
  }

  @Test
  void heuristicallyCacheable_listsRfc9110Statuses() {
    assertThat(Storability.heuristicallyCacheable(200)).isTrue();
    assertThat(Storability.heuristicallyCacheable(206)).isTrue();
    assertThat(Storability.heuristicallyCacheable(302)).isFalse();
    assertThat(Storability.heuristicallyCacheable(500)).isFalse();
  }
}
