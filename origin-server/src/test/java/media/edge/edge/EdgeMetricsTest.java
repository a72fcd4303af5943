package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge mode's metric families, after real traffic, as Prometheus would scrape them. */
class EdgeMetricsTest {
  @TempDir Path dir;

  @Test
  void metrics_afterEdgeTraffic_exposeTheEdgeFamiliesAndPassPromtool() throws Exception {
    Tools.require("promtool", "--version");
    try (TestUpstream upstream = TestUpstream.start()) {
      upstream.on("/m/seg.ts", TestUpstream.ok(new byte[1000], "Cache-Control", "max-age=60"));
      upstream.on("/m/boom.ts", (request, out) -> out.send(503, new byte[0]));
      URI parent = URI.create("http://127.0.0.1:1");
      try (EdgeNode edge =
          EdgeNode.start(
              c -> c.withEdgeCache(c.edgeCache().withDisk(dir.resolve("cache"), 1L << 30))
                  .withUpstream(c.upstream().withUrls(List.of(upstream.uri()), List.of(parent))),
              upstream.uri())) {
        RawHttp.get(edge.port(), "/m/seg.ts");
        RawHttp.get(edge.port(), "/m/seg.ts");
        RawHttp.get(edge.port(), "/m/boom.ts");
        RawHttp.request(edge.adminPort(), "PURGE", "/m/*", EdgeNode.ADMIN_AUTHORIZATION);

        String scrape = RawHttp.get(edge.adminPort(), "/metrics").text();

        assertThat(scrape)
            .contains("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"} 1.0")
            .contains("edge_upstream_requests_seconds_count{outcome=\"2xx\"}")
            .contains("edge_upstream_requests_seconds_count{outcome=\"5xx\"}")
            .contains("edge_upstream_retries_total")
            .contains("edge_upstream_coalesced_total")
            .contains("edge_upstream_parent_up{parent=\"127.0.0.1:1\"} 0.0")
            .contains("edge_cache_stale_served_total{reason=\"error\"}")
            .contains("edge_cache_disk_errors_total{reason=\"corrupt\"}")
            .contains("edge_cache_bytes{tier=\"disk\"}")
            .contains("edge_cache_entries{tier=\"disk\"}")
            .contains("edge_cache_purges_total{kind=\"prefix\"} 1.0")
            .contains("cache=\"upstream\"");
        assertThat(promtool(scrape)).isEmpty();
      }
    }
  }

  private String promtool(String scrape) throws Exception {
    Path file = Files.writeString(dir.resolve("scrape.txt"), scrape);
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(output).isZero();
    return output;
  }
}
