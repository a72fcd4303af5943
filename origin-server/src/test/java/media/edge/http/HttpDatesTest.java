package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP-date formatting and parsing (RFC 9110 section 5.6.7) and the cached Date header value. */
class HttpDatesTest {

  /** The RFC 9110 section 5.6.7 example instant, Sun, 06 Nov 1994 08:49:37 GMT. */
  private static final long RFC_EXAMPLE = 784111777L;

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void advanceMillis(long delta) {
      millis += delta;
    }

    void setMillis(long value) {
      millis = value;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  // ---- format -------------------------------------------------------------------------------

  @Test
  void format_singleDigitDay_isZeroPadded() {
    // DateTimeFormatter.RFC_1123_DATE_TIME would give "Mon, 12 Jan" here but "Thu, 1 Jan" below.
    assertThat(HttpDates.format(1_000_000L)).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");
    assertThat(HttpDates.format(0L)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
  }

  @Test
  void format_rfcExample_isImfFixdate() {
    assertThat(HttpDates.format(RFC_EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void format_afterYear2038_isCorrect() {
    assertThat(HttpDates.format(4_102_444_800L)).isEqualTo("Fri, 01 Jan 2100 00:00:00 GMT");
  }

  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 59L, 1_000_000L, RFC_EXAMPLE, 1_700_000_000L, 4_102_444_799L})
  void parse_ofFormat_returnsSameSecond(long epochSecond) {
    assertThat(HttpDates.parse(HttpDates.format(epochSecond))).isEqualTo(epochSecond);
  }

  // ---- parse --------------------------------------------------------------------------------

  @Test
  void parse_imfFixdate_returnsEpochSeconds() {
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_rfc850_returnsEpochSeconds() {
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_asctimeWithSpacePaddedDay_returnsEpochSeconds() {
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_asctimeWithTwoDigitDay_returnsEpochSeconds() {
    assertThat(HttpDates.parse("Wed Nov 16 08:49:37 1994")).isEqualTo(RFC_EXAMPLE + 10 * 86_400L);
  }

  @Test
  void parse_surroundingWhitespace_isIgnored() {
    assertThat(HttpDates.parse("  Sun, 06 Nov 1994 08:49:37 GMT\t")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_null_isMalformed() {
    assertThat(HttpDates.parse(null)).isEqualTo(Long.MIN_VALUE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "784111777",
        "1994-11-06T08:49:37Z",
        "sun, 06 nov 1994 08:49:37 gmt", // HTTP-date is case-sensitive
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 08:61:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT; length=123",
        "Sun, 06 Nov 94 08:49:37 GMT"
      })
  void parse_malformed_returnsMinValue(String value) {
    assertThat(HttpDates.parse(value)).isEqualTo(Long.MIN_VALUE);
  }

  // ---- now ----------------------------------------------------------------------------------

  @Test
  void now_fixedClock_isThatInstantAsImfFixdate() {
    HttpDates dates = new HttpDates(Clock.fixed(Instant.ofEpochSecond(RFC_EXAMPLE, 500_000_000), ZoneOffset.UTC));

    assertThat(dates.now()).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(dates.nowSeconds()).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void now_withinSameSecond_isUnchanged() {
    MutableClock clock = new MutableClock(1_000_000_000L);
    HttpDates dates = new HttpDates(clock);
    String first = dates.now();

    clock.advanceMillis(999);

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT").isSameAs(first);
  }

  @Test
  void now_clockMovesOneSecond_changes() {
    MutableClock clock = new MutableClock(1_000_000_000L);
    HttpDates dates = new HttpDates(clock);
    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");

    clock.advanceMillis(1_000);

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:41 GMT");
    assertThat(dates.nowSeconds()).isEqualTo(1_000_001L);
  }

  @Test
  void now_clockStepsBack_followsClock() {
    MutableClock clock = new MutableClock(1_000_001_000L);
    HttpDates dates = new HttpDates(clock);
    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:41 GMT");

    clock.setMillis(1_000_000_000L);

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");
  }

  @Test
  void now_justBeforeEpoch_roundsDownToPreviousSecond() {
    HttpDates dates = new HttpDates(new MutableClock(-1L));

    assertThat(dates.now()).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    assertThat(dates.nowSeconds()).isEqualTo(-1L);
  }
}
