package media.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import media.edge.server.EdgeServer;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The dashboard and the alerts against a real Prometheus (Debian's {@code prometheus}) scraping the
 * compose topology ({@link Topology}) every second after it served traffic: plays through both edges,
 * concurrent misses, an unsigned request, a 404. Every panel query of
 * {@code docker/grafana/dashboards/origin-server.json}, with its template variables substituted, must
 * evaluate and return at least one series; every alert expression of {@code docker/prometheus/alerts.yml}
 * must evaluate, and Prometheus must load the rule file itself. promtool checks and unit-tests the rules.
 */
class OpsMonitoringTest {
  private static final Path DASHBOARD = Repo.path("docker/grafana/dashboards/origin-server.json");
  private static final Path ALERTS = Repo.path("docker/prometheus/alerts.yml");
  private static final String RATE_INTERVAL = "10s";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static Topology topology;
  static Process prometheus;
  static int prometheusPort;

  @BeforeAll
  static void start() throws Exception {
    Tools.require("prometheus", "--version");
    Tools.require("promtool", "--version");
    topology = Topology.start(dir);
    traffic();
    prometheusPort = freePort();
    Path config = Files.writeString(dir.resolve("prometheus.yml"), scrapeConfig());
    prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    // Two scrapes of all four nodes, then more traffic and two more scrapes, so rates see it.
    awaitQuery("count(up == 1) == 4 and count(count_over_time(up[1m]) >= 2) == 4");
    traffic();
    awaitQuery("count(count_over_time(up[1m]) >= 4) == 4");
    // Two further scrapes of every node (this used to be a 2 s sleep: two scrape intervals, if the
    // machine kept up), so that the traffic lies well inside each rate window.
    awaitMoreScrapes(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void everyDashboardQuery_evaluatesToAtLeastOneSeries() throws Exception {
    List<String> expressions = dashboardExpressions();
    assertThat(expressions).hasSizeGreaterThan(25);

    List<String> problems = new ArrayList<>();
    for (String expression : expressions) {
      String query = expression
          .replace("$__rate_interval", RATE_INTERVAL)
          .replace("$job", ".*")
          .replace("$instance", ".*");
      assertThat(query).as("a variable left in " + expression).doesNotContain("$");
      String answer = query(query);
      if (!answer.contains("\"status\":\"success\"")) {
        problems.add(expression + " -> " + answer);
      } else if (answer.contains("\"result\":[]")) {
        problems.add(expression + " -> no series");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void dashboardTemplateVariables_listTheScrapedJobsAndInstances() throws Exception {
    String jobs = get("/api/v1/label/job/values?match[]=edge_http_requests_seconds_count");
    String instances = get("/api/v1/label/instance/values?match[]=" + encode("edge_http_requests_seconds_count{job=~\"edge\"}"));

    assertThat(jobs).contains("\"origin\"", "\"shield\"", "\"edge\"");
    assertThat(instances).containsPattern("\"127.0.0.1:\\d+\".*\"127.0.0.1:\\d+\"");
    String dashboard = Files.readString(DASHBOARD);
    assertThat(dashboard).contains("label_values(edge_http_requests_seconds_count, job)")
        .contains("label_values(edge_http_requests_seconds_count{job=~\\\"$job\\\"}, instance)");
  }

  @Test
  void everyAlertExpression_evaluates_andPrometheusLoadsTheRules() throws Exception {
    List<String> problems = new ArrayList<>();
    int rules = 0;
    for (Map<String, Object> rule : alertRules()) {
      rules++;
      String answer = query(rule.get("expr").toString());
      if (!answer.contains("\"status\":\"success\"")) {
        problems.add(rule.get("alert") + " -> " + answer);
      }
    }
    assertThat(problems).isEmpty();
    assertThat(rules).isEqualTo(10);

    String loaded = awaitRules(rules);
    assertThat(loaded).doesNotContain("\"health\":\"err\"");
  }

  @Test
  void promtool_checksAndUnitTestsTheRules_andChecksTheComposeScrapeConfig() throws Exception {
    Repo.Run check = Repo.run(List.of("promtool", "check", "rules", ALERTS.toString()), Map.of(), 60);
    assertThat(check.exit()).as(check.out()).isZero();

    Repo.Run tests = Repo.run(
        List.of("promtool", "test", "rules", Repo.path("docker/prometheus/alerts.test.yml").toString()), Map.of(), 60);
    assertThat(tests.exit()).as(tests.out()).isZero();
    assertThat(tests.out()).contains("SUCCESS");

    // The compose file mounts alerts.yml at /etc/prometheus/; point at the repository's copy instead.
    Path config = Files.writeString(dir.resolve("compose-prometheus.yml"),
        Files.readString(Repo.path("docker/prometheus/prometheus.yml")).replace("/etc/prometheus/alerts.yml", ALERTS.toString()));
    Repo.Run config1 = Repo.run(List.of("promtool", "check", "config", config.toString()), Map.of(), 60);
    assertThat(config1.exit()).as(config1.out()).isZero();
  }

  // ---- traffic ------------------------------------------------------------------------------------

  /** Plays the demo through both edges, with concurrent misses, a request without a token and a 404. */
  private static void traffic() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (EdgeServer edge : topology.edges) {
        List<Future<RawHttp.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          answers.add(pool.submit(() -> RawHttp.get(edge.port(), topology.signed("/demo/360p/seg_001.ts"))));
        }
        for (Future<RawHttp.Response> answer : answers) {
          assertThat(answer.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(RawHttp.get(edge.port(), topology.signed("/demo/master.m3u8")).status()).isEqualTo(200);
        for (String rendition : List.of("240p", "360p")) {
          assertThat(RawHttp.get(edge.port(), topology.signed("/demo/" + rendition + "/index.m3u8")).status()).isEqualTo(200);
          for (int segment = 0; segment < 4; segment++) {
            String path = "/demo/" + rendition + "/seg_00" + segment + ".ts";
            assertThat(RawHttp.get(edge.port(), topology.signed(path)).status()).isEqualTo(200);
          }
        }
        cmcdTraffic(edge);
        assertThat(RawHttp.get(edge.port(), "/demo/master.m3u8").status()).isEqualTo(403);
        assertThat(RawHttp.get(edge.port(), topology.signed("/demo/missing.ts")).status()).isEqualTo(404);
      }
    } finally {
      pool.shutdownNow();
    }
    // A collection, so the GC pause series exist whatever the JVM did before.
    System.gc();
  }

  /**
   * A player with CMCD on, for the Viewers row: a startup request naming the next segment (a prefetch
   * started, then used), a rebuffering one, a full buffer (prefetch skipped), a next object that does not
   * exist (prefetch failed) and a malformed CMCD header.
   */
  private static void cmcdTraffic(EdgeServer edge) throws Exception {
    String base = "bl=4000,br=800,mtp=20000,ot=v,sf=h,st=v,sid=\"ops-viewer\",cid=\"demo\"";
    String[] cmcd = {base + ",su,nor=\"seg_002.ts\"", base + ",bs", "bl=40000,ot=v,nor=\"seg_003.ts\"", base + ",nor=\"seg_404.ts\""};
    String[] segments = {"seg_001.ts", "seg_002.ts", "seg_001.ts", "seg_003.ts"};
    for (int i = 0; i < cmcd.length; i++) {
      String url = topology.signed("/demo/240p/" + segments[i]) + "&CMCD="
          + java.net.URLEncoder.encode(cmcd[i], java.nio.charset.StandardCharsets.UTF_8);
      assertThat(RawHttp.get(edge.port(), url).status()).isEqualTo(200);
    }
    assertThat(RawHttp.get(edge.port(), topology.signed("/demo/240p/seg_000.ts"), "CMCD-Request: ,,,=").status()).isEqualTo(200);
    Await.until("the prefetches to end", () -> {
      String metrics = RawHttp.get(edge.adminPort(), "/metrics").text();
      return metrics.contains("edge_cmcd_prefetch_in_flight 0.0") && !metrics.contains("edge_cmcd_prefetch_failed_total 0.0");
    });
  }

  // ---- the files under test -------------------------------------------------------------------------

  private static List<String> dashboardExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    Matcher expr = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(Files.readString(DASHBOARD));
    while (expr.find()) {
      expressions.add(expr.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return expressions;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> alertRules() throws IOException {
    Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(ALERTS));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }

  private static String scrapeConfig() {
    StringBuilder yaml = new StringBuilder()
        .append("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n")
        .append("rule_files:\n  - ").append(ALERTS).append('\n')
        .append("scrape_configs:\n");
    job(yaml, "origin", List.of(topology.origin));
    job(yaml, "shield", List.of(topology.shield));
    job(yaml, "edge", topology.edges);
    return yaml.toString();
  }

  private static void job(StringBuilder yaml, String name, List<EdgeServer> servers) {
    yaml.append("  - job_name: ").append(name).append("\n    static_configs:\n      - targets: [");
    for (int i = 0; i < servers.size(); i++) {
      yaml.append(i == 0 ? "" : ", ").append("\"127.0.0.1:").append(servers.get(i).adminPort()).append('"');
    }
    yaml.append("]\n");
  }

  // ---- Prometheus's HTTP API --------------------------------------------------------------------------

  private static String query(String promql) throws Exception {
    return get("/api/v1/query?query=" + encode(promql));
  }

  private static String get(String pathAndQuery) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Waits until {@code promql} returns a series (a true comparison), or fails after 30 s with the log. */
  private static void awaitQuery(String promql) throws Exception {
    try {
      Await.value(
          "Prometheus to find a series for " + promql,
          Duration.ofSeconds(30),
          () -> {
            if (!prometheus.isAlive()) {
              throw new AssertionError("prometheus exited");
            }
            try {
              return query(promql);
            } catch (IOException e) {
              return e.toString(); // not listening yet
            }
          },
          answer -> answer.contains("\"status\":\"success\"") && !answer.contains("\"result\":[]"));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + Files.readString(dir.resolve("prometheus.log")), e);
    }
  }

  /** Waits until Prometheus has scraped every node {@code more} more times than it has so far. */
  private static void awaitMoreScrapes(int more) throws Exception {
    // Over an hour, longer than this class runs, so the count only grows.
    String answer = query("min(count_over_time(up[1h]))");
    Matcher value = Pattern.compile("\"value\":\\[[^,]+,\"(\\d+)\"\\]").matcher(answer);
    assertThat(value.find()).as("a scrape count in " + answer).isTrue();
    awaitQuery("count(count_over_time(up[1h]) >= " + (Integer.parseInt(value.group(1)) + more) + ") == 4");
  }

  /** Waits until every alert rule has been evaluated once, and returns /api/v1/rules. */
  private static String awaitRules(int count) throws Exception {
    return Await.value(
        "Prometheus to evaluate all " + count + " alert rules",
        Duration.ofSeconds(20),
        () -> get("/api/v1/rules?type=alert"),
        rules -> occurrences(rules, "\"health\":\"ok\"") + occurrences(rules, "\"health\":\"err\"") == count);
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
