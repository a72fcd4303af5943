package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import media.edge.http.SafePath.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Request paths that must never reach the file system, one test per attack, each asserting the
 * exact outcome; then the paths that must work.
 */
class SafePathTest {

  private static void assertRefused(String raw, Outcome outcome) {
    SafePath parsed = SafePath.parse(raw);
    assertThat(parsed.outcome()).isEqualTo(outcome);
    assertThat(parsed.path()).isNull();
  }

  private static SafePath assertAccepted(String raw, String key) {
    SafePath parsed = SafePath.parse(raw);
    assertThat(parsed.outcome()).isEqualTo(Outcome.OK);
    assertThat(parsed.path()).isNotNull();
    assertThat(parsed.path().key()).isEqualTo(key);
    return parsed.path();
  }

  // ---- dot segments -------------------------------------------------------------------------

  @Test
  void parse_dotDot_isBadRequest() {
    assertRefused("/..", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_dotDotTrailingSlash_isBadRequest() {
    assertRefused("/../", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_dotDotInTheMiddle_isBadRequest() {
    assertRefused("/a/../b", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_dotDotClimbingToEtc_isBadRequest() {
    assertRefused("/demo/../../../../etc/passwd", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_singleDot_isBadRequest() {
    assertRefused("/a/./b", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedDotDotLowerCase_isBadRequest() {
    assertRefused("/%2e%2e", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedDotDotMixedCaseWithSlash_isBadRequest() {
    assertRefused("/%2E%2e/", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_halfEncodedDotDot_isBadRequest() {
    assertRefused("/.%2e", Outcome.BAD_REQUEST);
    assertRefused("/%2e./etc/passwd", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedSingleDot_isBadRequest() {
    assertRefused("/a/%2e/b", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_doubleEncodedDotDot_isDecodedOnceAndStaysLiteral() {
    // %252e decodes to the three characters "%2e", a harmless file name; it is never decoded twice.
    assertAccepted("/%252e%252e/x", "%2e%2e/x");
  }

  // ---- encoded and raw separators -----------------------------------------------------------

  @Test
  void parse_encodedSlashLowerCase_isBadRequest() {
    assertRefused("/a%2fb", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedSlashUpperCase_isBadRequest() {
    assertRefused("/a%2Fb", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedDotDotSlashTraversal_isBadRequest() {
    assertRefused("/..%2f..%2fetc%2fpasswd", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedBackslash_isBadRequest() {
    assertRefused("/a%5cb", Outcome.BAD_REQUEST);
    assertRefused("/..%5C..%5Cwindows", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_rawBackslash_isBadRequest() {
    assertRefused("/a\\b", Outcome.BAD_REQUEST);
    assertRefused("/..\\..\\etc", Outcome.BAD_REQUEST);
  }

  // ---- NUL and control characters -----------------------------------------------------------

  @Test
  void parse_encodedNul_isBadRequest() {
    assertRefused("/seg.ts%00.m3u8", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_rawNul_isBadRequest() {
    assertRefused("/seg.ts\u0000.m3u8", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_rawControlCharacters_areBadRequest() {
    assertRefused("/a\tb", Outcome.BAD_REQUEST);
    assertRefused("/a\nb", Outcome.BAD_REQUEST);
    assertRefused("/a\rb", Outcome.BAD_REQUEST);
    assertRefused("/a\u001fb", Outcome.BAD_REQUEST);
    assertRefused("/a\u007fb", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedControlCharacters_areBadRequest() {
    assertRefused("/a%0ab", Outcome.BAD_REQUEST);
    assertRefused("/a%0Db", Outcome.BAD_REQUEST);
    assertRefused("/a%1fb", Outcome.BAD_REQUEST);
    assertRefused("/a%7Fb", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_encodedC1Control_isBadRequest() {
    // Regression (fixed): SafePath promises "no control characters" (class Javadoc) and decode() "any control
    // character ... before or after decoding", but only bytes < 0x20 and 0x7f are checked, so the
    // UTF-8 encoding of U+0080..U+009F (here U+0085 NEXT LINE, %C2%85) is accepted into the key.
    // Fix: at the end of SafePath.decode, after the UTF-8 decode, reject the result when any
    // char satisfies Character.isISOControl(c) (covers U+0000..U+001F and U+007F..U+009F), e.g.
    //     String text = ...decode(...).toString();
    //     return text.chars().anyMatch(Character::isISOControl) ? null : text;
    assertRefused("/a%C2%85b.ts", Outcome.BAD_REQUEST);
  }

  // ---- malformed escapes and UTF-8 ----------------------------------------------------------

  @Test
  void parse_nonHexEscape_isBadRequest() {
    assertRefused("/%zz", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_truncatedEscape_isBadRequest() {
    assertRefused("/%4", Outcome.BAD_REQUEST);
    assertRefused("/a%", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_signedHexEscape_isBadRequest() {
    assertRefused("/a%+1b", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_invalidUtf8_isBadRequest() {
    assertRefused("/%c3%28", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_loneContinuationByte_isBadRequest() {
    assertRefused("/%80", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_overlongUtf8DotDot_isBadRequest() {
    assertRefused("/%c0%ae%c0%ae", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_overlongUtf8Slash_isBadRequest() {
    assertRefused("/..%c0%af..%c0%afetc", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_utf8EncodedSurrogate_isBadRequest() {
    assertRefused("/%ed%a0%80.ts", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_rawNonAscii_isBadRequest() {
    assertRefused("/café.ts", Outcome.BAD_REQUEST);
    assertRefused("/\u2025/etc", Outcome.BAD_REQUEST);
  }

  // ---- hidden files -------------------------------------------------------------------------

  @Test
  void parse_gitConfig_isHidden() {
    assertRefused("/.git/config", Outcome.HIDDEN);
  }

  @Test
  void parse_dotEnv_isHidden() {
    assertRefused("/.env", Outcome.HIDDEN);
  }

  @Test
  void parse_hiddenMiddleSegment_isHidden() {
    assertRefused("/a/.hidden/b", Outcome.HIDDEN);
  }

  @Test
  void parse_percentEncodedHiddenSegment_isHidden() {
    assertRefused("/%2egit/config", Outcome.HIDDEN);
  }

  @Test
  void parse_threeDots_isHidden() {
    assertRefused("/...", Outcome.HIDDEN);
  }

  // ---- root and structure -------------------------------------------------------------------

  @Test
  void parse_root_isNotFound() {
    assertRefused("/", Outcome.NOT_FOUND);
  }

  @Test
  void parse_onlySlashes_isNotFound() {
    assertRefused("///", Outcome.NOT_FOUND);
  }

  @Test
  void parse_pathWithoutLeadingSlash_isBadRequest() {
    assertRefused("a/b.ts", Outcome.BAD_REQUEST);
    assertRefused("%2fetc/passwd", Outcome.BAD_REQUEST);
  }

  @Test
  void parse_empty_isBadRequest() {
    assertRefused("", Outcome.BAD_REQUEST);
  }

  // ---- accepted paths -----------------------------------------------------------------------

  @Test
  void parse_ordinaryPath_isKeyWithoutLeadingSlash() {
    SafePath path = assertAccepted("/demo/240p/seg_000.ts", "demo/240p/seg_000.ts");

    assertThat(path.fileName()).isEqualTo("seg_000.ts");
    assertThat(path).hasToString("demo/240p/seg_000.ts");
  }

  @Test
  void parse_emptySegments_areMerged() {
    assertAccepted("//a//b", "a/b");
  }

  @Test
  void parse_trailingSlash_namesAFolderNotTheFile() {
    assertThat(SafePath.parse("/a/b/").outcome()).isEqualTo(SafePath.Outcome.NOT_FOUND);
  }

  @Test
  void parse_percentEncodedUtf8_isDecoded() {
    SafePath path = assertAccepted("/caf%C3%A9.ts", "café.ts");

    assertThat(path.fileName()).isEqualTo("café.ts");
  }

  @Test
  void parse_lowerCaseHexEscape_isDecoded() {
    assertAccepted("/caf%c3%a9.ts", "café.ts");
  }

  @Test
  void parse_fourByteUtf8_isDecoded() {
    assertAccepted("/%F0%9F%8E%AC/seg.ts", "\uD83C\uDFAC/seg.ts");
  }

  @Test
  void parse_encodedSpaceAndPercent_areDecoded() {
    assertAccepted("/my%20show/100%25.ts", "my show/100%.ts");
  }

  @Test
  void parse_dotInsideName_isNotHidden() {
    assertAccepted("/a.b/c..d.ts", "a.b/c..d.ts");
  }

  @Test
  void fileName_singleSegment_isWholeKey() {
    assertThat(assertAccepted("/master.m3u8", "master.m3u8").fileName()).isEqualTo("master.m3u8");
  }

  @Test
  void fileName_nestedPath_isLastSegment() {
    assertThat(assertAccepted("/demo/360p/index.m3u8", "demo/360p/index.m3u8").fileName()).isEqualTo("index.m3u8");
  }
}
