package media.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import media.edge.server.EdgeServer;
import media.edge.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's topology (origin, shield, two edges; see {@link Topology}) started from the
 * files in {@code docker/config/}, played through: a signed master playlist, both renditions and every
 * segment through each edge, byte for byte as in the library, while the origin serves each segment once.
 */
class ComposeTopologyTest {
  @TempDir static Path dir;
  static Topology topology;

  @BeforeAll
  static void start() throws Exception {
    topology = Topology.start(dir);
  }

  @AfterAll
  static void stop() {
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void signedPlayback_throughBothEdges_matchesTheLibrary_andReachesTheOriginOncePerSegment() throws Exception {
    Set<String> segments = new LinkedHashSet<>();
    for (EdgeServer edge : topology.edges) {
      RawHttp.Response master = RawHttp.get(edge.port(), topology.signed("/demo/master.m3u8"));
      assertThat(master.status()).isEqualTo(200);
      List<String> variants = uris(master.text());
      assertThat(variants).hasSize(2).allSatisfy(uri -> assertThat(uri).contains("hdnts="));

      for (String variant : variants) {
        String variantPath = "/demo/" + variant;
        RawHttp.Response playlist = RawHttp.get(edge.port(), variantPath);
        assertThat(playlist.status()).as(variantPath).isEqualTo(200);
        String variantFile = variantPath.substring(0, variantPath.indexOf('?'));
        String folder = variantFile.substring(0, variantFile.lastIndexOf('/') + 1);
        for (String segment : uris(playlist.text())) {
          String path = folder + segment;
          RawHttp.Response body = RawHttp.get(edge.port(), path);
          assertThat(body.status()).as(path).isEqualTo(200);
          String file = path.substring(1, path.indexOf('?'));
          assertThat(body.body()).as(path).isEqualTo(Files.readAllBytes(topology.library.resolve(file)));
          segments.add(file);
        }
      }
    }

    assertThat(segments).hasSize(8);
    assertThat(Topology.sum(topology.origin, "edge_http_requests_seconds_count", "kind=\"segment\""))
        .as("segment requests the origin served").isEqualTo(8.0);
    assertThat(Topology.sum(topology.shield, "edge_cache_lookups_total", "tier=\"memory\"", "result=\"hit\""))
        .as("the second edge's misses are the shield's hits").isGreaterThanOrEqualTo(8.0);
    assertThat(Topology.sum(topology.shield, "edge_cache_entries", "tier=\"disk\"")).isPositive();
    for (EdgeServer edge : topology.edges) {
      assertThat(Topology.sum(edge, "edge_upstream_parent_up")).as("the shield is up for " + edge.nodeName()).isEqualTo(1.0);
    }
  }

  @Test
  void edges_refuseUnsignedRequests_whileShieldAndOriginDoNotAskForTokens() throws Exception {
    EdgeServer edge = topology.edges.get(0);
    double before = Topology.sum(edge, "edge_token_rejections_total", "reason=\"missing\"");

    assertThat(RawHttp.get(edge.port(), "/demo/master.m3u8").status()).isEqualTo(403);
    assertThat(Topology.sum(edge, "edge_token_rejections_total", "reason=\"missing\"")).isEqualTo(before + 1);
    assertThat(RawHttp.get(topology.shield.port(), "/demo/master.m3u8").status()).isEqualTo(200);
    assertThat(RawHttp.get(topology.origin.port(), "/demo/master.m3u8").status()).isEqualTo(200);
  }

  @Test
  void edgeAnswers_nameTheShieldAndTheEdgeInVia() throws Exception {
    RawHttp.Response answer = RawHttp.get(topology.edges.get(1).port(), topology.signed("/demo/240p/index.m3u8"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("via")).contains("shield").contains("edge-2");
  }

  /** The URI lines of a playlist. */
  private static List<String> uris(String playlist) {
    List<String> uris = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        uris.add(trimmed);
      }
    }
    return uris;
  }
}
