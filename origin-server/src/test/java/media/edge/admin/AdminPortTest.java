package media.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin port: Prometheus exposition that promtool accepts, health and readiness. */
class AdminPortTest {
  @RegisterExtension static final TestServer server = TestServer.create();

  private static void traffic() throws IOException {
    RawHttp.get(server.port(), "/demo/master.m3u8");
    RawHttp.get(server.port(), "/demo/240p/index.m3u8");
    RawHttp.get(server.port(), "/demo/240p/seg_000.ts");
    // CMCD brings its counters and histograms (by object type) into the scrape promtool checks.
    RawHttp.get(server.port(), "/demo/240p/seg_000.ts?CMCD=bl%3D4000%2Cbr%3D800%2Cmtp%3D25000%2Cot%3Dv%2Csf%3Dh%2Cst%3Dv%2Csid%3D%22s%22");
    RawHttp.get(server.port(), "/demo/missing.ts");
    RawHttp.get(server.port(), "/%2e%2e/etc/passwd");
  }

  @Test
  void metrics_afterTraffic_exposeEveryRequiredFamily() throws IOException {
    traffic();

    // A request is counted when its response's last write completes, which can be after the client
    // read it: the families of the last requests may appear a moment after the traffic.
    Await.asserted("every required family on /metrics", () -> {
      Response response = RawHttp.get(server.adminPort(), "/metrics");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("content-type")).startsWith("text/plain; version=0.0.4");
      assertThat(response.text())
          .contains("# TYPE edge_http_requests_seconds histogram")
          .contains("edge_http_requests_seconds_bucket{cache=\"memory\",kind=\"segment\",method=\"GET\",status=\"200\",le=")
          .contains("edge_http_requests_seconds_count{cache=\"disk\",kind=\"playlist\",method=\"GET\",status=\"200\"}")
          .contains("edge_http_requests_seconds_count{cache=\"none\",kind=\"segment\",method=\"GET\",status=\"404\"}")
          .contains("edge_http_response_bytes_total{cache=\"memory\",kind=\"segment\"}")
          .contains("edge_cache_bytes{tier=\"memory\"}")
          .contains("edge_cache_capacity_bytes{tier=\"memory\"} 5.36870912E8")
          .contains("cache_gets_total{cache=\"memory\",result=\"hit\"}")
          .contains("cache_evictions_total{cache=\"memory\"}")
          .contains("edge_connections_active")
          .containsPattern("edge_http_rejections_total\\{reason=\"bad_path\"\\} [1-9]")
          .contains("jvm_memory_used_bytes")
          .contains("jvm_gc_max_data_size_bytes")
          .contains("jvm_threads_live_threads")
          .contains("process_cpu_seconds_total")
          .contains("netty_allocator_memory_used_bytes{memory=\"direct\"}");
    });
  }

  @Test
  void metrics_responseBytes_countBodyBytesByTier() throws IOException {
    String before = series("edge_http_response_bytes_total{cache=\"memory\",kind=\"segment\"}");
    int length = RawHttp.get(server.port(), "/demo/360p/seg_001.ts").body().length;
    RawHttp.get(server.port(), "/demo/360p/seg_001.ts");

    // Regression (issue 11, once "expected 102084.0 but was 0.0" in CI): the server counts the bytes
    // when the last write completes, which can be after the client read them; wait for the count.
    Await.metricAtLeast(
        server, "edge_http_response_bytes_total{cache=\"memory\",kind=\"segment\"}", Double.parseDouble(before) + length);
    double after = Double.parseDouble(series("edge_http_response_bytes_total{cache=\"memory\",kind=\"segment\"}"));

    assertThat(after - Double.parseDouble(before)).isEqualTo(length);
  }

  private static String series(String name) throws IOException {
    for (String line : server.metrics().split("\n")) {
      if (line.startsWith(name + " ")) {
        return line.substring(name.length() + 1);
      }
    }
    return "0";
  }

  @Test
  void metrics_openMetricsRequested_isServedAsOpenMetrics() throws IOException {
    Response response = RawHttp.get(server.adminPort(), "/metrics", "Accept: application/openmetrics-text; version=1.0.0");

    assertThat(response.header("content-type")).startsWith("application/openmetrics-text");
    assertThat(response.text()).endsWith("# EOF\n");
  }

  @Test
  void metrics_passPromtoolCheck() throws Exception {
    Tools.require("promtool", "--version");
    traffic();
    Path scrape = Files.createTempFile("scrape", ".txt");
    try {
      Files.write(scrape, RawHttp.get(server.adminPort(), "/metrics").body());
      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(scrape.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(output).isEmpty();
      assertThat(promtool.exitValue()).isZero();
    } finally {
      Files.delete(scrape);
    }
  }

  @Test
  void healthAndReadiness_answer200() throws IOException {
    assertThat(RawHttp.get(server.adminPort(), "/healthz").status()).isEqualTo(200);
    assertThat(RawHttp.get(server.adminPort(), "/readyz").text()).isEqualTo("ready\n");
  }

  @Test
  void readiness_whileDraining_answers503() throws IOException {
    server.server().readiness().draining();
    try {
      assertThat(RawHttp.get(server.adminPort(), "/readyz").status()).isEqualTo(503);
      assertThat(RawHttp.get(server.adminPort(), "/healthz").status()).isEqualTo(200);
    } finally {
      server.server().readiness().ready();
    }
  }

  @Test
  void adminPort_unknownPathOrMethod_areRefused() throws IOException {
    assertThat(RawHttp.get(server.adminPort(), "/demo/master.m3u8").status()).isEqualTo(404);
    assertThat(RawHttp.request(server.adminPort(), "POST", "/metrics").status()).isEqualTo(405);
  }
}
