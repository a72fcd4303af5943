package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import media.edge.server.DemoLibrary;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: CMCD through a real edge in front of a real upstream serving the ffmpeg-made demo title. A
 * player's CMCD never splits the cache and never leaves the edge; it is logged, counted, adds up on
 * {@code /audience}, and its next-object hint turns the next segment into a hit.
 */
class EdgeCmcdTest {
  private static final String TS = "video/mp2t";
  private static TestUpstream upstream;
  private static Path demo;
  private static int run;
  private EdgeNode edge;
  private Path log;
  private String folder;

  @BeforeAll
  static void startUpstream(@TempDir Path dir) throws IOException {
    demo = dir.resolve("demo");
    DemoLibrary.copyTo(demo);
    upstream = TestUpstream.start();
  }

  @AfterAll
  static void stopUpstream() throws IOException {
    upstream.close();
  }

  /** Each test its own folder on the shared upstream, so that counts per path are its own. */
  @BeforeEach
  void startEdge(@TempDir Path dir) throws Exception {
    folder = "/t" + (++run) + "/240p/";
    for (int i = 0; i < 4; i++) {
      byte[] segment = Files.readAllBytes(demo.resolve("240p/seg_00" + i + ".ts"));
      upstream.on(folder + "seg_00" + i + ".ts", TestUpstream.ok(segment, "Content-Type", TS, "Cache-Control", "max-age=60"));
    }
    log = dir.resolve("access.log");
    edge = EdgeNode.start(c -> c.withLog(c.log().withAccess(true, log).withAccessFlush(Duration.ofMillis(20))), upstream.uri());
  }

  @AfterEach
  void stopEdge() {
    edge.close();
  }

  private static String cmcd(String dictionary) {
    return "CMCD=" + URLEncoder.encode(dictionary, StandardCharsets.UTF_8);
  }

  private String segment(int i) {
    return folder + "seg_00" + i + ".ts";
  }

