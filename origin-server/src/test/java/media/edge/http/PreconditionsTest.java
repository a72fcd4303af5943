package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import media.edge.origin.FileMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The comparisons of conditional requests (RFC 9110 section 13.1): entity-tag lists, dates and If-Range.
 * Their order of evaluation is {@link Answers}'s, tested in {@code AnswersTest}.
 */
class PreconditionsTest {

  private static final String ETAG = "\"5f1e2d3c4b5a0-4e20\"";
  private static final String OTHER_ETAG = "\"5f1e2d3c4b5a1-4e20\"";
  /** Sun, 06 Nov 1994 08:49:37 GMT. */
  private static final long MODIFIED = 784111777L;
  private static final String MODIFIED_DATE = "Sun, 06 Nov 1994 08:49:37 GMT";
  private static final String ONE_SECOND_EARLIER = "Sun, 06 Nov 1994 08:49:36 GMT";
  private static final String ONE_SECOND_LATER = "Sun, 06 Nov 1994 08:49:38 GMT";

  private static boolean notModifiedByEtag(String ifNoneMatch) {
    return Preconditions.ifNoneMatch(ifNoneMatch, ETAG);
  }

  private static boolean notModifiedBySince(String ifModifiedSince) {
    return Preconditions.notModifiedSince(ifModifiedSince, MODIFIED);
  }

  private static boolean rangeApplies(String ifRange) {
    return Preconditions.rangeApplies(ifRange, ETAG, MODIFIED);
  }

  // ---- If-None-Match ------------------------------------------------------------------------

  @Test
  void notModified_ifNoneMatchExact_isTrue() {
    assertThat(notModifiedByEtag(ETAG)).isTrue();
  }

  @Test
  void notModified_ifNoneMatchWeakFormOfOurStrongTag_isTrue() {
    // RFC 9110 section 13.1.2: If-None-Match uses the weak comparison, W/"x" matches "x".
    assertThat(notModifiedByEtag("W/" + ETAG)).isTrue();
  }

  @Test
  void notModified_ourWeakTagAgainstStrongRequestTag_isTrue() {
    assertThat(Preconditions.ifNoneMatch(ETAG, "W/" + ETAG)).isTrue();
  }

  @Test
  void notModified_ifNoneMatchOtherTag_isFalse() {
    assertThat(notModifiedByEtag(OTHER_ETAG)).isFalse();
  }

  @Test
  void notModified_ifNoneMatchPrefixOfOurTag_isFalse() {
    assertThat(notModifiedByEtag("\"5f1e2d3c4b5a0\"")).isFalse();
    assertThat(notModifiedByEtag("\"5f1e2d3c4b5a0-4e20")).isFalse();
  }

  @Test
  void notModified_ifNoneMatchOurTagWithExtraCharacters_isFalse() {
    assertThat(notModifiedByEtag("\"5f1e2d3c4b5a0-4e200\"")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"a\", \"5f1e2d3c4b5a0-4e20\"",
        "\"a\",\"5f1e2d3c4b5a0-4e20\"",
        "\"a\" ,  \"5f1e2d3c4b5a0-4e20\" , \"b\"",
        "\"a\",\t\"5f1e2d3c4b5a0-4e20\"",
        "W/\"a\", W/\"5f1e2d3c4b5a0-4e20\"",
        "\"5f1e2d3c4b5a0-4e20\", \"a\"",
        ", , \"5f1e2d3c4b5a0-4e20\""
      })
  void notModified_ifNoneMatchListContainingOurTag_isTrue(String list) {
    assertThat(notModifiedByEtag(list)).isTrue();
  }

  @Test
  void notModified_ifNoneMatchListWithoutOurTag_isFalse() {
    assertThat(notModifiedByEtag("\"a\", W/\"b\", " + OTHER_ETAG)).isFalse();
  }

  @Test
  void notModified_ifNoneMatchStar_isTrue() {
    assertThat(notModifiedByEtag("*")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "5f1e2d3c4b5a0-4e20", // unquoted
        "\"5f1e2d3c4b5a0-4e20", // unterminated
        "w/\"5f1e2d3c4b5a0-4e20\"", // W/ is case-sensitive
        "garbage, \"5f1e2d3c4b5a0-4e20\"", // malformed member before ours
        "\"a\" junk \"5f1e2d3c4b5a0-4e20\"",
        "*, \"5f1e2d3c4b5a0-4e20\"", // "*" is only valid alone
        "",
        "W/"
      })
  void notModified_ifNoneMatchMalformed_isFalse(String list) {
    assertThat(notModifiedByEtag(list)).isFalse();
  }

