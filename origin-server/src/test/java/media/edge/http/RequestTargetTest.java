package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path of a request target (RFC 9112 section 3.2), with query and fragment dropped. */
class RequestTargetTest {

  @Test
  void path_originForm_isUnchanged() {
    assertThat(RequestTarget.path("/demo/240p/seg_000.ts")).isEqualTo("/demo/240p/seg_000.ts");
  }

  @Test
  void path_root_isSlash() {
    assertThat(RequestTarget.path("/")).isEqualTo("/");
  }

  @Test
  void path_originFormWithQuery_dropsQuery() {
    assertThat(RequestTarget.path("/demo/master.m3u8?token=secret&exp=1")).isEqualTo("/demo/master.m3u8");
  }

  @Test
  void path_originFormWithFragment_dropsFragment() {
    assertThat(RequestTarget.path("/demo/master.m3u8#t=10")).isEqualTo("/demo/master.m3u8");
  }

  @Test
  void path_originFormWithQueryAndFragment_dropsBoth() {
    assertThat(RequestTarget.path("/a/b.ts?x=1#frag")).isEqualTo("/a/b.ts");
    assertThat(RequestTarget.path("/a/b.ts#frag?x=1")).isEqualTo("/a/b.ts");
  }

  @Test
  void path_emptyQuery_isDropped() {
    assertThat(RequestTarget.path("/a?")).isEqualTo("/a");
  }

  @Test
  void path_percentEncoding_isKept() {
    assertThat(RequestTarget.path("/caf%C3%A9.ts?q=%2F")).isEqualTo("/caf%C3%A9.ts");
  }

  @Test
  void path_originFormStartingWithTwoSlashes_isKeptAsPath() {
    // Origin-form, not an authority: "//evil/x" is a path whose empty segment LibraryPath merges.
    assertThat(RequestTarget.path("//evil/x")).isEqualTo("//evil/x");
  }

  @Test
  void path_absoluteFormHttp_isPathOnly() {
    assertThat(RequestTarget.path("http://origin.example/demo/master.m3u8")).isEqualTo("/demo/master.m3u8");
  }

  @Test
  void path_absoluteFormHttpsWithPortAndQuery_isPathOnly() {
    assertThat(RequestTarget.path("https://origin.example:8443/demo/seg.ts?token=abc#x")).isEqualTo("/demo/seg.ts");
  }

  @Test
  void path_absoluteFormSchemeInUpperCase_isPathOnly() {
    assertThat(RequestTarget.path("HTTP://origin.example/a")).isEqualTo("/a");
    assertThat(RequestTarget.path("HttpS://origin.example/a")).isEqualTo("/a");
  }

  @Test
  void path_absoluteFormWithUserinfo_isPathOnly() {
    assertThat(RequestTarget.path("http://user@origin.example/a/b")).isEqualTo("/a/b");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"http://origin.example", "https://origin.example:8443", "http://origin.example?x=1",
        "https://origin.example#frag", "http://"})
  void path_absoluteFormWithoutPath_isSlash(String uri) {
    // RFC 9112 section 3.2.1: an empty path in an absolute URI means "/".
    assertThat(RequestTarget.path(uri)).isEqualTo("/");
  }

  @Test
  void path_asteriskForm_isNull() {
    assertThat(RequestTarget.path("*")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "demo/master.m3u8", "origin.example:443", "ftp://origin.example/a", "file:///etc/passwd",
        "http:/a", "httpx://h/a", "?x=1", "#f", " /a", "\\a"})
  void path_otherTargets_areNull(String uri) {
    assertThat(RequestTarget.path(uri)).isNull();
  }
}
