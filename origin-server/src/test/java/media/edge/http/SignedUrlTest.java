package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import media.edge.config.TokenKey;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signed URLs end to end: a player given one signed master URL reaches every playlist and segment;
 * a missing, expired, tampered, wrong-ACL or wrong-address token gets 403 at every level, counted by
 * reason; path, cookie and header tokens; exempt prefixes.
 */
class SignedUrlTest {
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());
  private static final EdgeAuthSigner SIGNER = EdgeAuthSigner.builder().keyHex(KEY).build();
  private static final List<String> LEVELS =
      List.of("/demo/master.m3u8", "/demo/240p/index.m3u8", "/demo/240p/seg_001.ts");

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withTokens(
              new media.edge.config.TokenConfig(
                  true, "hdnts", "sha256", List.of(TokenKey.hmac("k1", KEY)), null, "",
                  java.time.Duration.ZERO, List.of("query", "cookie", "header"), List.of("/public/"), true)),
          root -> {
            try {
              Files.createDirectories(root.resolve("public"));
              Files.writeString(root.resolve("public/trailer.txt"), "free\n");
              Files.createDirectories(root.resolve("other"));
              Files.writeString(root.resolve("other/x.ts"), "x");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

  private static String token(TokenClaims.Builder claims) {
    return SIGNER.sign(claims.build());
  }

  private static String demoToken() {
    return token(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)));
  }

  private static String withToken(String path, String token) {
    return TokenQuery.url(path, "hdnts", token);
  }

  private static double rejections(String reason) throws IOException {
    return server.metric("edge_token_rejections_total{reason=\"" + reason + "\"}");
  }

  @Test
  void signedMaster_isServedWithTheTokenOnEveryUriOfOurs() throws IOException {
    String token = demoToken();

    Response master = RawHttp.get(server.port(), withToken("/demo/master.m3u8", token));

    assertThat(master.status()).isEqualTo(200);
    String expected = "?hdnts=" + TokenQuery.escape(token);
    assertThat(master.text()).contains("240p/index.m3u8" + expected).contains("360p/index.m3u8" + expected);
    assertThat(master.header("cache-control")).startsWith("private");
    assertThat(master.header("etag")).startsWith("W/\"");
    assertThat(Integer.parseInt(master.header("content-length"))).isEqualTo(master.body().length);
  }

  @Test
  void rewriting_isPerResponse_theCachedPlaylistStaysTokenFree() throws IOException {
    String first = demoToken();
    String second = token(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(7200)));

    String a = RawHttp.get(server.port(), withToken("/demo/240p/index.m3u8", first)).text();
    String b = RawHttp.get(server.port(), withToken("/demo/240p/index.m3u8", second)).text();

    assertThat(a).contains(TokenQuery.escape(first)).doesNotContain(TokenQuery.escape(second));
    assertThat(b).contains(TokenQuery.escape(second)).doesNotContain(TokenQuery.escape(first));
    String onDisk = Files.readString(server.root().resolve("demo/240p/index.m3u8"));
    assertThat(b.replace("?hdnts=" + TokenQuery.escape(second), "")).isEqualTo(onDisk);
  }

  @Test
  void oneConnection_changingTokenOrHost_getsItsOwnTokenEachTime() throws IOException {
    String first = demoToken();
    String second = token(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(7200)));
    String path = "/demo/master.m3u8";

    try (RawHttp connection = RawHttp.connect(server.port())) {
      connection.send("GET", withToken(path, first));
      String a = connection.read(false).text();
      connection.send("GET", withToken(path, second));
      String b = connection.read(false).text();
      connection.sendRaw("GET " + withToken(path, second) + " HTTP/1.1\r\nHost: other.example\r\n\r\n");
      String c = connection.read(false).text();
      connection.send("GET", withToken(path, first));
      String d = connection.read(false).text();

      assertThat(a).contains(TokenQuery.escape(first)).doesNotContain(TokenQuery.escape(second)).isEqualTo(d);
      assertThat(b).contains(TokenQuery.escape(second)).doesNotContain(TokenQuery.escape(first));
      assertThat(c).contains(TokenQuery.escape(second));
    }
  }

  @Test
  void signedPlaylistRevalidation_keepsItsPerViewerHeaders() throws IOException {
    String url = withToken("/demo/master.m3u8", demoToken());
    String etag = RawHttp.get(server.port(), url).header("etag");

    Response notModified = RawHttp.get(server.port(), url, "If-None-Match: " + etag);

    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("etag")).isEqualTo(etag);
    assertThat(notModified.header("cache-control")).startsWith("private");
  }

  @Test
  void everyLevel_withAValidToken_is200() throws IOException {
    String token = demoToken();
    for (String path : LEVELS) {
      assertThat(RawHttp.get(server.port(), withToken(path, token)).status()).as(path).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"missing", "expired", "bad_signature", "acl_mismatch", "ip_mismatch", "malformed", "not_yet_valid"})
  void everyLevel_withABadToken_is403AndCounted(String reason) throws IOException {
    String good = demoToken();
    String bad;
    switch (reason) {
      case "missing":
        bad = null;
        break;
      case "expired":
        bad = token(TokenClaims.acl("/demo/*").expires(Instant.now().minusSeconds(60)));
        break;
      case "bad_signature":
        char last = good.charAt(good.length() - 1);
        bad = good.substring(0, good.length() - 1) + (last == '0' ? '1' : '0');
        break;
      case "acl_mismatch":
        bad = token(TokenClaims.acl("/other/*").expires(Instant.now().plusSeconds(3600)));
        break;
      case "ip_mismatch":
        bad = token(TokenClaims.acl("/demo/*").ip("203.0.113.9").expires(Instant.now().plusSeconds(3600)));
        break;
      case "not_yet_valid":
        bad = token(TokenClaims.acl("/demo/*").startTime(Instant.now().plusSeconds(600).getEpochSecond())
            .expires(Instant.now().plusSeconds(3600)));
        break;
      default:
        bad = "this-is-not-a-token";
    }
    double before = rejections(reason);

    for (String path : LEVELS) {
      Response response = RawHttp.get(server.port(), bad == null ? path : withToken(path, bad));
      assertThat(response.status()).as(path).isEqualTo(403);
      assertThat(response.text()).isEqualTo("403 Forbidden\n");
    }

    assertThat(rejections(reason)).isEqualTo(before + LEVELS.size());
  }

  @Test
  void tokenForTheRightAddress_isAccepted() throws IOException {
    String token = token(TokenClaims.acl("/demo/*").ip("127.0.0.1").expires(Instant.now().plusSeconds(3600)));

    assertThat(RawHttp.get(server.port(), withToken("/demo/master.m3u8", token)).status()).isEqualTo(200);
  }

  @Test
  void aclCannotBeWalkedAroundWithEncodedDots() throws IOException {
    String token = demoToken();

    Response response = RawHttp.get(server.port(), withToken("/demo/%2e%2e/other/x.ts", token));

    assertThat(response.status()).isEqualTo(400);
    assertThat(RawHttp.get(server.port(), withToken("/other/x.ts", token)).status()).isEqualTo(403);
  }

  @Test
  void pathToken_relativeUrisInheritIt_andPlaylistsAreNotRewritten() throws IOException {
    String prefix = "/hdnts=" + demoToken().replace("/", "%2F");

    Response master = RawHttp.get(server.port(), prefix + "/demo/master.m3u8");
    Response media = RawHttp.get(server.port(), prefix + "/demo/240p/index.m3u8");
    Response segment = RawHttp.get(server.port(), prefix + "/demo/240p/seg_000.ts");

    assertThat(master.status()).isEqualTo(200);
    assertThat(master.text()).isEqualTo(Files.readString(server.root().resolve("demo/master.m3u8")));
    assertThat(media.status()).isEqualTo(200);
    assertThat(segment.body()).isEqualTo(Files.readAllBytes(server.root().resolve("demo/240p/seg_000.ts")));
  }

  @Test
  void cookieAndHeaderTokens_areAccepted() throws IOException {
    String token = demoToken();

    assertThat(RawHttp.get(server.port(), "/demo/240p/seg_000.ts", "Cookie: hdnts=" + token).status()).isEqualTo(200);
    assertThat(RawHttp.get(server.port(), "/demo/240p/seg_000.ts", "hdnts: " + token).status()).isEqualTo(200);
  }

  @Test
  void setCookie_scopesTheTokenToItsAcl() throws IOException {
    Response master = RawHttp.get(server.port(), withToken("/demo/master.m3u8", demoToken()));

    assertThat(master.header("set-cookie")).startsWith("hdnts=").contains("Path=/demo/").contains("HttpOnly")
        .containsPattern("Max-Age=3[56]\\d\\d");
  }

  @Test
  void exemptPrefix_isServedWithoutAToken() throws IOException {
    assertThat(RawHttp.get(server.port(), "/public/trailer.txt").text()).isEqualTo("free\n");
  }

  @Test
  void ffmpeg_givenOnlyTheSignedMasterUrl_playsEveryRendition() throws Exception {
    Tools.require("ffmpeg", "-version");
    String url = "http://127.0.0.1:" + server.port() + withToken("/demo/master.m3u8", demoToken());

    Process ffmpeg =
        new ProcessBuilder("ffmpeg", "-v", "error", "-i", url, "-map", "0", "-f", "null", "-")
            .redirectErrorStream(true)
            .start();
    ffmpeg.getOutputStream().close();
    String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(output).isEmpty();
    assertThat(ffmpeg.exitValue()).isZero();
  }

  @Test
  void hlsJsInChromium_playsFromOneSignedMasterUrl() throws Exception {
    Path player = Path.of("src/test/player").toAbsolutePath();
    Tools.require("node", "--version");
    Tools.require("chromium", "--version");
    Tools.require("test", "-d", player.resolve("node_modules/hls.js").toString());
    String url = "http://127.0.0.1:" + server.port() + withToken("/demo/master.m3u8", demoToken());

    Process node =
        new ProcessBuilder("node", "play.mjs", url, "3", "60").directory(player.toFile()).redirectErrorStream(true).start();
    node.getOutputStream().close();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(output).contains("\"played\":true");
    assertThat(node.exitValue()).isZero();
  }
}