  // ---- If-Modified-Since --------------------------------------------------------------------

  @Test
  void notModified_ifModifiedSinceEqualToLastModified_isTrue() {
    assertThat(notModifiedBySince(MODIFIED_DATE)).isTrue();
  }

  @Test
  void notModified_ifModifiedSinceLaterThanLastModified_isTrue() {
    assertThat(notModifiedBySince(ONE_SECOND_LATER)).isTrue();
  }

  @Test
  void notModified_ifModifiedSinceEarlierThanLastModified_isFalse() {
    assertThat(notModifiedBySince(ONE_SECOND_EARLIER)).isFalse();
  }

  @Test
  void notModified_subSecondModificationWithinSameSecond_isTrue() {
    // Last-Modified has one-second precision: a file modified at 08:49:37.900 was sent with
    // "08:49:37", and the client echoing that back must get a 304. FileHandler passes
    // FileMeta.modifiedSeconds(), which truncates the microseconds.
    long modifiedSeconds = new FileMeta(Path.of("seg.ts"), 1, MODIFIED * 1_000_000L + 900_000L).modifiedSeconds();

    assertThat(Preconditions.notModifiedSince(MODIFIED_DATE, modifiedSeconds)).isTrue();
  }

  @Test
  void notModified_ifModifiedSinceInOtherHttpDateForms_isHonoured() {
    assertThat(notModifiedBySince("Sunday, 06-Nov-94 08:49:37 GMT")).isTrue();
    assertThat(notModifiedBySince("Sun Nov  6 08:49:37 1994")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"yesterday", "", "0", "784111777", "Sun, 06 Nov 1994 08:49:37", "2094-11-06T08:49:37Z",
        "Sun, 06 Nov 2094 08:49:37 GMT garbage"})
  void notModified_ifModifiedSinceMalformed_isIgnored(String value) {
    assertThat(notModifiedBySince(value)).isFalse();
  }

  // ---- If-Match (strong comparison) -----------------------------------------------------------

  @Test
  void ifMatch_ourStrongTag_isTrue() {
    assertThat(Preconditions.ifMatch(ETAG, ETAG)).isTrue();
    assertThat(Preconditions.ifMatch("\"a\", " + ETAG, ETAG)).isTrue();
  }

  @Test
  void ifMatch_weakForms_neverMatch() {
    assertThat(Preconditions.ifMatch("W/" + ETAG, ETAG)).isFalse();
    assertThat(Preconditions.ifMatch(ETAG, "W/" + ETAG)).isFalse();
  }

  @Test
  void ifMatch_star_matchesAnyRepresentation_evenOneWithoutTag() {
    assertThat(Preconditions.ifMatch("*", ETAG)).isTrue();
    assertThat(Preconditions.ifMatch("*", null)).isTrue();
    assertThat(Preconditions.ifMatch(ETAG, null)).isFalse();
  }

  // ---- If-Range -----------------------------------------------------------------------------

  @Test
  void rangeApplies_noIfRange_isTrue() {
    assertThat(Preconditions.rangeApplies(null, ETAG, MODIFIED)).isTrue();
  }

  @Test
  void rangeApplies_strongEtagMatches_isTrue() {
    assertThat(rangeApplies(ETAG)).isTrue();
  }

  @Test
  void rangeApplies_strongEtagDiffers_isFalse() {
    assertThat(rangeApplies(OTHER_ETAG)).isFalse();
  }

  @Test
  void rangeApplies_weakEtagOfSameValue_isFalse() {
    // RFC 9110 section 13.1.5: If-Range uses the strong comparison; a weak tag never matches.
    assertThat(rangeApplies("W/" + ETAG)).isFalse();
  }

  @Test
  void rangeApplies_exactLastModifiedDate_isTrue() {
    assertThat(rangeApplies(MODIFIED_DATE)).isTrue();
  }

  @Test
  void rangeApplies_laterDate_isFalse() {
    // RFC 9110 section 13.1.5: dates are compared by exact match, not "earlier than or equal".
    assertThat(rangeApplies(ONE_SECOND_LATER)).isFalse();
  }

  @Test
  void rangeApplies_earlierDate_isFalse() {
    assertThat(rangeApplies(ONE_SECOND_EARLIER)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "", "\"unterminated", "5f1e2d3c4b5a0-4e20", "W/", ETAG + ", " + ETAG})
  void rangeApplies_malformed_isFalse(String value) {
    assertThat(rangeApplies(value)).isFalse();
  }
}
