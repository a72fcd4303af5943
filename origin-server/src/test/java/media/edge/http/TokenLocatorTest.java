package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import media.edge.http.TokenLocator.Located;
import media.edge.http.TokenLocator.Source;
import org.junit.jupiter.api.Test;

class TokenLocatorTest {
  private static final String TOKEN = "exp=1700000000~acl=/demo/*~hmac=abc123";
  private final TokenLocator locator = new TokenLocator("hdnts", List.of("query", "cookie", "header"));

  private Located locate(String uri, String... headers) {
    return locator.locate(RequestTarget.path(uri), Requests.get(uri, headers));
  }

  @Test
  void locate_queryParameter_isFoundAndDecoded() {
    Located located = locate("/demo/a.m3u8?x=1&hdnts=exp=1700000000~acl=%2Fdemo%2F*~hmac=abc123&y=2");

    assertThat(located.token()).isEqualTo(TOKEN);
    assertThat(located.source()).isEqualTo(Source.QUERY);
    assertThat(located.path()).isEqualTo("/demo/a.m3u8");
  }

  @Test
  void locate_similarlyNamedParameter_isNotTheToken() {
    Located located = locate("/a.ts?xhdnts=1&hdntsx=2");

    assertThat(located.token()).isNull();
    assertThat(located.malformed()).isFalse();
  }

  @Test
  void locate_cookie_whenNoQueryToken() {
    Located located = locate("/a.ts", "Cookie", "other=1; hdnts=" + TOKEN);

    assertThat(located.token()).isEqualTo(TOKEN);
    assertThat(located.source()).isEqualTo(Source.COOKIE);
  }

  @Test
  void locate_header_comesLastInTheDefaultOrder() {
    Located located = locate("/a.ts?hdnts=" + TOKEN, "hdnts", "other");

    assertThat(located.source()).isEqualTo(Source.QUERY);
    assertThat(locate("/a.ts", "hdnts", TOKEN).source()).isEqualTo(Source.HEADER);
  }

  @Test
  void locate_configuredOrder_isHonoured() {
    TokenLocator headerFirst = new TokenLocator("hdnts", List.of("header", "query"));

    Located located =
        headerFirst.locate("/a.ts", Requests.get("/a.ts?hdnts=fromquery", "hdnts", "fromheader"));

    assertThat(located.token()).isEqualTo("fromheader");
  }

  @Test
  void locate_unconfiguredSource_isIgnored() {
    TokenLocator queryOnly = new TokenLocator("hdnts", List.of("query"));

    assertThat(queryOnly.locate("/a.ts", Requests.get("/a.ts", "hdnts", TOKEN)).token()).isNull();
  }

  @Test
  void locate_pathPrefix_isStrippedFromThePath() {
    Located located = locate("/hdnts=exp=1700000000~acl=%2Fdemo%2F*~hmac=abc123/demo/240p/seg.ts");

    assertThat(located.token()).isEqualTo(TOKEN);
    assertThat(located.source()).isEqualTo(Source.PATH);
    assertThat(located.path()).isEqualTo("/demo/240p/seg.ts");
  }

  @Test
  void locate_badEscapeOrControlCharacter_isMalformed() {
    assertThat(locate("/a.ts?hdnts=exp%zz").malformed()).isTrue();
    assertThat(locate("/a.ts?hdnts=exp%00").malformed()).isTrue();
    assertThat(locate("/a.ts?hdnts=").malformed()).isTrue();
  }

  @Test
  void locate_utf8EscapedData_isDecoded() {
    assertThat(locate("/a.ts?hdnts=data=caf%C3%A9").token()).isEqualTo("data=café");
    assertThat(locate("/a.ts?hdnts=data=%C3%28").malformed()).isTrue();
  }

  @Test
  void locate_oversizedToken_isMalformed() {
    assertThat(locate("/a.ts?hdnts=" + "a".repeat(5000)).malformed()).isTrue();
  }
}
