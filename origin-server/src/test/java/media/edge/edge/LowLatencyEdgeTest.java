package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.LivePackager;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Low-Latency HLS through edges: viewers held on one part at an edge are one request upstream (whatever
 * else their URLs carry), released together; a preload-hinted part asked early is joined the same way;
 * the blocking answer is kept with its {@code max-age} and answered with {@code Age}; a held request
 * outlives {@code upstream.response-timeout}; and a shield tier in between changes nothing. The origin
 * is a real origin-mode server fed by a stepped {@link LivePackager}.
 */
class LowLatencyEdgeTest {
  private static final AtomicInteger STREAMS = new AtomicInteger();

  @RegisterExtension static final TestServer origin = TestServer.create();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<EdgeNode> edges = new ArrayList<>();
  private LivePackager packager;
  private String playlist;
  private String dir;

  @BeforeEach
  void stream() {
    Tools.require("ffmpeg", "-version");
    packager = LivePackager.builder(LivePackager.parts(500), origin.root().resolve("edge-ll" + STREAMS.incrementAndGet())).build();
    playlist = "/" + packager.playlist("a");
    dir = playlist.substring(0, playlist.lastIndexOf('/') + 1);
  }

  @AfterEach
  void stop() {
    packager.close();
    edges.forEach(EdgeNode::close);
  }

  private EdgeNode edge(URI upstream, Duration responseTimeout) throws Exception {
    EdgeNode node = EdgeNode.start(c -> c.withUpstream(c.upstream().toBuilder().responseTimeout(responseTimeout).build()), upstream);
    edges.add(node);
    return node;
  }

  private URI originUri() {
    return URI.create("http://127.0.0.1:" + origin.port());
  }

  private <T> CompletableFuture<HttpResponse<T>> get(EdgeNode edge, String target, HttpResponse.BodyHandler<T> body) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + target)).build(), body);
  }

  private double released() throws Exception {
    return origin.metric("edge_llhls_released_total");
  }

  @Test
  void fiveHundredViewersOnOnePart_areOneUpstreamRequest() throws Exception {
    EdgeNode edge = edge(originUri(), Duration.ofSeconds(10));
    packager.publish(5);
    double before = released();
    List<CompletableFuture<HttpResponse<String>>> viewers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Players add their own parameters (CMCD, session ids) and order them as they like.
      String query = switch (i % 3) {
        case 0 -> "?_HLS_msn=1&_HLS_part=2";
        case 1 -> "?_HLS_part=2&_HLS_msn=1&CMCD=bl%3D2100%2Csid%3D%22v" + i + "%22";
        default -> "?session=" + i + "&_HLS_msn=1&_HLS_part=2";
      };
      viewers.add(get(edge, playlist + query, HttpResponse.BodyHandlers.ofString()));
    }
    Await.metric(origin, "edge_llhls_held_requests", 1);
    packager.publish(2);

    for (CompletableFuture<HttpResponse<String>> viewer : viewers) {
      HttpResponse<String> answer = viewer.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("URI=\"s1p2.m4s\"");
    }
    Await.metric(origin, "edge_llhls_released_total", before + 1);
    assertThat(released()).isEqualTo(before + 1);

    // Stored with the origin's six target durations, answered with its age.
    HttpResponse<String> again = get(edge, playlist + "?_HLS_msn=1&_HLS_part=2", HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
    assertThat(again.headers().firstValue("cache-control")).hasValue("public, max-age=12");
    assertThat(again.headers().firstValue("age")).isPresent();
    assertThat(released()).isEqualTo(before + 1);
  }

  @Test
  void hintedPartAskedEarly_isJoinedAndStreamedToEveryViewer() throws Exception {
    EdgeNode edge = edge(originUri(), Duration.ofSeconds(10));
    packager.publish(5);
    assertThat(get(edge, playlist, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS).body())
        .contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s1p1.m4s\"");
    double before = released();

    List<CompletableFuture<HttpResponse<byte[]>>> viewers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      viewers.add(get(edge, dir + "s1p1.m4s?CMCD=sid%3D%22v" + i + "%22", HttpResponse.BodyHandlers.ofByteArray()));
    }
    Await.metric(origin, "edge_llhls_held_requests", 1);
    packager.publish();

    byte[] part = Files.readAllBytes(origin.root().resolve(dir.substring(1)).resolve("s1p1.m4s"));
    for (CompletableFuture<HttpResponse<byte[]>> viewer : viewers) {
      HttpResponse<byte[]> answer = viewer.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo(part);
    }
    assertThat(released()).isEqualTo(before + 1);
  }

  @Test
  void heldRequest_outlivesTheUsualResponseTimeout() throws Exception {
    EdgeNode edge = edge(originUri(), Duration.ofSeconds(1));
    packager.publish(5);
    get(edge, playlist, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS); // the edge learns the target duration

    CompletableFuture<HttpResponse<String>> held = get(edge, playlist + "?_HLS_msn=1&_HLS_part=1", HttpResponse.BodyHandlers.ofString());
    Await.metric(origin, "edge_llhls_held_requests", 1);
    Thread.sleep(2_000); // twice upstream.response-timeout: a request the origin holds must still be waited for
    assertThat(held).isNotDone();
    packager.publish();

    HttpResponse<String> answer = held.get(10, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("URI=\"s1p1.m4s\"");
  }

  @Test
  void throughAShield_itWorksTheSame() throws Exception {
    EdgeNode shield = edge(originUri(), Duration.ofSeconds(10));
    EdgeNode edge = edge(shield.uri(), Duration.ofSeconds(10));
    packager.publish(5);
    double before = released();

    List<CompletableFuture<HttpResponse<String>>> viewers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      viewers.add(get(edge, playlist + "?_HLS_msn=1&_HLS_part=1&CMCD=sid%3D%22" + i + "%22", HttpResponse.BodyHandlers.ofString()));
    }
    Await.metric(origin, "edge_llhls_held_requests", 1);
    packager.publish();

    for (CompletableFuture<HttpResponse<String>> viewer : viewers) {
      assertThat(viewer.get(30, TimeUnit.SECONDS).body()).contains("URI=\"s1p1.m4s\"");
    }
    assertThat(released()).isEqualTo(before + 1);
  }
}
