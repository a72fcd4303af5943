package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * JSON string escaping of request data in the access log (RFC 8259 section 7). Expected values are
 * written as the exact characters that must appear between the quotes of a JSON string.
 */
class AccessLogTest {

  /** What {@link JsonBytes#string} writes between the quotes, decoded back from its UTF-8. */
  private static String quote(String value) {
    JsonBytes out = new JsonBytes(4);
    out.string(value);
    String quoted = new String(out.array(), 0, out.length(), java.nio.charset.StandardCharsets.UTF_8);
    return quoted.substring(1, quoted.length() - 1);
  }

  @Test
  void quote_plainText_isUnchanged() {
    assertThat(quote("/demo/240p/seg_000.ts")).isEqualTo("/demo/240p/seg_000.ts");
    assertThat(quote("Mozilla/5.0 (X11; Linux x86_64) hls.js/1.5")).isEqualTo("Mozilla/5.0 (X11; Linux x86_64) hls.js/1.5");
    assertThat(quote("")).isEmpty();
  }

  @Test
  void quote_nonAsciiPrintable_isUnchanged() {
    assertThat(quote("café ü €")).isEqualTo("café ü €");
  }

  @Test
  void quote_appendsToExistingContent() {
    JsonBytes out = new JsonBytes(4);
    out.raw("{\"path\":");
    out.string("a\"b");

    assertThat(new String(out.array(), 0, out.length(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"path\":\"a\\\"b\"");
  }

  @Test
  void quote_doubleQuote_isBackslashEscaped() {
    assertThat(quote("say \"hi\"")).isEqualTo("say \\\"hi\\\"");
  }

  @Test
  void quote_backslash_isDoubled() {
    assertThat(quote("a\\b")).isEqualTo("a\\\\b");
  }

  @Test
  void quote_backslashBeforeQuote_cannotCloseTheString() {
    // An attacker's \" must become \\\" so the string does not end early.
    assertThat(quote("\\\"}")).isEqualTo("\\\\\\\"}");
  }

  @Test
  void quote_lineBreaksAndTab_useShortEscapes() {
    assertThat(quote("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
  }

  @Test
  void quote_injectedLogLine_staysOnOneLine() {
    String forged = "x\"}\n{\"status\":200";

    assertThat(quote(forged)).isEqualTo("x\\\"}\\n{\\\"status\\\":200").doesNotContain("\n");
  }

  @Test
  void quote_nul_isUnicodeEscaped() {
    assertThat(quote("a\u0000b")).isEqualTo("a\\u0000b");
  }

  @Test
  void quote_otherC0Controls_areUnicodeEscaped() {
    assertThat(quote("\u0001\u0008\u000b\u000c\u001b\u001f")).isEqualTo("\\u0001\\u0008\\u000b\\u000c\\u001b\\u001f");
  }

  @Test
  void quote_spaceAndTilde_areUnchanged() {
    assertThat(quote(" ~")).isEqualTo(" ~");
  }

  @Test
  void quote_delAndC1Controls_areUnicodeEscaped() {
    assertThat(quote("\u007f\u0080\u0085\u009f")).isEqualTo("\\u007f\\u0080\\u0085\\u009f");
  }

  @Test
  void quote_noBreakSpace_isUnchanged() {
    assertThat(quote("\u00a0")).isEqualTo("\u00a0");
  }

  @Test
  void quote_unicodeLineAndParagraphSeparators_areEscaped() {
    // Valid in JSON, but line breaks to JavaScript and to some log viewers.
    assertThat(quote("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
  }

  @Test
  void quote_everyCharBelowSpace_isEscapedAndNoRawControlRemains() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }

    String quoted = quote(all.toString());

    assertThat(quoted)
        .isEqualTo(
            "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\u000c\\r\\u000e\\u000f"
                + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f")
        .matches("[\\x20-\\x7e]*");
  }
}
