package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.MINUTE;
import static media.edge.httpcache.Times.SECOND;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The freshness lifetime of a stored response for a shared cache (RFC 9111 section 4.2.1). */
class FreshnessLifetimeTest {

  private static long lifetime(long heuristic, String... namesAndValues) {
    return StoredHead.of(200, headers(namesAndValues), T0, T0, heuristic).lifetimeMillis();
  }

  @Test
  void lifetime_fromMaxAge() {
    assertThat(lifetime(-1, "Cache-Control", "max-age=60")).isEqualTo(MINUTE);
  }

  @Test
  void lifetime_sMaxAgeWinsOverMaxAge_inSharedCache() {
    assertThat(lifetime(-1, "Cache-Control", "max-age=60, s-maxage=3600")).isEqualTo(HOUR);
    assertThat(lifetime(-1, "Cache-Control", "s-maxage=10, max-age=3600")).isEqualTo(10 * SECOND);
  }

  @Test
  void lifetime_maxAgeWinsOverExpires() {
    assertThat(lifetime(-1, "Cache-Control", "max-age=60", "Date", date(T0), "Expires", date(T0 + HOUR)))
        .isEqualTo(MINUTE);
  }

  @Test
  void lifetime_fromExpiresMinusDate() {
    assertThat(lifetime(-1, "Date", date(T0 - 10 * SECOND), "Expires", date(T0 + HOUR)))
        .isEqualTo(HOUR + 10 * SECOND);
  }

  @Test
  void lifetime_expiresWithoutDate_countsFromReception() {
    assertThat(lifetime(-1, "Expires", date(T0 + HOUR))).isEqualTo(HOUR);
  }

  @Test
  void lifetime_expiresWithInvalidDate_countsFromReception() {
    assertThat(lifetime(-1, "Date", "yesterday", "Expires", date(T0 + HOUR))).isEqualTo(HOUR);
  }

  @Test
  void lifetime_expiresInThePast_isZero() {
    assertThat(lifetime(-1, "Date", date(T0), "Expires", date(T0 - HOUR))).isZero();
  }

  @Test
  void lifetime_invalidExpires_meansAlreadyExpired() {
    assertThat(lifetime(HOUR, "Date", date(T0), "Expires", "0")).isZero();
    assertThat(lifetime(HOUR, "Date", date(T0), "Expires", "-1")).isZero();
  }

  @Test
  void lifetime_expiresInOlderDateForms_isUnderstood() {
    assertThat(lifetime(-1, "Date", "Thursday, 01-Jan-26 00:00:00 GMT", "Expires", "Thu Jan  1 01:00:00 2026"))
        .isEqualTo(HOUR);
  }

  @Test
  void lifetime_malformedMaxAge_isZeroEvenWithExpires() {
    assertThat(lifetime(HOUR, "Cache-Control", "max-age=soon", "Expires", date(T0 + HOUR))).isZero();
  }

  @Test
  void lifetime_heuristic_onlyWithoutExplicitFreshness() {
    assertThat(lifetime(HOUR, "Last-Modified", date(T0 - 100 * HOUR))).isEqualTo(HOUR);
    assertThat(lifetime(HOUR, "Cache-Control", "max-age=60")).isEqualTo(MINUTE);
    assertThat(lifetime(HOUR, "Cache-Control", "s-maxage=60")).isEqualTo(MINUTE);
    assertThat(lifetime(HOUR, "Cache-Control", "max-age=0")).isZero();
    assertThat(lifetime(HOUR, "Expires", date(T0 + MINUTE))).isEqualTo(MINUTE);
  }

  @Test
  void lifetime_noExplicitFreshnessAndNoHeuristic_isZero() {
    assertThat(lifetime(-1, "ETag", "\"v1\"")).isZero();
  }

  @Test
  void lifetime_heuristic_notForStatusesThatAreNotHeuristicallyCacheable() {
    assertThat(StoredHead.of(302, headers(), T0, T0, HOUR).lifetimeMillis()).isZero();
    assertThat(StoredHead.of(302, headers("Cache-Control", "public"), T0, T0, HOUR).lifetimeMillis()).isEqualTo(HOUR);
    assertThat(StoredHead.of(404, headers(), T0, T0, HOUR).lifetimeMillis()).isEqualTo(HOUR);
  }

  @Test
  void lifetime_hugeMaxAge_isCappedNotOverflowed() {
    assertThat(lifetime(-1, "Cache-Control", "max-age=999999999999999999999")).isEqualTo((1L << 31) * 1000);
  }
}