  @Test
  void twoViewersWithDifferentCmcd_oneUpstreamFetch_andTheUpstreamSeesNoCmcd() throws Exception {
    RawHttp.Response first = RawHttp.get(edge.port(), segment(1) + "?" + cmcd("br=3200,bl=4000,ot=v,sid=\"viewer-a\""));
    RawHttp.Response second = RawHttp.get(edge.port(), segment(1) + "?lang=nl&" + cmcd("br=800,bl=12000,ot=v,sid=\"viewer-b\""),
        "CMCD-Session: sid=\"viewer-b\",cid=\"faultless\"", "CMCD-Request: bl=12000");
    RawHttp.Response third = RawHttp.get(edge.port(), segment(1) + "?lang=nl",
        "CMCD-Session: sid=\"viewer-c\"", "CMCD-Object: br=800,ot=v");

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(third.body()).isEqualTo(first.body());
    // lang=nl is a parameter the edge does not know: kept in the key (nothing unknown collapses two objects)
    assertThat(upstream.count(segment(1))).isEqualTo(2);
    for (TestUpstream.Request asked : upstream.requests()) {
      if (asked.path().equals(segment(1))) {
        assertThat(asked.target()).doesNotContainIgnoringCase("cmcd");
        assertThat(asked.headers().keySet()).noneMatch(name -> name.startsWith("cmcd"));
      }
    }
    assertThat(edge.metric("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"}")).isEqualTo(1);
  }

  @Test
  void accessLog_hasTheCmcdObject_typed() throws Exception {
    RawHttp.get(edge.port(), segment(0) + "?" + cmcd("br=3200,bl=21300,ot=v,pr=1.5,su,sid=\"6e2fb550\",sf=h,com.example-x=(1 2)"),
        "CMCD-Session: cid=\"faultless-s01e02\"");

    String line = Await.value("the access log line", () -> Files.exists(log) ? Files.readString(log) : "", text -> text.contains("cmcd"));

    assertThat(line).contains("\"path\":\"" + segment(0) + "\"")
        .contains("\"cmcd\":{\"br\":3200,\"bl\":21300,\"ot\":\"v\",\"pr\":1.5,\"su\":true,\"sid\":\"6e2fb550\",\"sf\":\"h\","
            + "\"com.example-x\":[1,2],\"cid\":\"faultless-s01e02\"}");
  }

  @Test
  void audience_threeSessionsOnTwoTitles() throws Exception {
    RawHttp.get(edge.port(), segment(0) + "?" + cmcd("sid=\"viewer-one\",cid=\"news-19h\",br=1000,ot=v"));
    RawHttp.get(edge.port(), segment(1) + "?" + cmcd("sid=\"viewer-one\",cid=\"news-19h\",br=3000,ot=v"));
    RawHttp.get(edge.port(), segment(0), "CMCD-Session: sid=\"viewer-two\",cid=\"news-19h\"", "CMCD-Object: br=1000,ot=v",
        "CMCD-Status: bs");
    RawHttp.get(edge.port(), segment(0), "CMCD-Session: sid=\"viewer-three\",cid=\"match-of-the-day\"", "CMCD-Object: br=6000,ot=av");

    RawHttp.Response audience = RawHttp.get(edge.adminPort(), "/audience");

    assertThat(audience.status()).isEqualTo(200);
    assertThat(audience.header("content-type")).isEqualTo("application/json");
    assertThat(audience.text())
        .contains("\"window_seconds\":30,\"active_sessions\":3,\"titles_total\":2,\"capped\":false")
        .contains("{\"cid\":\"news-19h\",\"sessions\":2,\"mean_bitrate_kbps\":2000,\"rebuffering_share\":0.5}")
        .contains("{\"cid\":\"match-of-the-day\",\"sessions\":1,\"mean_bitrate_kbps\":6000,\"rebuffering_share\":0.0}")
        .doesNotContain("viewer").doesNotContain("127.0.0.1");
    assertThat(edge.metric("edge_cmcd_sessions_active")).isEqualTo(3);
    assertThat(edge.metric("edge_cmcd_rebuffering_requests_total")).isEqualTo(1);
  }

  @Test
  void prefetch_nextSegmentIsFetchedBeforeThePlayerAsks_andItsRequestIsAHit() throws Exception {
    RawHttp.Response current = RawHttp.get(edge.port(),
        segment(1) + "?" + cmcd("bl=6000,br=800,ot=v,sid=\"p\",nor=\"" + URLEncoder.encode("seg_002.ts", StandardCharsets.UTF_8) + "\""));
    assertThat(current.status()).isEqualTo(200);

    Await.until("the next segment fetched ahead", () -> upstream.count(segment(2)) == 1);
    Await.metric(edge, "edge_cmcd_prefetch_started_total", 1);
    Await.metric(edge, "edge_cmcd_prefetch_in_flight", 0);
    RawHttp.Response next = RawHttp.get(edge.port(), segment(2) + "?" + cmcd("bl=9000,ot=v,sid=\"p\""));

    assertThat(next.status()).isEqualTo(200);
    assertThat(next.body()).isEqualTo(Files.readAllBytes(demo.resolve("240p/seg_002.ts")));
    assertThat(upstream.count(segment(2))).isEqualTo(1);
    assertThat(edge.metric("edge_cmcd_prefetch_used_total")).isEqualTo(1);
    assertThat(edge.metric("edge_cmcd_prefetch_failed_total")).isZero();
    assertThat(Await.value("the log line", () -> Files.exists(log) ? Files.readString(log) : "",
        text -> text.lines().filter(l -> l.contains(segment(2))).count() == 1))
        .contains("\"path\":\"" + segment(2) + "\",\"status\":200").contains("\"cache\":\"memory\"");
  }

  @Test
  void prefetch_nextSegmentAlreadyCached_skipped() throws Exception {
    RawHttp.get(edge.port(), segment(2));
    RawHttp.get(edge.port(), segment(1) + "?" + cmcd("bl=6000,nor=\"seg_002.ts\""));

    Await.metric(edge, "edge_cmcd_prefetch_skipped_total{reason=\"cached\"}", 1);
    assertThat(upstream.count(segment(2))).isEqualTo(1);
  }

  @Test
  void prefetch_fullBuffer_skipped() throws Exception {
    RawHttp.get(edge.port(), segment(1) + "?" + cmcd("bl=30000,nor=\"seg_002.ts\""));

    Await.metric(edge, "edge_cmcd_prefetch_skipped_total{reason=\"buffer_full\"}", 1);
    assertThat(upstream.count(segment(2))).isZero();
  }

  @Test
  void prefetch_escapesAndOtherHosts_refusedAndNeverFetched() throws Exception {
    List<String> hints = List.of("../360p/seg_002.ts", "..%2F360p%2Fseg_002.ts", "%2e%2e/360p/seg_002.ts", "../../t1/240p/seg_002.ts",
        "https://evil.example/seg_002.ts", "//evil.example/seg_002.ts", "/t1/240p/seg_002.ts", "sub/%2e%2e/%2e%2e/x.ts");
    for (String hint : hints) {
      RawHttp.Response answer =
          RawHttp.get(edge.port(), segment(1), "CMCD-Request: nor=\"" + URLEncoder.encode(hint, StandardCharsets.UTF_8) + "\"");
      assertThat(answer.status()).isEqualTo(200);
    }

    Await.metric(edge, "edge_cmcd_prefetch_skipped_total{reason=\"refused\"}", hints.size());
    assertThat(edge.metric("edge_cmcd_prefetch_started_total")).isZero();
    assertThat(upstream.requests()).noneMatch(r -> r.target().contains("360p") || r.target().contains("evil") || r.target().endsWith("x.ts"));
  }

  @Test
  void malformedCmcd_servedNormallyAndCounted() throws Exception {
    List<String> queries = List.of("CMCD=", "CMCD=" + "x".repeat(5000), "CMCD=sid%3D%22unterminated", "CMCD=%2C%2C%2C%3D",
        "CMCD=%ZZ", "CMCD=br%3D%22fast%22");
    for (String query : queries) {
      assertThat(RawHttp.get(edge.port(), segment(3) + "?" + query).status()).as(query).isEqualTo(200);
    }
    List<String> headers = List.of("CMCD-Request: ,,,=", "CMCD-Session: sid=\"" + "y".repeat(5000) + "\"",
        "CMCD-Object: ot=v;;", "CMCD-Status: bs=maybe");
    for (String header : headers) {
      assertThat(RawHttp.get(edge.port(), segment(3), header).status()).as(header).isEqualTo(200);
    }

    assertThat(edge.metric("edge_cmcd_malformed_total{reason=\"syntax\"}")).isEqualTo(5);
    assertThat(edge.metric("edge_cmcd_malformed_total{reason=\"too_long\"}")).isEqualTo(2);
    assertThat(edge.metric("edge_cmcd_malformed_total{reason=\"value\"}")).isEqualTo(2);
    assertThat(upstream.count(segment(3))).isEqualTo(1);
    assertThat(RawHttp.get(edge.adminPort(), "/healthz").status()).isEqualTo(200);
  }

  @Test
  void corsPreflight_allowsTheFourCmcdHeaders() throws Exception {
    RawHttp.Response asked = RawHttp.request(edge.port(), "OPTIONS", segment(0), "Origin: https://player.example",
        "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: cmcd-request, cmcd-object, cmcd-status, cmcd-session");
    RawHttp.Response bare = RawHttp.request(edge.port(), "OPTIONS", segment(0), "Origin: https://player.example",
        "Access-Control-Request-Method: GET");

    assertThat(asked.status()).isEqualTo(204);
    assertThat(asked.header("access-control-allow-headers")).isEqualTo("cmcd-request, cmcd-object, cmcd-status, cmcd-session");
    assertThat(bare.header("access-control-allow-headers"))
        .contains("CMCD-Request").contains("CMCD-Object").contains("CMCD-Status").contains("CMCD-Session");
  }

  @Test
  void cmcdSwitchedOff_nothingRead_butStillNotInTheKey() throws Exception {
    edge.close();
    edge = EdgeNode.start(c -> c.withCmcd(new media.edge.config.CmcdConfig(false, true, Duration.ofSeconds(30), 64,
        Duration.ofSeconds(30), 1000)), upstream.uri());

    RawHttp.get(edge.port(), segment(1) + "?" + cmcd("sid=\"a\",nor=\"seg_002.ts\""));
    RawHttp.get(edge.port(), segment(1) + "?" + cmcd("sid=\"b\""));

    assertThat(upstream.count(segment(1))).isEqualTo(1);
    assertThat(RawHttp.get(edge.adminPort(), "/audience").status()).isEqualTo(404);
    assertThat(edge.metrics()).doesNotContain("edge_cmcd_");
    assertThat(upstream.count(segment(2))).isZero();
  }
}
