package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code X-Cache} through an edge: the edge's own source (upstream, memory, disk) comes last, after the
 * field of the origin it stored (the player page reads the last value), over HTTP/1.1 here and HTTP/2
 * in {@code HttpsServingTest}.
 */
class EdgeSourceFieldTest {
  @RegisterExtension static final TestServer origin = TestServer.create();
  @TempDir Path dir;

  @Test
  void edgeInFrontOfOurOrigin_chainsTheOriginsFieldAndItsOwn() throws Exception {
    try (EdgeNode edge = EdgeNode.start(c -> c, URI.create("http://127.0.0.1:" + origin.port()))) {
      Response fill = RawHttp.get(edge.port(), "/demo/240p/seg_003.ts");
      Response hit = RawHttp.get(edge.port(), "/demo/240p/seg_003.ts");

      assertThat(fill.status()).isEqualTo(200);
      assertThat(fill.headers().get("x-cache")).containsExactly("disk", "upstream");
      assertThat(hit.headers().get("x-cache")).containsExactly("disk", "memory");
    }
  }

  @Test
  void edgeDiskTier_afterARestart_saysDisk() throws Exception {
    try (TestUpstream upstream = TestUpstream.start()) {
      upstream.on("/d/seg.ts", TestUpstream.ok(new byte[400_000], "Cache-Control", "max-age=3600"));
      try (EdgeNode first = EdgeNode.start(c -> c.withEdgeCache(c.edgeCache().withDisk(dir.resolve("cache"), 1L << 30)),
          upstream.uri())) {
        assertThat(RawHttp.get(first.port(), "/d/seg.ts").headers().get("x-cache")).containsExactly("upstream");
      }
      try (EdgeNode restarted = EdgeNode.start(c -> c.withEdgeCache(c.edgeCache().withDisk(dir.resolve("cache"), 1L << 30)),
          URI.create("http://127.0.0.1:1"))) {
        assertThat(RawHttp.get(restarted.port(), "/d/seg.ts").headers().get("x-cache")).containsExactly("disk");
      }
    }
  }

  @Test
  void errorsThatLookedNothingUp_haveNoField() throws Exception {
    assertThat(RawHttp.get(origin.port(), "/%2e%2e/x.ts").headers()).doesNotContainKey("x-cache");
    assertThat(RawHttp.request(origin.port(), "OPTIONS", "/demo/master.m3u8").headers()).doesNotContainKey("x-cache");
  }
}
