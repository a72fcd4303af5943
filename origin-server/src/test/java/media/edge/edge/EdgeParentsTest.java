package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tiers of edges: an edge asks the parent that rendezvous hashing picks for each URL, so each object
 * is fetched from the origin by one parent only; a parent that goes down is skipped (straight to the
 * origin) and used again once its health check answers.
 */
class EdgeParentsTest {
  private TestUpstream origin;

  @BeforeEach
  void start() throws IOException {
    origin = TestUpstream.start();
    for (int i = 0; i < 40; i++) {
      origin.on("/p/" + i + ".ts", TestUpstream.ok(("segment " + i).getBytes(StandardCharsets.US_ASCII), "Cache-Control", "max-age=600"));
    }
  }

  @AfterEach
  void stop() throws IOException {
    origin.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private EdgeNode shield(int port) throws Exception {
    return EdgeNode.start(c -> c.withServer(c.server().withPorts(port, 0)), origin.uri());
  }

  private EdgeNode edgeWithParents(URI... parents) throws Exception {
    return EdgeNode.start(
        c -> c.withUpstream(c.upstream().withUrls(List.of(origin.uri()), List.of(parents)).withHealthInterval(Duration.ofMillis(100))),
        origin.uri());
  }

  @Test
  void get_twoParents_eachObjectIsFetchedByOneParentOnly() throws Exception {
    try (EdgeNode a = shield(0); EdgeNode b = shield(0);
        EdgeNode edge1 = edgeWithParents(a.uri(), b.uri()); EdgeNode edge2 = edgeWithParents(a.uri(), b.uri())) {
      for (int i = 0; i < 40; i++) {
        assertThat(RawHttp.get(edge1.port(), "/p/" + i + ".ts").status()).isEqualTo(200);
        // edge1 can have the whole body before its parent's fill has stored it; edge2's request would
        // then join that fill and count a second memory miss at the parent. Let the fills end first.
        Await.until("the parents' fills of /p/" + i + ".ts to end",
            () -> a.server().edge().inFlight() == 0 && b.server().edge().inFlight() == 0);
        assertThat(RawHttp.get(edge2.port(), "/p/" + i + ".ts").status()).isEqualTo(200);
      }

      for (int i = 0; i < 40; i++) {
        assertThat(origin.count("/p/" + i + ".ts")).as("origin requests for object %d", i).isEqualTo(1);
      }
      double missesA = a.metric("edge_cache_lookups_total{result=\"miss\",tier=\"memory\"}");
      double missesB = b.metric("edge_cache_lookups_total{result=\"miss\",tier=\"memory\"}");
      assertThat(missesA + missesB).isEqualTo(40);
      assertThat(missesA).isPositive();
      assertThat(missesB).isPositive();
    }
  }

  @Test
  void get_parentDown_goesToTheOriginAndReturnsToTheParentWhenItRecovers() throws Exception {
    int port = freePort();
    EdgeNode parent = shield(port);
    try (EdgeNode edge = edgeWithParents(parent.uri())) {
      RawHttp.Response viaParent = RawHttp.get(edge.port(), "/p/1.ts");
      assertThat(viaParent.header("via")).contains(parent.server().nodeName());

      parent.close();
      RawHttp.Response direct = RawHttp.get(edge.port(), "/p/2.ts");
      assertThat(direct.status()).isEqualTo(200);
      assertThat(direct.header("via")).doesNotContain(parent.server().nodeName());

      parent = shield(port);
      String gauge = "edge_upstream_parent_up{parent=\"127.0.0.1:" + port + "\"}";
      Await.metric(edge, gauge, 1);
      RawHttp.Response back = RawHttp.get(edge.port(), "/p/3.ts");
      assertThat(back.header("via")).contains(parent.server().nodeName());
    } finally {
      parent.close();
    }
  }
}
