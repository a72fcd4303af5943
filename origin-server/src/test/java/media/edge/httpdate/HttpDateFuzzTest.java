package media.edge.httpdate;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link HttpDate} and {@link Digits} with arbitrary text (issue 15): parsing answers {@link
 * HttpDate#MALFORMED} or a time within years 0 to 9999, which formats to an IMF-fixdate that parses back
 * to it, so that a date from a client or an upstream never throws nor overflows what is computed from
 * it; digits read as -1 or their exact non-negative value. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl
 * origin-server test -Dtest=HttpDateFuzzTest}.
 */
class HttpDateFuzzTest {
  private static final long YEAR_0 = -62_167_219_200L;
  private static final long YEAR_9999_END = 253_402_300_799L;

  @FuzzTest(maxDuration = "2m")
  void parse_anyText_isMalformedOrARoundTrippingDate(FuzzedDataProvider data) {
    long epochSecond = data.consumeLong(YEAR_0, YEAR_9999_END);
    String text = data.consumeRemainingAsString();

    long parsed = HttpDate.parse(text);
    if (parsed != HttpDate.MALFORMED) {
      assertThat(parsed).as("%s", text).isBetween(YEAR_0, YEAR_9999_END);
      assertThat(HttpDate.parse(HttpDate.format(parsed))).isEqualTo(parsed);
    }
    String formatted = HttpDate.format(epochSecond);
    assertThat(formatted).hasSize(29);
    assertThat(HttpDate.parse(formatted)).isEqualTo(epochSecond);

    long digits = Digits.parse(text);
    if (digits >= 0) {
      assertThat(text).matches("[0-9]{1,18}");
      assertThat(digits).isEqualTo(Long.parseLong(text));
    } else {
      assertThat(digits).isEqualTo(-1);
    }
  }
}
