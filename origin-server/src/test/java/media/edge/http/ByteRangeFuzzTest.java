package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import media.edge.http.ByteRange.Kind;
import media.edge.http.ByteRange.Parsed;

/**
 * Fuzzes {@link ByteRange#parse} with arbitrary {@code Range} values against arbitrary lengths (issue 15):
 * whatever the header, the answer is one of the three kinds, and a satisfiable range lies inside the
 * representation, so that no answer can read before its first or past its last byte.
 *
 * <p>{@code mvn verify} replays {@code ByteRangeFuzzTestInputs/}; to fuzz, {@code JAZZER_FUZZ=1 mvn -pl
 * origin-server test -Dtest=ByteRangeFuzzTest}.
 */
class ByteRangeFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parse_anyHeader_isWithinTheRepresentation(FuzzedDataProvider data) {
    long length = data.consumeBoolean() ? data.consumeLong(0, 1 << 20) : data.consumeLong(0, Long.MAX_VALUE);
    String header = data.consumeRemainingAsAsciiString();

    Parsed parsed = ByteRange.parse(header, length);

    assertThat(parsed).isNotNull();
    assertThat(parsed.kind()).isNotNull();
    if (parsed.kind() == Kind.SATISFIABLE) {
      ByteRange range = parsed.range();
      assertThat(range.first()).isBetween(0L, range.last());
      assertThat(range.last()).isLessThan(length);
      assertThat(range.length()).isBetween(1L, length);
      assertThat(range.contentRange(length)).isEqualTo("bytes " + range.first() + "-" + range.last() + "/" + length);
    } else {
      assertThat(parsed.range()).isNull();
    }
    // A unit other than bytes, or several ranges, is never honoured.
    String value = header.strip();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
      assertThat(parsed.kind()).isEqualTo(Kind.IGNORED);
    }
  }
}
