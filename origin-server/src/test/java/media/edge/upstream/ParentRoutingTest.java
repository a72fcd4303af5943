package media.edge.upstream;

import static media.edge.testing.TestUpstream.answering;
import static media.edge.testing.TestUpstream.okResponse;
import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parent edges: each object goes to its rendezvous parent, a parent that fails to connect is skipped
 * (next parent, then the origins), and the health checker brings it back.
 */
@Timeout(30)
class ParentRoutingTest {
  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();

  private static final String HEALTHY = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

  private final CapturedLog log = CapturedLog.of(ParentHealth.class);

  @AfterEach
  void restoreLog() {
    log.close();
  }

  private static Recorder fetch(UpstreamClient client, String key) throws Exception {
    Recorder recorder = harness.recorder();
    client.fetch(UpstreamRequest.get(key, key), recorder);
    return recorder.await();
  }

  @Test
  void eachKey_goesToItsRendezvousParent_everyTime() throws Exception {
    TestUpstream a = harness.server(answering(okResponse("a")));
    TestUpstream b = harness.server(answering(okResponse("b")));
    TestUpstream c = harness.server(answering(okResponse("c")));
    List<String> names = List.of(a.name(), b.name(), c.name());
    Rendezvous rendezvous = new Rendezvous(names);
    UpstreamClient client = harness.client(config().parents(a.uri(), b.uri(), c.uri()).build());

    Map<String, Integer> perParent = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      String key = "/live/seg_" + i + ".ts";
      String first = fetch(client, key).upstream();
      String again = fetch(client, key).upstream();
      assertThat(again).isEqualTo(first).isEqualTo(names.get(rendezvous.order(key)[0]));
      perParent.merge(first, 1, Integer::sum);
    }

    assertThat(perParent).hasSize(3);
  }

  @Test
  void parentRefusing_isMarkedDown_andTheNextParentAnswers() throws Exception {
    URI dead = URI.create("http://127.0.0.1:" + TestUpstream.refusedPort());
    TestUpstream live = harness.server(answering(okResponse("live")));
    TestUpstream origin = harness.server(answering(okResponse("origin")));
    String deadName = Upstream.parse(dead).name();
    Rendezvous rendezvous = new Rendezvous(List.of(deadName, live.name()));
    String key = "/k0";
    for (int i = 1; rendezvous.order(key)[0] != 0; i++) {
      key = "/k" + i;
    }
    UpstreamClient client = harness.client(config().parents(dead, live.uri()).origins(origin.uri()).build());

    Recorder recorder = fetch(client, key);

    assertThat(recorder.upstream()).isEqualTo(live.name());
    assertThat(client.parents()).containsExactly(new ParentState(deadName, false), new ParentState(live.name(), true));
    assertThat(log.messages()).singleElement().asString().startsWith("parent " + deadName + " is down");
  }

  @Test
  void everyParentDown_fallsBackToTheOrigin_andLaterFetchesSkipThem() throws Exception {
    URI deadA = URI.create("http://127.0.0.1:" + TestUpstream.refusedPort());
    URI deadB = URI.create("http://127.0.0.1:" + TestUpstream.refusedPort());
    TestUpstream origin = harness.server(answering(okResponse("origin")));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UpstreamClient client = harness.client(config().parents(deadA, deadB).origins(origin.uri()).build(), registry);

    Recorder first = fetch(client, "/a.ts");
    Recorder second = fetch(client, "/b.ts");

    assertThat(first.upstream()).isEqualTo(origin.name());
    assertThat(second.upstream()).isEqualTo(origin.name());
    assertThat(client.parents()).extracting(ParentState::up).containsExactly(false, false);
    assertThat(registry.get("edge.upstream.retries").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("edge.upstream.parent.up").tag("parent", Upstream.parse(deadA).name()).gauge().value())
        .isZero();
  }

  @Test
  void downParent_comesBackThroughTheHealthCheck_andGetsItsKeysBack() throws Exception {
    int port = TestUpstream.refusedPort();
    URI parent = URI.create("http://127.0.0.1:" + port);
    TestUpstream origin = harness.server(answering(okResponse("origin")));
    UpstreamClient client =
        harness.client(
            config().parents(parent).origins(origin.uri()).healthInterval(Duration.ofMillis(50)).build());
    assertThat(fetch(client, "/a.ts").upstream()).isEqualTo(origin.name());
    assertThat(client.parents()).extracting(ParentState::up).containsExactly(false);

    CountDownLatch twoProbes = new CountDownLatch(2);
    TestUpstream revived =
        harness.server(
            port,
            c -> {
              for (TestUpstream.Request request; (request = c.read()) != null; ) {
                if (request.method().equals("HEAD") && request.target().equals("/health")) {
                  twoProbes.countDown();
                }
                c.send(request.method().equals("HEAD") ? HEALTHY : okResponse("parent"));
              }
            });
    // A probe starts only after the previous one to the same parent ended, so once the second has
    // arrived the first one's answer has been recorded.
    assertThat(twoProbes.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(client.parents()).extracting(ParentState::up).containsExactly(true);
    Recorder recorder = fetch(client, "/a.ts");
    assertThat(recorder.upstream()).isEqualTo(revived.name());
    assertThat(recorder.text()).isEqualTo("parent");
    assertThat(log.messages()).contains("parent " + revived.name() + " is up");
  }

  @Test
  void healthCheck_sendsHeadWithVia_andMarksASilentParentDown() throws Exception {
    AtomicBoolean answering = new AtomicBoolean(true);
    CountDownLatch release = new CountDownLatch(1);
    TestUpstream parent =
        harness.server(
            c -> {
              while (c.read() != null) {
                if (!answering.get()) {
                  release.await();
                  return;
                }
                c.send(HEALTHY);
              }
            });
    UpstreamClient client =
        harness.client(
            config()
                .parents(parent.uri("/edge"))
                .origins(parent.uri())
                .responseTimeout(Duration.ofMillis(300))
                .build());

    client.checkParents().get(10, TimeUnit.SECONDS);
    TestUpstream.Request probe = parent.nextRequest();
    assertThat(probe.method()).isEqualTo("HEAD");
    assertThat(probe.target()).isEqualTo("/edge/health");
    assertThat(probe.header("Via")).isEqualTo("1.1 edge-test");
    assertThat(probe.header("Connection")).isEqualTo("close");
    assertThat(client.parents()).extracting(ParentState::up).containsExactly(true);

    answering.set(false);
    client.checkParents().get(10, TimeUnit.SECONDS);
    release.countDown();

    assertThat(client.parents()).extracting(ParentState::up).containsExactly(false);
    assertThat(log.messages()).singleElement().asString().contains("timeout");
  }
}
