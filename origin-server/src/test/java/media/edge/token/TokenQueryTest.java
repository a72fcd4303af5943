package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenQueryTest {
  @Test
  void escape_edgeAuthCharacters_stayReadable() {
    assertThat(TokenQuery.escape("exp=1~acl=/vod/*!/subs/*~hmac=ab")).isEqualTo("exp=1~acl=/vod/*!/subs/*~hmac=ab");
  }

  @Test
  void escape_parameterBreakers_areEscaped() {
    assertThat(TokenQuery.escape("data=a&b#c%d+e f")).isEqualTo("data=a%26b%23c%25d%2Be%20f");
  }

  @Test
  void escape_nonAscii_isEscapedAsUtf8AndDecodesBack() {
    String token = "exp=1~data=café 🎬~hmac=ab";

    String escaped = TokenQuery.escape(token);

    assertThat(escaped).contains("caf%C3%A9").contains("%F0%9F%8E%AC");
    assertThat(URLDecoder.decode(escaped.replace("+", "%2B"), StandardCharsets.UTF_8)).isEqualTo(token);
  }

  @Test
  void url_addsTheParameterWithTheRightSeparator() {
    assertThat(TokenQuery.url("http://e/a.m3u8", "hdnts", "exp=1")).isEqualTo("http://e/a.m3u8?hdnts=exp=1");
    assertThat(TokenQuery.url("http://e/a.m3u8?x=1", "hdnts", "exp=1")).isEqualTo("http://e/a.m3u8?x=1&hdnts=exp=1");
  }
}
