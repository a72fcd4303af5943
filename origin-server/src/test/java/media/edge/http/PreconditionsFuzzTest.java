package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import media.edge.httpdate.HttpDate;

/**
 * Fuzzes the comparisons of conditional requests with arbitrary {@code If-Match}, {@code If-None-Match},
 * {@code If-Range} and date values (issue 15). Malformed values match nothing and never throw, and the
 * comparisons keep their relations: a strong match is also a weak one, {@code *} matches anything, a list
 * that names the representation's own tag matches it, and a date at or after the modification time holds.
 * To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=PreconditionsFuzzTest}.
 */
class PreconditionsFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void compare_anyValues_keepTheirRelations(FuzzedDataProvider data) {
    String opaque = data.consumeString(12).replace("\"", "");
    String etag = data.consumeBoolean() ? null : (data.consumeBoolean() ? "W/" : "") + '"' + opaque + '"';
    long modified = data.consumeLong(-62_135_596_800L, 253_402_300_799L); // years 1 to 9999
    String date = data.consumeString(40);
    String list = data.consumeRemainingAsString();

    boolean strong = Preconditions.ifMatch(list, etag);
    boolean weak = Preconditions.ifNoneMatch(list, etag);
    boolean applies = Preconditions.rangeApplies(list, etag, modified);
    boolean since = Preconditions.notModifiedSince(date, modified);

    if (strong) {
      assertThat(weak).as("a strong match of %s against %s is also a weak one", list, etag).isTrue();
    }
    if (applies && etag != null && list.strip().startsWith("\"")) {
      assertThat(list.strip()).isEqualTo(etag);
    }
    long parsed = HttpDate.parse(date);
    assertThat(since).isEqualTo(parsed != HttpDate.MALFORMED && modified <= parsed);
    assertThat(Preconditions.ifMatch(" * ", etag)).isTrue();
    assertThat(Preconditions.notModifiedSince(HttpDate.format(modified), modified)).isTrue();
    assertThat(Preconditions.rangeApplies(HttpDate.format(modified), etag, modified)).isTrue();
    if (etag != null) {
      assertThat(Preconditions.ifNoneMatch("\"other\", " + etag, etag)).isTrue();
      assertThat(Preconditions.ifMatch(etag, etag)).isEqualTo(!etag.startsWith("W/"));
      assertThat(Preconditions.rangeApplies(etag, etag, modified)).isEqualTo(!etag.startsWith("W/"));
    }
  }
}
