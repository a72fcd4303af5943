package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;
import java.time.Instant;
import media.edge.config.TokenKey;
import media.edge.server.DemoLibrary;
import media.edge.testing.Await;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream played end to end through edges: ffmpeg's HLS client through an edge in front of an
 * origin (this server, then nginx), and through two tiers (edge, shield, origin), where every
 * segment costs the origin one request however many times it is played; and hls.js in Chromium from
 * one signed master URL through an edge that checks tokens in front of an origin that does not.
 */
class EdgePlaybackTest {
  @RegisterExtension static final TestServer origin = TestServer.create();

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s exited with output:%n%s", command, text).isZero();
    return text;
  }

  private static void play(int port) throws Exception {
    String output =
        run(List.of("ffmpeg", "-v", "error", "-i", "http://127.0.0.1:" + port + "/demo/master.m3u8", "-map", "0", "-f", "null", "-"));
    assertThat(output).isEmpty();
  }

  private static double originSegmentRequests() throws IOException {
    return sum(origin.metrics(), "edge_http_requests_seconds_count{", "kind=\"segment\"");
  }

  /** The sum of the samples on a /metrics page whose lines start with {@code prefix} and contain {@code part}. */
  private static double sum(String metrics, String prefix, String part) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix) && line.contains(part)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** Requests the origin counted since a test began, and requests an edge counted sending it. */
  private record Exchanges(double origin, double edge) {}

  /**
   * Waits until the origin has counted every request {@code edge} sent it since it had counted
   * {@code originBefore}. Both count an exchange when it ends, the origin when its last write
   * completes, which can be after the player read the last byte and exited.
   */
  private static void awaitOriginCounted(EdgeNode edge, double originBefore) {
    Await.value(
        "the origin to count every request the edge sent it",
        () -> new Exchanges(
            sum(origin.metrics(), "edge_http_requests_seconds_count{", "") - originBefore,
            sum(edge.metrics(), "edge_upstream_requests_seconds_count{", "")),
        counted -> counted.origin() == counted.edge());
  }

  @Test
  void ffmpeg_playsThroughAnEdgeTwice_originSeesEachSegmentOnce() throws Exception {
    Tools.require("ffmpeg", "-version");
    try (EdgeNode edge = EdgeNode.start(c -> c, java.net.URI.create("http://127.0.0.1:" + origin.port()))) {
      double before = originSegmentRequests();
      double originBefore = sum(origin.metrics(), "edge_http_requests_seconds_count{", "");
      play(edge.port());
      awaitOriginCounted(edge, originBefore);
      double afterFirst = originSegmentRequests();
      play(edge.port());
      awaitOriginCounted(edge, originBefore);
      double afterSecond = originSegmentRequests();

      assertThat(afterFirst).isGreaterThan(before);
      assertThat(afterSecond).isEqualTo(afterFirst);
      assertThat(edge.metric("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"}")).isPositive();
    }
  }

  @Test
  void ffmpeg_playsThroughEdgeAndShield() throws Exception {
    Tools.require("ffmpeg", "-version");
    java.net.URI originUri = java.net.URI.create("http://127.0.0.1:" + origin.port());
    try (EdgeNode shield = EdgeNode.start(c -> c, originUri);
        EdgeNode edge =
            EdgeNode.start(
                c -> c.withUpstream(c.upstream().withUrls(List.of(originUri), List.of(shield.uri()))), originUri)) {
      play(edge.port());

      assertThat(shield.metric("edge_cache_lookups_total{result=\"miss\",tier=\"memory\"}")).isPositive();
      RawHttp.Response viaBoth = RawHttp.get(edge.port(), "/demo/master.m3u8");
      assertThat(viaBoth.header("via")).contains(shield.server().nodeName()).contains(edge.server().nodeName());
    }
  }

  @Test
  void ffmpeg_playsThroughAnEdgeInFrontOfNginx(@TempDir Path dir) throws Exception {
    Tools.require("ffmpeg", "-version");
    Tools.require("nginx", "-v");
    Path root = dir.resolve("www");
    DemoLibrary.copyTo(root.resolve("demo"));
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, String.join("\n",
        // As root, workers would otherwise run as nobody and could not read the temporary folder.
        "root".equals(System.getProperty("user.name")) ? "user root;" : "",
        "daemon off;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + ";",
        "events { worker_connections 256; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("tmp") + ";",
        "  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    root " + root + ";",
        "    location ~ \\.ts$ { add_header Cache-Control \"public, max-age=31536000, immutable\"; }",
        "  }",
        "}",
        ""));
    Process nginx = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString()).redirectErrorStream(true).start();
    try {
      waitForPort(port);
      try (EdgeNode edge = EdgeNode.start(c -> c, java.net.URI.create("http://127.0.0.1:" + port))) {
        play(edge.port());
        RawHttp.Response segment = RawHttp.get(edge.port(), "/demo/240p/seg_000.ts");
        assertThat(segment.status()).isEqualTo(200);
        assertThat(segment.header("via")).contains(edge.server().nodeName());
      }
    } finally {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The hls.js harness folder, once node, Chromium and its npm packages are there. */
  private static Path hlsJsPlayer() {
    Path player = Path.of("src/test/player").toAbsolutePath();
    Tools.require("node", "--version");
    Tools.require("chromium", "--version");
    Tools.require("test", "-d", player.resolve("node_modules/hls.js").toString());
    return player;
  }

  /** A token for the demo folder, signed with {@code key}, valid one hour. */
  private static String demoToken(String key) {
    return EdgeAuthSigner.builder().keyHex(key).build()
        .sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)).build());
  }

  @Test
  void hlsJsInChromium_playsFromOneSignedMasterUrlThroughATokenCheckingEdge() throws Exception {
    Path player = hlsJsPlayer();
    String key = TokenKeyGenerator.hmacHex(new SecureRandom());
    String token = demoToken(key);
    try (EdgeNode edge =
        EdgeNode.start(
            c -> c.withTokens(c.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("k1", key)))),
            java.net.URI.create("http://127.0.0.1:" + origin.port()))) {
      assertThat(RawHttp.get(edge.port(), "/demo/master.m3u8").status()).isEqualTo(403);
      String url = "http://127.0.0.1:" + edge.port() + TokenQuery.url("/demo/master.m3u8", "hdnts", token);

      Process node =
          new ProcessBuilder("node", "play.mjs", url, "3", "60").directory(player.toFile()).redirectErrorStream(true).start();
      node.getOutputStream().close();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();

      assertThat(output).contains("\"played\":true");
      assertThat(node.exitValue()).isZero();
      assertThat(edge.metric("edge_token_rejections_total{reason=\"missing\"}")).isEqualTo(1);
    }
  }

  /**
   * Issue 13: hls.js with {@code cmcd} on, through a token-checking edge. Its session and content ids are in
   * the access log, and every segment after the first was fetched ahead by the edge from the player's
   * next-object hint: the player's own request joined that fetch or hit what it stored.
   */
  @Test
  void hlsJsWithCmcd_playsThroughAnEdge_andItsNextSegmentsArePrefetched(@TempDir Path dir) throws Exception {
    Path player = hlsJsPlayer();
    String key = TokenKeyGenerator.hmacHex(new SecureRandom());
    String token = demoToken(key);
    Path log = dir.resolve("access.log");
    try (EdgeNode edge =
        EdgeNode.start(
            c -> c.withTokens(c.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("k1", key))))
                .withLog(c.log().withAccess(true, log).withAccessFlush(java.time.Duration.ofMillis(50))),
            java.net.URI.create("http://127.0.0.1:" + origin.port()))) {
      // One rendition, so that every next segment is in the folder of the current one.
      String url = "http://127.0.0.1:" + edge.port() + TokenQuery.url("/demo/240p/index.m3u8", "hdnts", token);
      ProcessBuilder play = new ProcessBuilder("node", "play.mjs", url, "7", "60").directory(player.toFile()).redirectErrorStream(true);
      play.environment().put("HLS_CONFIG", "{\"cmcd\":{\"sessionId\":\"hlsjs-session-1\",\"contentId\":\"demo-title\"}}");
      Process node = play.start();
      node.getOutputStream().close();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();

      assertThat(output).contains("\"played\":true");
      String lines = Await.value("the segments' log lines", () -> Files.exists(log) ? Files.readString(log) : "",
          text -> text.lines().filter(l -> l.contains("seg_00")).count() >= 4);
      List<String> segments = lines.lines().filter(l -> l.contains("/demo/240p/seg_00")).toList();
      assertThat(segments).hasSize(4).allSatisfy(line -> assertThat(line)
          .contains("\"sid\":\"hlsjs-session-1\"").contains("\"cid\":\"demo-title\"").contains("\"sf\":\"h\"")
          .doesNotContain(token).doesNotContain("hdnts"));
      assertThat(segments.subList(0, 3)).as("the next segment named, without the token")
          .allSatisfy(line -> assertThat(line).contains("\"nor\":\"../240p/seg_00"));
      double used = edge.metric("edge_cmcd_prefetch_used_total");
      System.out.printf("hls.js with CMCD: %d segment requests, %.0f prefetched ahead and then used, log: %s%n",
          segments.size(), used, segments);
      assertThat(edge.metric("edge_cmcd_prefetch_started_total")).isEqualTo(3);
      assertThat(used).as("every segment after the first").isEqualTo(3);
      assertThat(edge.metric("edge_cmcd_prefetch_skipped_total{reason=\"refused\"}")).isZero();
    }
  }

  private static void waitForPort(int port) {
    Await.until("nginx to listen on " + port, () -> {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }
}
