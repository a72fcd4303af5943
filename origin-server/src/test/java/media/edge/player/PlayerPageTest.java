package media.edge.player;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import media.edge.config.TokenKey;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The player page with tokens required, as the demo serves it: the page and hls.js answer without a
 * token, like any representation (validators, HEAD, ranges, gzip), while the library stays behind its
 * tokens; the page opens with the demo's signed URL and links to the bound admin port.
 */
class PlayerPageTest {
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());
  private static final Pattern SOURCE = Pattern.compile("\"source\":\"([^\"]+)\"");

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
              c -> c.withTokens(c.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("demo", KEY))))
                  .withHttp(c.http().withPlayerPage(true)),
              root -> {})
          .playing("/demo/master.m3u8");

  private static byte[] hlsMinJs() throws IOException {
    try (InputStream in = PlayerPage.class.getClassLoader().getResourceAsStream(PlayerPage.hlsScriptPath())) {
      return in.readAllBytes();
    }
  }

  private static String signed(String path) {
    String token = EdgeAuthSigner.builder().keyHex(KEY).build()
        .sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(600)).build());
    return TokenQuery.url(path, "hdnts", token);
  }

  @Test
  void page_withTokensRequired_isServedWithoutAToken() throws IOException {
    Response page = RawHttp.get(server.port(), "/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.header("cache-control")).isEqualTo("private, no-cache");
    assertThat(page.header("referrer-policy")).isEqualTo("no-referrer");
    assertThat(page.header("etag")).matches("\"[0-9a-f]{24}\"");
    assertThat(page.header("x-cache")).as("not a library answer").isNull();
    assertThat(page.text()).contains("<video", "/_player/hls.min.js");
    assertThat(RawHttp.get(server.port(), "/demo/master.m3u8").status()).as("the library still wants a token").isEqualTo(403);
  }

  @Test
  void page_opensWithTheSignedDemoUrl_whichPlays() throws IOException {
    Matcher source = SOURCE.matcher(RawHttp.get(server.port(), "/").text());

    assertThat(source.find()).isTrue();
    assertThat(source.group(1)).startsWith("/demo/master.m3u8?hdnts=").isEqualTo(server.server().playUrl());
    Response master = RawHttp.get(server.port(), source.group(1));
    assertThat(master.status()).isEqualTo(200);
    assertThat(master.text()).startsWith("#EXTM3U").contains("?hdnts=");
  }

  @Test
  void page_linksToTheBoundAdminPort() throws IOException {
    String page = RawHttp.get(server.port(), "/").text();

    assertThat(page).contains("\"metricsHost\":\"127.0.0.1\",\"metricsPort\":" + server.adminPort() + ",");
    assertThat(RawHttp.get(server.adminPort(), "/metrics").status()).isEqualTo(200);
  }

  @Test
  void page_securityPolicy_runsOnlyItsOwnInlineScript() throws Exception {
    Response page = RawHttp.get(server.port(), "/");
    String html = page.text();
    int open = html.indexOf("<script>") + "<script>".length();
    String inline = html.substring(open, html.indexOf("</script>", open));
    String hash = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8)));

    assertThat(page.header("content-security-policy"))
        .contains("default-src 'none'", "script-src 'self' 'sha256-" + hash + "'", "frame-ancestors 'none'");
  }

  @Test
  void script_isHlsJsFromTheJar_withTypeAndValidators() throws IOException {
    Response script = RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH);

    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(script.header("cache-control")).isEqualTo("public, max-age=86400");
    assertThat(script.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(script.header("etag")).matches("\"[0-9a-f]{24}\"");
    assertThat(script.header("content-encoding")).isNull();
    assertThat(script.body()).isEqualTo(hlsMinJs());
  }

  @Test
  void script_toAGzipClient_isItsStoredGzipForm() throws IOException {
    Response plain = RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH);
    Response gzip = RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH, "Accept-Encoding: gzip, br");

    assertThat(gzip.status()).isEqualTo(200);
    assertThat(gzip.header("content-encoding")).isEqualTo("gzip");
    assertThat(gzip.header("vary")).isEqualTo("accept-encoding");
    assertThat(gzip.header("etag")).isEqualTo("W/" + plain.header("etag"));
    assertThat(gzip.body().length).isLessThan(plain.body().length / 2);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain.body());
    }
  }

  @Test
  void page_conditionalHeadAndRange_answerAsForAnyRepresentation() throws IOException {
    Response page = RawHttp.get(server.port(), "/");
    Response script = RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH);

    assertThat(RawHttp.get(server.port(), "/", "If-None-Match: " + page.header("etag")).status()).isEqualTo(304);
    Response head = RawHttp.request(server.port(), "HEAD", PlayerPage.SCRIPT_PATH);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("content-length")).isEqualTo(Integer.toString(script.body().length));
    Response range = RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH, "Range: bytes=0-9");
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("content-range")).isEqualTo("bytes 0-9/" + script.body().length);
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOf(script.body(), 10));
  }

  @Test
  void page_otherMethods_get405() throws IOException {
    Response delete = RawHttp.request(server.port(), "DELETE", "/");

    assertThat(delete.status()).isEqualTo(405);
    assertThat(delete.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
  }

  @Test
  void page_onlyAtItsExactPaths_othersGoThroughTheLibraryRules() throws IOException {
    assertThat(RawHttp.get(server.port(), "/%5Fplayer/hls.min.js").status()).isEqualTo(403);
    assertThat(RawHttp.get(server.port(), "/_player/other.js").status()).isEqualTo(403);
    assertThat(RawHttp.get(server.port(), "//").status()).isEqualTo(404);
  }

  @Test
  void segments_sayWhereTheirBodyCameFrom_diskThenMemory() throws IOException {
    String segment = signed("/demo/360p/seg_002.ts");

    Response first = RawHttp.get(server.port(), segment);
    Response second = RawHttp.get(server.port(), segment);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().get("x-cache")).containsExactly("disk");
    assertThat(second.headers().get("x-cache")).containsExactly("memory");
    assertThat(second.header("access-control-expose-headers")).contains("X-Cache");
  }
}
