package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.MINUTE;
import static media.edge.httpcache.Times.SECOND;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

/** Age, freshness and staleness (RFC 9111 sections 4.2 and 4.2.3). */
class AgeTest {

  @Test
  void age_justReceived_isZero() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0)), T0, T0, -1);
    assertThat(head.ageMillis(T0)).isZero();
    assertThat(head.ageSeconds(T0)).isZero();
  }

  @Test
  void age_growsWithResidentTime() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0)), T0, T0, -1);
    assertThat(head.ageMillis(T0 + 90 * SECOND)).isEqualTo(90 * SECOND);
  }

  @Test
  void age_apparentAge_fromDateInThePast() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0 - 30 * SECOND)), T0, T0, -1);
    assertThat(head.ageMillis(T0)).isEqualTo(30 * SECOND);
  }

  @Test
  void age_dateInTheFuture_apparentAgeIsNotNegative() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0 + HOUR)), T0, T0, -1);
    assertThat(head.ageMillis(T0)).isZero();
  }

  @Test
  void age_ageHeaderPlusResponseDelay() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Age", "100"), T0 - 2 * SECOND, T0, -1);
    assertThat(head.ageMillis(T0)).isEqualTo(102 * SECOND);
    assertThat(head.ageMillis(T0 + 8 * SECOND)).isEqualTo(110 * SECOND);
  }

  @Test
  void age_responseDelayCountsEvenWithoutAgeHeader() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0)), T0 - 3 * SECOND, T0, -1);
    assertThat(head.ageMillis(T0)).isEqualTo(3 * SECOND);
  }

  @Test
  void age_largerOfApparentAndCorrectedAgeWins() {
    StoredHead apparentWins = StoredHead.of(200, headers("Date", date(T0 - MINUTE), "Age", "10"), T0, T0, -1);
    assertThat(apparentWins.ageMillis(T0)).isEqualTo(MINUTE);
    StoredHead ageWins = StoredHead.of(200, headers("Date", date(T0 - 10 * SECOND), "Age", "60"), T0, T0, -1);
    assertThat(ageWins.ageMillis(T0)).isEqualTo(MINUTE);
  }

  @Test
  void age_invalidAgeHeader_isIgnored() {
    for (String age : new String[] {"-5", "abc", "1.5", ""}) {
      StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Age", age), T0, T0, -1);
      assertThat(head.ageMillis(T0)).as(age).isZero();
    }
  }

  /** Regression (cache-tests age-parse-suffix, age-parse-dup-old): a list counts by its first member. */
  @Test
  void age_listValuedAgeHeader_countsByItsFirstMember() {
    StoredHead suffix = StoredHead.of(200, headers("Date", date(T0), "Age", "7200,0"), T0, T0, -1);
    StoredHead duplicated = StoredHead.of(200, headers("Date", date(T0), "Age", "3600, 3600"), T0, T0, -1);

    assertThat(suffix.ageMillis(T0)).isEqualTo(7200 * SECOND);
    assertThat(duplicated.ageMillis(T0)).isEqualTo(3600 * SECOND);
  }

  @Test
  void age_ageHeaderWithSurroundingSpace_isReadLeniently() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Age", "7 "), T0, T0, -1);
    assertThat(head.ageMillis(T0)).isEqualTo(7 * SECOND);
  }

  @Test
  void age_hugeAgeHeader_isCappedAndAgeSecondsFitsAnInt() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Age", "999999999999999"), T0, T0, -1);
    assertThat(head.ageMillis(T0)).isEqualTo((1L << 31) * 1000);
    assertThat(head.ageSeconds(T0)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void age_nowBeforeReception_isNotNegative() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0)), T0, T0, -1);
    assertThat(head.ageMillis(T0 - HOUR)).isZero();
  }

  @Test
  void ageSeconds_floorsMilliseconds() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0)), T0, T0, -1);
    assertThat(head.ageSeconds(T0 + 1999)).isEqualTo(1);
  }

  @Test
  void age_withoutDate_aDateIsRecordedAtReception() {
    StoredHead head = StoredHead.of(200, headers(), T0 - SECOND, T0 + 500, -1);
    assertThat(head.headers().get(HttpHeaderNames.DATE)).isEqualTo(date(T0));
    assertThat(head.ageMillis(T0 + 500)).isEqualTo(1500);
  }

  @Test
  void age_invalidDate_isReplacedByReceptionTime() {
    StoredHead head = StoredHead.of(200, headers("Date", "garbage"), T0, T0, -1);
    assertThat(head.headers().get(HttpHeaderNames.DATE)).isEqualTo(date(T0));
  }

  // ---- freshness and staleness --------------------------------------------------------------

  @Test
  void isFresh_whileLifetimeExceedsAge() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Cache-Control", "max-age=60"), T0, T0, -1);
    assertThat(head.isFresh(T0 + 59_999)).isTrue();
    assertThat(head.stalenessMillis(T0 + 59_999)).isZero();
    assertThat(head.isFresh(T0 + MINUTE)).isFalse();
    assertThat(head.stalenessMillis(T0 + MINUTE)).isZero();
    assertThat(head.stalenessMillis(T0 + MINUTE + 5 * SECOND)).isEqualTo(5 * SECOND);
  }

  @Test
  void isFresh_ageFromUpstreamCacheShortensFreshness() {
    StoredHead head = StoredHead.of(200,
        headers("Date", date(T0), "Age", "50", "Cache-Control", "max-age=60"), T0, T0, -1);
    assertThat(head.isFresh(T0 + 9 * SECOND)).isTrue();
    assertThat(head.isFresh(T0 + 10 * SECOND)).isFalse();
  }

  @Test
  void isFresh_zeroLifetime_isStaleAtOnce() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Cache-Control", "max-age=0"), T0, T0, -1);
    assertThat(head.isFresh(T0)).isFalse();
  }
}
