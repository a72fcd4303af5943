package media.edge.upstream;

import static media.edge.testing.TestUpstream.okResponse;
import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import media.edge.testing.Await;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15, "no desync": an upstream that sends bytes beyond a response's end must never have them read
 * as the answer to the next request on that pooled connection. Each scripted upstream answers its first
 * connection with the attack and later connections honestly ({@code real /path}); the attack's extra
 * response says {@code EVIL}, and no fetch may ever see it.
 */
@Timeout(30)
class UpstreamDesyncTest {
  private static final String EVIL = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL";

  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double desyncs(String when) {
    return registry.get("edge.upstream.desyncs").tag("when", when).counter().count();
  }

  /** Connection 1 runs {@code attack} for its first request; every other request gets an honest answer. */
  private static TestUpstream.Script attackFirst(TestUpstream.Script attack) {
    return c -> {
      if (c.number() == 1) {
        attack.serve(c);
      }
      for (TestUpstream.Request r; (r = c.read()) != null; ) {
        c.send(okResponse("real " + r.path()));
      }
    };
  }

  private Recorder fetch(UpstreamClient client, String path) throws Exception {
    Recorder recorder = harness.recorder();
    client.fetch(UpstreamRequest.get(path, null), recorder);
    recorder.await();
    return recorder;
  }

  @Test
  void bytesAfterTheEndInTheSameRead_markTheResponseUntrusted_andTheNextRequestGetsTheRealAnswer() throws Exception {
    TestUpstream origin = harness.server(attackFirst(c -> {
      c.read();
      c.send(okResponse("first") + EVIL);
    }));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);

    Recorder first = fetch(client, "/a.ts");
    Recorder second = fetch(client, "/b.ts");

    // The response that ended right before the extra bytes is relayed by its own framing, marked untrusted
    // (never to be stored) before its last bytes; the extra bytes reach no one.
    assertThat(first.events()).containsExactly("headers", "untrusted", "content", "complete");
    assertThat(first.text()).isEqualTo("first");
    assertThat(second.events()).containsExactly("headers", "content", "complete");
    assertThat(second.text()).isEqualTo("real /b.ts");
    assertThat(origin.accepted()).isEqualTo(2);
    assertThat(desyncs("after_response")).isEqualTo(1.0);
  }

  @Test
  void bytesArrivingWhileIdleInThePool_closeTheConnection_andTheNextRequestGetsTheRealAnswer() throws Exception {
    CountDownLatch later = new CountDownLatch(1);
    TestUpstream origin = harness.server(attackFirst(c -> {
      c.read();
      c.send(okResponse("first"));
      later.await();
      c.send(EVIL);
    }));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);

    Recorder first;
    Recorder second;
    List<String> log;
    try (CapturedLog captured = CapturedLog.of(Desyncs.class)) {
      first = fetch(client, "/a.ts?token=secret");
      later.countDown();
      Await.until("the idle connection's extra bytes to be counted", () -> desyncs("idle") == 1.0);
      second = fetch(client, "/b.ts");
      log = captured.messages();
    }

    assertThat(log).singleElement().asString().contains("(idle)").doesNotContain("/a.ts").doesNotContain("secret");
    assertThat(first.text()).isEqualTo("first");
    assertThat(second.text()).isEqualTo("real /b.ts");
    assertThat(origin.accepted()).isEqualTo(2);
  }

  @Test
  void halfAHeadArrivingWhileIdle_isNotKeptForTheNextAnswer() throws Exception {
    CountDownLatch later = new CountDownLatch(1);
    TestUpstream origin = harness.server(attackFirst(c -> {
      c.read();
      c.send(okResponse("first"));
      later.await();
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n");
    }));
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);

    fetch(client, "/a.ts");
    later.countDown();
    Await.until("the half head to be counted", () -> desyncs("idle") == 1.0);
    Recorder second = fetch(client, "/b.ts");

    assertThat(second.text()).isEqualTo("real /b.ts");
  }

  @Test
  void blankLinesAfterAResponse_areTolerated_andTheConnectionIsReused() throws Exception {
    TestUpstream origin = harness.server(c -> {
      for (TestUpstream.Request r; (r = c.read()) != null; ) {
        c.send(okResponse("real " + r.path()) + "\r\n\r\n");
      }
    });
    UpstreamClient client = harness.client(config().origins(origin.uri()).build(), registry);

    Recorder first = fetch(client, "/a.ts");
    Recorder second = fetch(client, "/b.ts");

    assertThat(first.text()).isEqualTo("real /a.ts");
    assertThat(second.text()).isEqualTo("real /b.ts");
    assertThat(origin.accepted()).isEqualTo(1);
    assertThat(desyncs("after_response") + desyncs("idle") + desyncs("early")).isZero();
  }
}
