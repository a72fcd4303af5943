package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, "no desync, no poisoning": what an upstream or a client does to one request must never be
 * stored and served to another. A real edge in front of a scripted upstream on loopback.
 */
@Timeout(60)
class EdgePoisoningTest {
  /** A complete, cacheable answer that no honest request asked for. */
  private static final String EVIL =
      "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 4\r\n\r\nEVIL";

  private TestUpstream upstream;
  private EdgeNode edge;

  @AfterEach
  void stop() throws IOException {
    if (edge != null) {
      edge.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static String honest(String path) {
    String body = "real " + path;
    return "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /** Connection 1 runs {@code attack} on its first request; every other request gets {@link #honest}. */
  private void upstreamAttackingFirst(TestUpstream.Script attack) throws Exception {
    upstream = TestUpstream.start(c -> {
      if (c.number() == 1) {
        attack.serve(c);
      }
      for (TestUpstream.Request r; (r = c.read()) != null; ) {
        c.send(honest(r.path()));
      }
    });
    edge = EdgeNode.start(c -> c, upstream.uri());
  }

  @Test
  void upstreamBytesBeyondContentLength_inTheSameWrite_areNeverTheNextAnswer_norStored() throws Exception {
    upstreamAttackingFirst(c -> {
      TestUpstream.Request first = c.read();
      c.send(honest(first.path()) + EVIL);
    });

    get("/a.ts");
    RawHttp.Response next = get("/b.ts");
    RawHttp.Response again = get("/b.ts");
    RawHttp.Response first = get("/a.ts");

    assertThat(next.text()).isEqualTo("real /b.ts");
    assertThat(again.text()).isEqualTo("real /b.ts");
    assertThat(upstream.count("/b.ts")).isEqualTo(1);
    // The answer that ended right before the extra bytes was not kept: it is fetched again.
    assertThat(first.text()).isEqualTo("real /a.ts");
    assertThat(upstream.count("/a.ts")).isEqualTo(2);
    assertThat(edge.metric("edge_upstream_desyncs_total{when=\"after_response\"}")).isEqualTo(1);
  }

  @Test
  void upstreamBytesBeyondContentLength_300msLater_areNeverTheNextAnswer_norStored() throws Exception {
    upstreamAttackingFirst(c -> {
      TestUpstream.Request first = c.read();
      c.send(honest(first.path()));
      Thread.sleep(300); // the attack: extra bytes once the connection is back in the pool
      c.send(EVIL);
    });

    RawHttp.Response first = get("/a.ts");
    Await.metric(edge, "edge_upstream_desyncs_total{when=\"idle\"}", 1);
    RawHttp.Response next = get("/b.ts");
    RawHttp.Response again = get("/b.ts");

    assertThat(first.text()).isEqualTo("real /a.ts");
    assertThat(next.text()).isEqualTo("real /b.ts");
    assertThat(again.text()).isEqualTo("real /b.ts");
    assertThat(upstream.count("/b.ts")).isEqualTo(1);
    assertThat(upstream.accepted()).isEqualTo(2);
  }

  private static final String[] STEERING = {
    "X-Forwarded-Host", "X-Host", "X-Original-Host", "X-Forwarded-Server", "X-Forwarded-Port",
    "X-Forwarded-Prefix", "X-Forwarded-Proto", "X-Forwarded-Scheme", "X-Forwarded-Ssl", "X-Url-Scheme",
    "Front-End-Https", "X-Original-URL", "X-Rewrite-URL", "X-HTTP-Method-Override", "X-HTTP-Method",
    "X-Method-Override", "Forwarded"
  };

  @Test
  void forwardedHostAndFriends_neverReachTheUpstream_soNoReflectedValueIsCachedForOthers() throws Exception {
    upstream = TestUpstream.start();
    // An origin that writes the host it believes it was reached by into a cacheable playlist.
    upstream.on("/live/master.m3u8", (request, out) -> {
      String host = request.header("x-forwarded-host");
      String body = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttp://" + (host == null ? "origin" : host) + "/v.m3u8\n";
      out.send(200, body.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "Cache-Control", "max-age=600");
    });
    edge = EdgeNode.start(c -> c, upstream.uri());
    String[] attack = new String[STEERING.length];
    for (int i = 0; i < STEERING.length; i++) {
      attack[i] = STEERING[i] + ": " + (STEERING[i].equals("Forwarded") ? "host=evil.example" : "evil.example");
    }

    RawHttp.Response attacker = RawHttp.get(edge.port(), "/live/master.m3u8", attack);
    Await.until("the fill to end", () -> edge.server().edge().inFlight() == 0);
    RawHttp.Response viewer = get("/live/master.m3u8");

    TestUpstream.Request seen = upstream.nextRequest();
    for (String field : STEERING) {
      assertThat(seen.header(field)).as(field).isNull();
    }
    assertThat(seen.header("via")).contains("edge-test-");
    assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(attacker.text()).doesNotContain("evil");
    assertThat(viewer.text()).doesNotContain("evil").contains("http://origin/v.m3u8");
  }

  @Test
  void aBodyTheUpstreamGzippedAnyway_goesOnlyToClientsThatAcceptGzip_othersGet406() throws Exception {
    byte[] gzipped = gzip("segment bytes");
    upstream = TestUpstream.start();
    upstream.on("/enc/seg.ts", (request, out) ->
        out.send(200, gzipped, "Content-Encoding", "gzip", "Cache-Control", "max-age=600", "ETag", "\"e1\""));
    edge = EdgeNode.start(c -> c, upstream.uri());

    // The first asker does not accept gzip: the answer still arriving from upstream is not sent to it.
    RawHttp.Response plainMiss = get("/enc/seg.ts");
    RawHttp.Response accepting = get("/enc/seg.ts", "Accept-Encoding: gzip, deflate");
    RawHttp.Response plainHit = get("/enc/seg.ts");
    RawHttp.Response refusing = get("/enc/seg.ts", "Accept-Encoding: gzip;q=0, deflate");

    assertThat(upstream.nextRequest().header("accept-encoding")).isEqualTo("identity");
    assertThat(plainMiss.status()).isEqualTo(406);
    assertThat(plainHit.status()).isEqualTo(406);
    assertThat(refusing.status()).isEqualTo(406);
    for (RawHttp.Response refused : List.of(plainMiss, plainHit, refusing)) {
      assertThat(refused.header("content-encoding")).isNull();
      assertThat(refused.header("vary")).containsIgnoringCase("accept-encoding");
      assertThat(refused.text()).isEqualTo("406 Not Acceptable\n");
    }
    assertThat(accepting.status()).isEqualTo(200);
    assertThat(accepting.header("content-encoding")).isEqualTo("gzip");
    assertThat(accepting.header("vary")).containsIgnoringCase("accept-encoding");
    assertThat(accepting.body()).isEqualTo(gzipped);
    assertThat(upstream.count("/enc/seg.ts")).isEqualTo(1);
  }

  @Test
  void aPassedAnswerTheUpstreamGzipped_isRefusedWith406_toAClientThatDidNotAcceptGzip() throws Exception {
    byte[] gzipped = gzip("posted");
    upstream = TestUpstream.start();
    upstream.on("/enc/post", (request, out) -> out.send(200, gzipped, "Content-Encoding", "gzip"));
    edge = EdgeNode.start(c -> c, upstream.uri());

    RawHttp.Response plain = RawHttp.request(edge.port(), "POST", "/enc/post", "Content-Length: 0");
    RawHttp.Response accepting = RawHttp.request(edge.port(), "POST", "/enc/post", "Content-Length: 0", "Accept-Encoding: gzip");

    assertThat(plain.status()).isEqualTo(406);
    assertThat(plain.header("content-encoding")).isNull();
    assertThat(accepting.status()).isEqualTo(200);
    assertThat(accepting.body()).isEqualTo(gzipped);
  }

  private RawHttp.Response get(String path, String... headers) throws IOException {
    RawHttp.Response response = RawHttp.get(edge.port(), path, headers);
    Await.until("the fill for " + path + " to end", () -> edge.server().edge().inFlight() == 0);
    return response;
  }

  private static byte[] gzip(String text) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }
}
