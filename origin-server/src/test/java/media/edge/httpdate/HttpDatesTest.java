package media.edge.httpdate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP-date formatting and parsing (RFC 9110 section 5.6.7) and the cached Date header value. */
class HttpDatesTest {

  /** The RFC 9110 section 5.6.7 example instant, Sun, 06 Nov 1994 08:49:37 GMT. */
  private static final long RFC_EXAMPLE = 784111777L;

  // ---- format -------------------------------------------------------------------------------

  @Test
  void format_singleDigitDay_isZeroPadded() {
    // DateTimeFormatter.RFC_1123_DATE_TIME would give "Mon, 12 Jan" here but "Thu, 1 Jan" below.
    assertThat(HttpDate.format(1_000_000L)).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");
    assertThat(HttpDate.format(0L)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
  }

  @Test
  void format_rfcExample_isImfFixdate() {
    assertThat(HttpDate.format(RFC_EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void format_afterYear2038_isCorrect() {
    assertThat(HttpDate.format(4_102_444_800L)).isEqualTo("Fri, 01 Jan 2100 00:00:00 GMT");
  }

  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 59L, 1_000_000L, RFC_EXAMPLE, 1_700_000_000L, 4_102_444_799L})
  void parse_ofFormat_returnsSameSecond(long epochSecond) {
    assertThat(HttpDate.parse(HttpDate.format(epochSecond))).isEqualTo(epochSecond);
  }

  // ---- parse --------------------------------------------------------------------------------

  @Test
  void parse_imfFixdate_returnsEpochSeconds() {
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_rfc850_returnsEpochSeconds() {
    assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_asctimeWithSpacePaddedDay_returnsEpochSeconds() {
    assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_asctimeWithTwoDigitDay_returnsEpochSeconds() {
    assertThat(HttpDate.parse("Wed Nov 16 08:49:37 1994")).isEqualTo(RFC_EXAMPLE + 10 * 86_400L);
  }

  @Test
  void parse_surroundingWhitespace_isIgnored() {
    assertThat(HttpDate.parse("  Sun, 06 Nov 1994 08:49:37 GMT\t")).isEqualTo(RFC_EXAMPLE);
  }

  @Test
  void parse_null_isMalformed() {
    assertThat(HttpDate.parse(null)).isEqualTo(Long.MIN_VALUE);
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
    assertThat(HttpDate.parse(value)).isEqualTo(Long.MIN_VALUE);
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
    TestClock clock = TestClock.at(Instant.ofEpochMilli(1_000_000_000L));
    HttpDates dates = new HttpDates(clock);
    String first = dates.now();

    clock.advance(Duration.ofMillis(999));

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT").isSameAs(first);
  }

  @Test
  void now_clockMovesOneSecond_changes() {
    TestClock clock = TestClock.at(Instant.ofEpochMilli(1_000_000_000L));
    HttpDates dates = new HttpDates(clock);
    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");

    clock.advance(Duration.ofMillis(1_000));

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:41 GMT");
    assertThat(dates.nowSeconds()).isEqualTo(1_000_001L);
  }

  @Test
  void now_clockStepsBack_followsClock() {
    TestClock clock = TestClock.at(Instant.ofEpochMilli(1_000_001_000L));
    HttpDates dates = new HttpDates(clock);
    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:41 GMT");

    clock.set(Instant.ofEpochMilli(1_000_000_000L));

    assertThat(dates.now()).isEqualTo("Mon, 12 Jan 1970 13:46:40 GMT");
  }

  @Test
  void now_justBeforeEpoch_roundsDownToPreviousSecond() {
    HttpDates dates = new HttpDates(TestClock.at(Instant.ofEpochMilli(-1L)));

    assertThat(dates.now()).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    assertThat(dates.nowSeconds()).isEqualTo(-1L);
  }
}
