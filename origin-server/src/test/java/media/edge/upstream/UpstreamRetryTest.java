package media.edge.upstream;

import static media.edge.testing.TestUpstream.answering;
import static media.edge.testing.TestUpstream.okResponse;
import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When a fetch moves on or tries again, and when it must not: connect failures move to the next
 * upstream; a stale keep-alive connection is retried once on a fresh one, for idempotent requests only;
 * nothing is retried once the upstream started to answer. Also the pool's bound and queue.
 */
@Timeout(30)
class UpstreamRetryTest {
  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();

  /** Answers the first request on each connection, then closes the connection when the second arrives. */
  private static final TestUpstream.Script ONE_PER_CONNECTION =
      c -> {
        if (c.read() != null) {
          c.send(okResponse("fresh"));
          c.read();
        }
      };

  private static URI refused() throws Exception {
    return URI.create("http://127.0.0.1:" + TestUpstream.refusedPort());
  }

  private static double retries(SimpleMeterRegistry registry) {
    return registry.get("edge.upstream.retries").counter().count();
  }

  @Test
  void connectRefused_movesToTheNextOrigin_andCountsARetry() throws Exception {
    TestUpstream second = harness.server(answering(okResponse("second")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(refused(), second.uri()).build(), registry);
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.text()).isEqualTo("second");
    assertThat(recorder.upstream()).isEqualTo(second.name());
    assertThat(retries(registry)).isEqualTo(1.0);
  }

  @Test
  void connectRefused_evenForPost_movesOn_becauseNothingWasSent() throws Exception {
    TestUpstream second = harness.server(answering(okResponse("second")));
    UpstreamClient client = harness.client(config().origins(refused(), second.uri()).build());
    Recorder recorder = harness.recorder();
    ByteBuf body = Unpooled.copiedBuffer("data", StandardCharsets.US_ASCII);

    client.fetch(new UpstreamRequest(HttpMethod.POST, "/ingest", null, body, null), recorder);

    recorder.await();
    assertThat(recorder.text()).isEqualTo("second");
    assertThat(new String(second.nextRequest().body(), StandardCharsets.US_ASCII)).isEqualTo("data");
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void connectTimingOut_movesToTheNextOrigin() throws Exception {
    // A listener that never accepts, with its backlog full: Linux drops further SYNs, so connects hang.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      boolean hangs = false;
      try {
        for (int i = 0; i < 8 && !hangs; i++) {
          Socket filler = new Socket();
          fillers.add(filler);
          try {
            filler.connect(full.getLocalSocketAddress(), 200);
          } catch (SocketTimeoutException e) {
            hangs = true;
          }
        }
        assumeTrue(hangs, "this kernel completes connects to a full backlog");
        TestUpstream second = harness.server(answering(okResponse("second")));
        URI hanging = URI.create("http://127.0.0.1:" + full.getLocalPort());
        UpstreamClient client =
            harness.client(config().origins(hanging, second.uri()).connectTimeout(Duration.ofMillis(200)).build());
        Recorder recorder = harness.recorder();

        client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

        recorder.await();
        assertThat(recorder.upstream()).isEqualTo(second.name());
      } finally {
        for (Socket filler : fillers) {
          filler.close();
        }
      }
    }
  }

  @Test
  void everyOriginRefused_failsWithConnect() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(refused(), refused()).build(), registry);
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts?token=secret", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:CONNECT");
    assertThat(recorder.message()).contains("/a.ts").contains("tried 2").doesNotContain("secret");
    assertThat(retries(registry)).isEqualTo(1.0);
  }

  @Test
  void staleKeepAliveConnection_isRetriedOnceOnAFreshConnection() throws Exception {
    TestUpstream origin = harness.server(ONE_PER_CONNECTION);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);
    Recorder first = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), first);
    first.await();

    Recorder second = harness.recorder();
    client.fetch(UpstreamRequest.get("/b.ts", null), second);

    second.await();
    assertThat(second.events()).containsExactly("headers", "content", "complete");
    assertThat(second.text()).isEqualTo("fresh");
    assertThat(origin.accepted()).isEqualTo(2);
    assertThat(retries(registry)).isEqualTo(1.0);
  }

  @Test
  void staleKeepAliveConnection_doesNotResendAPost() throws Exception {
    TestUpstream origin = harness.server(ONE_PER_CONNECTION);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);
    Recorder first = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), first);
    first.await();
    ByteBuf body = Unpooled.copiedBuffer("once", StandardCharsets.US_ASCII);

    Recorder post = harness.recorder();
    client.fetch(new UpstreamRequest(HttpMethod.POST, "/ingest", null, body, null), post);

    post.await();
    assertThat(post.events()).containsExactly("error:RESET");
    assertThat(origin.accepted()).isEqualTo(1);
    assertThat(retries(registry)).isZero();
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void freshConnectionClosedBeforeAResponse_isNotRetried() throws Exception {
    TestUpstream origin = harness.server(c -> c.read());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:RESET");
    assertThat(origin.accepted()).isEqualTo(1);
    assertThat(retries(registry)).isZero();
  }

  @Test
  void reusedConnectionClosedMidStatusLine_isNotRetried() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send(okResponse("one"));
              c.read();
              c.send("HTTP/1.1 2");
            });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);
    Recorder first = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), first);
    first.await();

    Recorder second = harness.recorder();
    client.fetch(UpstreamRequest.get("/b.ts", null), second);

    second.await();
    assertThat(second.events()).containsExactly("error:RESET");
    assertThat(origin.accepted()).isEqualTo(1);
    assertThat(retries(registry)).isZero();
  }

  @Test
  void poolBound_limitsOpenConnections_andQueuedFetchesReuseThem() throws Exception {
    CountDownLatch twoArrived = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    TestUpstream origin =
        harness.server(
            c -> {
              for (TestUpstream.Request request; (request = c.read()) != null; ) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                twoArrived.countDown();
                release.await();
                inFlight.decrementAndGet();
                c.send(okResponse(request.target()));
              }
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).maxConnections(2).build());
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Recorder recorder = harness.recorder();
      recorders.add(recorder);
      client.fetch(UpstreamRequest.get("/seg_" + i + ".ts", null), recorder);
    }

    assertThat(twoArrived.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(client.openConnections(origin.name())).isEqualTo(2);
    release.countDown();

    for (int i = 0; i < 5; i++) {
      assertThat(recorders.get(i).await().text()).isEqualTo("/seg_" + i + ".ts");
    }
    assertThat(origin.accepted()).isEqualTo(2);
    assertThat(mostInFlight.get()).isEqualTo(2);
  }

  @Test
  void poolQueueNeverMoving_failsWithConnect() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              release.await();
              c.send(okResponse("slow"));
            });
    UpstreamClient client =
        harness.client(
            config().origins(origin.uri()).maxConnections(1).connectTimeout(Duration.ofMillis(200)).build());
    Recorder busy = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), busy);
    origin.nextRequest();

    Recorder queued = harness.recorder();
    client.fetch(UpstreamRequest.get("/b.ts", null), queued);

    queued.await();
    release.countDown();
    assertThat(queued.events()).containsExactly("error:CONNECT");
    assertThat(queued.message()).contains("busy");
    assertThat(busy.await().text()).isEqualTo("slow");
    assertThat(origin.accepted()).isEqualTo(1);
  }
}
