package media.edge.upstream;

import static media.edge.testing.TestUpstream.okResponse;
import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each way an upstream lets a fetch down maps to one {@link UpstreamFailure}, with exactly one ending,
 * nothing after it, and no query string in the message. Scripted upstreams that must stall wait on
 * latches the test releases; the tests never sleep.
 */
@Timeout(30)
class UpstreamFailureTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();

  @Test
  void headersLate_failsWithTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              release.await();
              c.send(okResponse("late"));
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).responseTimeout(SHORT).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts?token=secret", null), recorder);

    recorder.await();
    release.countDown();
    assertThat(recorder.events()).containsExactly("error:TIMEOUT");
    assertThat(recorder.message()).contains("/a.ts").contains(origin.name()).doesNotContain("secret");
  }

  @Test
  void bodyStalls_failsWithTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
              release.await();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).idleTimeout(SHORT).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    release.countDown();
    assertThat(recorder.events()).containsExactly("headers", "content", "error:TIMEOUT");
    assertThat(recorder.text()).isEqualTo("abc");
  }

  @Test
  void closedBeforeContentLength_failsTruncated() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(40));
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TRUNCATED);
    assertThat(recorder.text()).hasSize(40);
    assertThat(recorder.events()).last().isEqualTo("error:TRUNCATED");
  }

  @Test
  void closedBeforeChunkTerminator_failsTruncated() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("headers", "content", "error:TRUNCATED");
    assertThat(recorder.text()).isEqualTo("hello");
  }

  @Test
  void closedWithoutLength_endsTheBody() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.failure()).isNull();
    assertThat(recorder.text()).isEqualTo("until the end");
  }

  @Test
  void resetMidBody_failsReset() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
              received.await();
              c.reset();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);
    recorder.awaitContent();
    received.countDown();

    recorder.await();
    assertThat(recorder.events()).containsExactly("headers", "content", "error:RESET");
  }

  @Test
  void malformedStatusLine_failsMalformed() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok");
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:MALFORMED");
  }

  @Test
  void malformedHeader_failsMalformed() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nX(Bad): x\r\nContent-Length: 2\r\n\r\nok");
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:MALFORMED");
  }

  @Test
  void badChunkSize_failsMalformedAfterTheGoodChunks() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("headers", "content", "error:MALFORMED");
    assertThat(recorder.text()).isEqualTo("abc");
  }

  @Test
  void switchingProtocols_failsMalformed() throws Exception {
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              c.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
              c.read();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:MALFORMED");
  }

  @Test
  void closeInFlight_failsClosed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              release.await();
            });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    Recorder recorder = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);
    origin.nextRequest();

    client.close();

    recorder.await();
    release.countDown();
    assertThat(recorder.events()).containsExactly("error:CLOSED");
  }

  @Test
  void closeWhileQueuedForAConnection_failsClosed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream origin =
        harness.server(
            c -> {
              c.read();
              release.await();
            });
    UpstreamClient client =
        harness.client(
            config().origins(origin.uri()).maxConnections(1).connectTimeout(Duration.ofSeconds(10)).build());
    Recorder busy = harness.recorder();
    Recorder queued = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), busy);
    origin.nextRequest();
    client.fetch(UpstreamRequest.get("/b.ts", null), queued);

    client.close();

    busy.await();
    queued.await();
    release.countDown();
    assertThat(busy.events()).containsExactly("error:CLOSED");
    assertThat(queued.events()).containsExactly("error:CLOSED");
  }

  @Test
  void fetchAfterClose_failsClosed() throws Exception {
    TestUpstream origin = harness.server(TestUpstream.answering(okResponse("x")));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build());
    client.close();
    Recorder recorder = harness.recorder();

    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);

    recorder.await();
    assertThat(recorder.events()).containsExactly("error:CLOSED");
    assertThat(origin.accepted()).isZero();
  }
}
