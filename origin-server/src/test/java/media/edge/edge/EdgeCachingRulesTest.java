package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import media.edge.httpdate.HttpDate;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RFC 9111 rules one by one, against a real upstream the test scripts and an edge whose clock the
 * test moves. Each upstream answer carries a counter ({@code X-Serial}), so "served from cache" means
 * "the serial did not change". Unit tests of {@code media.edge.httpcache} cover the arithmetic; these
 * check that the server applies it.
 */
class EdgeCachingRulesTest {
  private static TestUpstream upstream;
  private EdgeNode edge;
  private int path;

  @BeforeAll
  static void startUpstream() throws IOException {
    upstream = TestUpstream.start();
  }

  @AfterAll
  static void stopUpstream() throws IOException {
    upstream.close();
  }

  @BeforeEach
  void startEdge() throws Exception {
    edge = EdgeNode.start(c -> c, upstream.uri());
  }

  @AfterEach
  void stopEdge() {
    edge.close();
  }

  /** A fresh path answered with {@code headers} (name, value, ...) and a serial number per request. */
  private String serve(String extension, int status, String... headers) {
    String p = "/rules/" + (++path) + "-" + System.nanoTime() + extension;
    AtomicInteger serial = new AtomicInteger();
    upstream.on(p, (request, out) -> {
      String[] all = new String[headers.length + 2];
      System.arraycopy(headers, 0, all, 0, headers.length);
      all[headers.length] = "X-Serial";
      all[headers.length + 1] = Integer.toString(serial.incrementAndGet());
      out.send(status, ("body of " + p).getBytes(StandardCharsets.US_ASCII), all);
    });
    return p;
  }

  /**
   * One exchange, and then the fill it caused, if any, until it ends: a client can read the whole
   * body before the fill has stored it, and a next request would then join the fill (collapsed
   * forwarding, by design) instead of meeting the stored response the rule under test is about.
   */
  private String serial(String p, String... requestHeaders) throws IOException {
    String serial = RawHttp.get(edge.port(), p, requestHeaders).header("x-serial");
    Await.until("the fill for " + p + " to end", () -> edge.server().edge().inFlight() == 0);
    return serial;
  }

  private void advance(int seconds) {
    edge.clock().advance(Duration.ofSeconds(seconds));
  }

  private String date() {
    return HttpDate.format(edge.clock().millis() / 1000);
  }

