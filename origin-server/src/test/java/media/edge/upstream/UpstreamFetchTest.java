package media.edge.upstream;

import static media.edge.testing.TestUpstream.answering;
import static media.edge.testing.TestUpstream.okResponse;
import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import media.edge.testing.TestUpstream;
import media.edge.testing.TestUpstream.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Successful exchanges against a real socket: bodies, keep-alive, bodiless responses, headers, paths. */
@Timeout(30)
class UpstreamFetchTest {
  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();

  @Test
  void get_contentLengthBody_arrivesWholeAndInOrder() throws Exception {
    byte[] body = new byte[200_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i % 251);
    }
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nContent-Length: " + body.length + "\r\n\r\n");
              for (int offset = 0; offset < body.length; offset += 16_384) {
                c.send(Arrays.copyOfRange(body, offset, Math.min(body.length, offset + 16_384)));
              }
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/live/seg_1.ts", null), recorder);

    recorder.await();
    assertThat(recorder.failure()).isNull();
    assertThat(recorder.response().status().code()).isEqualTo(200);
    assertThat(recorder.response().headers().get("Content-Type")).isEqualTo("video/mp2t");
    assertThat(recorder.upstream()).isEqualTo(origin.name());
    assertThat(recorder.bytes()).isEqualTo(body);
    assertThat(recorder.chunks()).isGreaterThan(1);
    assertThat(recorder.events().get(0)).isEqualTo("headers");
    assertThat(recorder.events()).last().isEqualTo("complete");
  }

  @Test
  void get_chunkedBody_arrivesInOrderWithoutTransferEncoding() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              c.send("5\r\nhello\r\n");
              c.send("6\r\n world\r\n");
              c.send("1;ext=1\r\n!\r\n0\r\n\r\n");
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/live/index.m3u8", null), recorder);

    recorder.await();
    assertThat(recorder.failure()).isNull();
    assertThat(recorder.text()).isEqualTo("hello world!");
    assertThat(recorder.response().headers().contains("Transfer-Encoding")).isFalse();
  }

  @Test
  void twoSequentialFetches_reuseOneConnection() throws Exception {
    TestUpstream origin = harness.server(answering(okResponse("hi")));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());

    Recorder first = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), first);
    first.await();
    Recorder second = harness.recorder();
    client.fetch(UpstreamRequest.get("/b.ts", null), second);
    second.await();

    assertThat(first.text()).isEqualTo("hi");
    assertThat(second.text()).isEqualTo("hi");
    assertThat(origin.accepted()).isEqualTo(1);
    assertThat(client.openConnections(origin.name())).isEqualTo(1);
  }

  @Test
  void head_completesWithoutBody_andTheConnectionStaysUsable() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
              c.read();
              c.send(okResponse("after"));
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());

    Recorder head = harness.recorder();
    client.fetch(new UpstreamRequest(HttpMethod.HEAD, "/a.ts", null, null, null), head);
    head.await();
    Recorder get = harness.recorder();
    client.fetch(UpstreamRequest.get("/b.ts", null), get);
    get.await();

    assertThat(head.events()).containsExactly("headers", "complete");
    assertThat(head.response().headers().get("Content-Length")).isEqualTo("1000");
    assertThat(get.text()).isEqualTo("after");
    assertThat(origin.accepted()).isEqualTo(1);
  }

  @Test
  void notModified_completesWithoutBody() throws Exception {
    TestUpstream origin = harness.server(answering("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();
    HttpHeaders headers = new DefaultHttpHeaders().add("If-None-Match", "\"v1\"");

    client.fetch(new UpstreamRequest(HttpMethod.GET, "/a.m3u8", headers, null, null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("headers", "complete");
    assertThat(recorder.response().status().code()).isEqualTo(304);
    assertThat(origin.nextRequest().header("If-None-Match")).isEqualTo("\"v1\"");
  }

  @Test
  void interimContinue_isSkipped() throws Exception {
    TestUpstream origin =
        harness.server(answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.response().status().code()).isEqualTo(200);
    assertThat(recorder.events()).containsExactly("headers", "content", "complete");
    assertThat(recorder.text()).isEqualTo("ok");
  }

  @Test
  void hopByHopFields_areStrippedBothWays_andViaIsAppended() throws Exception {
    TestUpstream origin =
        harness.server(
            answering(
                "HTTP/1.1 200 OK\r\nConnection: X-Foo\r\nX-Foo: 1\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Authenticate: Basic\r\nTransfer-Encoding: chunked\r\nCache-Control: max-age=2\r\n\r\n"
                    + "2\r\nok\r\n0\r\n\r\n"));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .add("Connection", "X-Secret")
            .add("X-Secret", "s")
            .add("Keep-Alive", "timeout=5")
            .add("TE", "trailers")
            .add("Upgrade", "h2c")
            .add("Proxy-Authorization", "Basic eDp5")
            .add("Host", "client.example")
            .add("Content-Length", "99")
            .add("Via", "1.0 client-proxy")
            .add("Accept", "*/*");

    client.fetch(new UpstreamRequest(HttpMethod.GET, "/a.ts", headers, null, null), recorder);

    recorder.await();
    Request sent = origin.nextRequest();
    assertThat(sent.headers().keySet()).containsExactlyInAnyOrder("host", "via", "accept", "accept-encoding");
    assertThat(sent.header("Accept-Encoding")).as("asked for explicitly: none would accept any coding").isEqualTo("identity");
    assertThat(sent.header("Host")).isEqualTo(origin.name());
    assertThat(sent.header("Via")).isEqualTo("1.0 client-proxy, 1.1 edge-test");
    HttpHeaders received = recorder.response().headers();
    assertThat(received.names()).containsExactly("Cache-Control");
    assertThat(recorder.text()).isEqualTo("ok");
  }

  @Test
  void pathPrefix_isJoinedWithoutDoubleSlash_andQueryForwarded() throws Exception {
    TestUpstream origin = harness.server(answering(okResponse("x")));
    UpstreamClient client = harness.client(config().origins(origin.uri("/base/")).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/live/a.m3u8?token=abc", "/live/a.m3u8"), recorder);

    recorder.await();
    Request sent = origin.nextRequest();
    assertThat(sent.target()).isEqualTo("/base/live/a.m3u8?token=abc");
    assertThat(sent.all("Via")).containsExactly("1.1 edge-test");
  }

  @Test
  void post_sendsItsBodyWithContentLength_andReleasesIt() throws Exception {
    TestUpstream origin = harness.server(answering(okResponse("stored")));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();
    ByteBuf body = Unpooled.copiedBuffer("payload", StandardCharsets.US_ASCII);

    client.fetch(new UpstreamRequest(HttpMethod.POST, "/ingest", null, body, null), recorder);

    recorder.await();
    Request sent = origin.nextRequest();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.header("Content-Length")).isEqualTo("7");
    assertThat(new String(sent.body(), StandardCharsets.US_ASCII)).isEqualTo("payload");
    assertThat(recorder.text()).isEqualTo("stored");
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void metrics_countOutcomesAndRetries_underPrometheusNames() throws Exception {
    TestUpstream origin = harness.server(answering("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    URI refused = URI.create("http://127.0.0.1:" + TestUpstream.refusedPort());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    UpstreamClient client = harness.client(config().origins(refused, origin.uri()).build(), registry);
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/missing.ts", null), recorder);

    recorder.await();
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("edge_upstream_requests_seconds_count{outcome=\"4xx\"} 1")
        .contains("edge_upstream_requests_seconds_count{outcome=\"connect\"} 0")
        .contains("edge_upstream_requests_seconds_count{outcome=\"closed\"} 0")
        .contains("edge_upstream_retries_total 1");
  }

  @Test
  void fetch_worksOnEpoll() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    TestUpstream origin = harness.server(answering(okResponse("epoll")));
    EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try (UpstreamClient client =
        UpstreamClient.create(
            config().origins(origin.uri()).build(), epoll, EpollSocketChannel.class, new SimpleMeterRegistry())) {
      Recorder recorder = new Recorder(epoll);
      client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

      recorder.await();
      assertThat(recorder.text()).isEqualTo("epoll");
      assertThat(recorder.violations()).isEmpty();
    } finally {
      epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