  @Test
  void maxAge_freshUntilItsLifetime_thenFetchedAgain() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=10", "Date", date());
    assertThat(serial(p)).isEqualTo("1");
    advance(9);
    assertThat(serial(p)).isEqualTo("1");
    advance(2);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void sMaxage_winsOverMaxAgeInASharedCache() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=1, s-maxage=100", "Date", date());
    serial(p);
    advance(50);
    assertThat(serial(p)).isEqualTo("1");
  }

  @Test
  void expires_givesTheLifetimeWithoutMaxAge() throws Exception {
    String p = serve(".bin", 200, "Date", date(), "Expires", HttpDate.format(edge.clock().millis() / 1000 + 30));
    serial(p);
    advance(20);
    assertThat(serial(p)).isEqualTo("1");
    advance(20);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void ageFromUpstream_shortensTheLifetime() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=60", "Age", "50", "Date", date());
    RawHttp.Response first = RawHttp.get(edge.port(), p);
    assertThat(Integer.parseInt(first.header("age"))).isGreaterThanOrEqualTo(50);
    advance(11);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void noStore_isNeverStored() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "no-store, max-age=60");
    serial(p);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void private_isNeverStoredByThisSharedCache() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "private, max-age=60");
    serial(p);
    assertThat(serial(p)).isEqualTo("2");
  }

  /** Issue 15: a public answer that sets a cookie was stored and its cookie sent to every later viewer. */
  @Test
  void setCookie_isNeverStoredNorSentToAnotherViewer() throws Exception {
    String p = serve(".ts", 200, "Cache-Control", "public, max-age=60", "Set-Cookie", "session=for-the-first-viewer");
    RawHttp.Response first = RawHttp.get(edge.port(), p);
    RawHttp.Response second = RawHttp.get(edge.port(), p);

    assertThat(first.header("set-cookie")).isEqualTo("session=for-the-first-viewer");
    assertThat(first.header("x-serial")).isEqualTo("1");
    assertThat(second.header("x-serial")).as("fetched again, never from cache").isEqualTo("2");
    assertThat(edge.metric("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"}")).isZero();
  }

  @Test
  void requestNoStore_isNotStored() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=60");
    serial(p, "Cache-Control: no-store");
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void noCache_isStoredButRevalidatedOnEveryUse() throws Exception {
    String p = "/rules/nocache-" + System.nanoTime() + ".bin";
    AtomicInteger full = new AtomicInteger();
    upstream.on(p, (request, out) -> {
      if ("\"n1\"".equals(request.header("if-none-match"))) {
        out.send(304, new byte[0], "ETag", "\"n1\"", "Cache-Control", "no-cache");
      } else {
        out.send(200, "x".getBytes(StandardCharsets.US_ASCII), "ETag", "\"n1\"", "Cache-Control", "no-cache",
            "X-Serial", Integer.toString(full.incrementAndGet()));
      }
    });
    serial(p);
    assertThat(serial(p)).isEqualTo("1");
    assertThat(upstream.count(p)).isEqualTo(2);
    assertThat(full.get()).isEqualTo(1);
  }

  @Test
  void mustRevalidate_isNotServedStaleWhenTheUpstreamFails() throws Exception {
    String p = "/rules/mr-" + System.nanoTime() + ".bin";
    AtomicInteger n = new AtomicInteger();
    upstream.on(p, (request, out) -> {
      if (n.incrementAndGet() == 1) {
        out.send(200, "x".getBytes(StandardCharsets.US_ASCII), "Cache-Control", "max-age=1, must-revalidate");
      } else {
        out.send(503, new byte[0]);
      }
    });
    RawHttp.get(edge.port(), p);
    advance(5);
    assertThat(RawHttp.get(edge.port(), p).status()).isEqualTo(503);
  }

  @Test
  void staleWhileRevalidate_servesStaleAtOnceAndRefreshesInTheBackground() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=1, stale-while-revalidate=60");
    serial(p);
    advance(5);
    assertThat(serial(p)).isEqualTo("1");
    Await.until(
        "the background revalidation of " + p + " to reach the upstream and end",
        () -> upstream.count(p) >= 2 && edge.server().edge().inFlight() == 0);
    assertThat(serial(p)).isEqualTo("2");
    assertThat(edge.metric("edge_cache_stale_served_total{reason=\"revalidating\"}")).isEqualTo(1);
  }

  @Test
  void immutable_freshCopyIgnoresAClientReload() throws Exception {
    String p = serve(".ts", 200, "Cache-Control", "max-age=600, immutable");
    serial(p);
    assertThat(serial(p, "Cache-Control: no-cache")).isEqualTo("1");
  }

  @Test
  void requestNoCache_revalidatesAnOrdinaryResponse() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=600");
    serial(p);
    assertThat(serial(p, "Cache-Control: no-cache")).isEqualTo("2");
  }

  @Test
  void onlyIfCached_missIs504() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=600");
    assertThat(RawHttp.get(edge.port(), p, "Cache-Control: only-if-cached").status()).isEqualTo(504);
    assertThat(upstream.count(p)).isZero();
  }

  @Test
  void heuristic_segmentWithoutFreshnessIsKept_otherIsNot() throws Exception {
    String segment = serve(".ts", 200);
    String other = serve(".bin", 200);
    serial(segment);
    serial(other);
    advance(3600);
    assertThat(serial(segment)).isEqualTo("1");
    assertThat(serial(other)).isEqualTo("2");
  }

  @Test
  void notFound_isKeptAtMostTheConfiguredCap_whateverItSays() throws Exception {
    String p = serve(".ts", 404, "Cache-Control", "max-age=3600");
    serial(p);
    assertThat(serial(p)).isEqualTo("1");
    advance(3);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void serverError_isNotStored() throws Exception {
    String p = serve(".ts", 500, "Cache-Control", "max-age=3600");
    serial(p);
    assertThat(serial(p)).isEqualTo("2");
  }

  @Test
  void age_isSentOnAnswersFromCache() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=600", "Date", date());
    serial(p);
    advance(42);
    assertThat(RawHttp.get(edge.port(), p).header("age")).isEqualTo("42");
  }

  @Test
  void conditionalRequestFromClient_isAnswered304FromCache() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=600", "ETag", "\"c1\"");
    serial(p);
    RawHttp.Response notModified = RawHttp.get(edge.port(), p, "If-None-Match: \"c1\"");
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(upstream.count(p)).isEqualTo(1);
  }

  @Test
  void token_neverReachesTheUpstream() throws Exception {
    String p = serve(".ts", 200, "Cache-Control", "max-age=600");
    RawHttp.get(edge.port(), p + "?hdnts=exp%3D1~hmac%3Dabc&v=2", "Cookie: hdnts=secret; other=1", "hdnts: secret");

    TestUpstream.Request seen = upstream.requests().stream().filter(r -> r.path().equals(p)).findFirst().orElseThrow();
    assertThat(seen.target()).isEqualTo(p + "?v=2");
    assertThat(seen.header("cookie")).isEqualTo("other=1");
    assertThat(seen.header("hdnts")).isNull();
    assertThat(seen.header("via")).contains(edge.server().nodeName());
  }

  @Test
  void hopByHopHeaders_areNotForwarded() throws Exception {
    String p = serve(".bin", 200, "Cache-Control", "max-age=600", "Connection", "X-Secret-Hop", "X-Secret-Hop", "1");
    RawHttp.Response response =
        RawHttp.get(edge.port(), p, "Connection: keep-alive, X-Client-Hop", "X-Client-Hop: 1", "Keep-Alive: timeout=5");

    TestUpstream.Request seen = upstream.requests().stream().filter(r -> r.path().equals(p)).findFirst().orElseThrow();
    assertThat(seen.header("x-client-hop")).isNull();
    assertThat(seen.header("keep-alive")).isNull();
    assertThat(response.header("x-secret-hop")).isNull();
  }
}
