package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import media.edge.config.EdgeConfig;
import media.edge.config.TlsConfig;
import media.edge.config.TokenKey;
import media.edge.config.UpstreamDnsConfig;
import media.edge.config.UpstreamTlsConfig;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestCa;
import media.edge.testing.TestDns;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14, done when "an edge pulls a signed stream from an HTTPS origin named by DNS and plays it": this
 * server in origin mode serves HTTPS with a certificate for {@code origin.test} issued by a private CA the
 * test makes; a test DNS server says where {@code origin.test} is; an edge that checks tokens, trusts that
 * CA through {@code upstream.tls.ca-file} and asks that DNS server through {@code upstream.dns.servers}
 * plays the demo from one signed URL with ffmpeg, and every segment is then fetched through it. Also: the
 * same origin under a name its certificate does not carry is refused (502, counted as {@code tls}), and a
 * parent edge over HTTPS is health-checked and used, or skipped when its certificate does not verify.
 */
class EdgeHttpsOriginTest {
  private static final Path DIR = tempDir();
  private static final TestCa CA = TestCa.create(DIR, "edge-https");
  private static final TestCa.Issued ORIGIN_CERT = CA.server("origin.test");
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());

  @RegisterExtension
  static final TestServer origin = TestServer.create(
      c -> c.withServer(c.server().withTls(new TlsConfig(ORIGIN_CERT.certFile(), ORIGIN_CERT.keyFile(), Duration.ZERO))),
      root -> {});

  private static TestDns dns;

  @BeforeAll
  static void startDns() {
    dns = TestDns.start()
        .answer("origin.test", Duration.ofSeconds(2), "127.0.0.1")
        .answer("shield.test", Duration.ofSeconds(2), "127.0.0.1");
  }

  @AfterAll
  static void stop() throws IOException {
    dns.close();
    try (Stream<Path> walk = Files.walk(DIR)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("edge-https-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI originUri() {
    return URI.create("https://origin.test:" + origin.port());
  }

  /** Trusting the test CA, asking the test DNS server; {@code more} adjusts the rest. */
  private static EdgeNode edge(UnaryOperator<EdgeConfig> more, URI... origins) throws Exception {
    return EdgeNode.start(
        c -> more.apply(c.withUpstream(c.upstream()
            .withTls(new UpstreamTlsConfig(CA.certFile(), null, null, false))
            .withDns(new UpstreamDnsConfig(List.of(dns.address()), Duration.ofMinutes(5))))),
        origins);
  }

  private static EdgeConfig checkingTokens(EdgeConfig c) {
    return c.withTokens(c.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("k1", KEY))));
  }

  private static String signed(String path) {
    String token = EdgeAuthSigner.builder().keyHex(KEY).build()
        .sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)).build());
    return TokenQuery.url(path, "hdnts", token);
  }

  @Test
  void ffmpeg_playsASignedStreamFromAnHttpsOriginNamedByDns_andEverySegmentIsFetched() throws Exception {
    Tools.require("ffmpeg", "-version");
    try (EdgeNode edge = edge(EdgeHttpsOriginTest::checkingTokens, originUri())) {
      assertThat(RawHttp.get(edge.port(), "/demo/master.m3u8").status()).isEqualTo(403);
      String master = signed("/demo/master.m3u8");

      play("http://127.0.0.1:" + edge.port() + master);

      List<String> segments = new ArrayList<>();
      for (String playlist : uris(master, get(edge, master))) {
        for (String segment : uris(playlist, get(edge, playlist))) {
          RawHttp.Response response = RawHttp.get(edge.port(), segment);
          assertThat(response.status()).as(segment).isEqualTo(200);
          assertThat(response.body()).as(segment).isNotEmpty();
          segments.add(segment);
        }
      }
      assertThat(segments).hasSizeGreaterThanOrEqualTo(8); // two renditions of four segments
      assertThat(edge.metric("edge_upstream_requests_seconds_count{outcome=\"2xx\"}")).isPositive();
      assertThat(edge.metric("edge_upstream_connect_failures_total{reason=\"tls\"}")).isZero();
      assertThat(dns.questions("origin.test", "A")).isPositive();
    }
  }

  @Test
  void get_originUnderANameItsCertificateDoesNotCarry_is502CountedAsTls() throws Exception {
    try (EdgeNode edge = edge(c -> c, URI.create("https://127.0.0.1:" + origin.port()))) {
      RawHttp.Response response = RawHttp.get(edge.port(), "/demo/master.m3u8");

      assertThat(response.status()).isEqualTo(502);
      assertThat(response.text()).doesNotContain("certificate");
      assertThat(edge.metric("edge_upstream_connect_failures_total{reason=\"tls\"}")).isPositive();
      assertThat(edge.metric("edge_upstream_requests_seconds_count{outcome=\"tls\"}")).isPositive();
    }
  }

  @Test
  void get_throughAParentOverHttps_isHealthCheckedAndUsed() throws Exception {
    TestCa.Issued shieldCert = CA.server("shield.test");
    try (EdgeNode shield = edge(
            c -> c.withServer(c.server().withTls(new TlsConfig(shieldCert.certFile(), shieldCert.keyFile(), Duration.ZERO))),
            originUri());
        EdgeNode edge = edge(
            c -> c.withUpstream(c.upstream()
                .withUrls(List.of(originUri()), List.of(URI.create("https://shield.test:" + shield.port())))
                .withHealthInterval(Duration.ofMillis(100))),
            originUri())) {
      String gauge = "edge_upstream_parent_up{parent=\"shield.test:" + shield.port() + "\"}";
      Await.metric(edge, gauge, 1);

      RawHttp.Response response = RawHttp.get(edge.port(), "/demo/240p/seg_000.ts");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("via")).contains(shield.server().nodeName()).contains(edge.server().nodeName());
    }
  }

  @Test
  void get_parentWhoseCertificateDoesNotVerify_isMarkedDownAndTheOriginUsed() throws Exception {
    TestCa other = TestCa.create(DIR.resolve("other"), "other");
    TestCa.Issued shieldCert = other.server("shield.test");
    try (EdgeNode shield = edge(
            c -> c.withServer(c.server().withTls(new TlsConfig(shieldCert.certFile(), shieldCert.keyFile(), Duration.ZERO))),
            originUri());
        EdgeNode edge = edge(
            c -> c.withUpstream(c.upstream()
                .withUrls(List.of(originUri()), List.of(URI.create("https://shield.test:" + shield.port())))
                .withHealthInterval(Duration.ofMillis(100))),
            originUri())) {
      Await.metric(edge, "edge_upstream_parent_up{parent=\"shield.test:" + shield.port() + "\"}", 0);

      RawHttp.Response response = RawHttp.get(edge.port(), "/demo/240p/seg_001.ts");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("via")).doesNotContain(shield.server().nodeName());
      assertThat(edge.metric("edge_upstream_connect_failures_total{reason=\"tls\"}")).isPositive();
    }
  }

  private static String get(EdgeNode edge, String path) throws IOException {
    RawHttp.Response response = RawHttp.get(edge.port(), path);
    assertThat(response.status()).as(path).isEqualTo(200);
    return response.text();
  }

  /** The URI lines of a playlist, resolved against its path, each carrying the token the edge appended. */
  private static List<String> uris(String playlistPath, String playlist) {
    URI base = URI.create("http://edge" + playlistPath);
    List<String> paths = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        URI resolved = base.resolve(trimmed);
        assertThat(resolved.getRawQuery()).as(trimmed).contains("hdnts=");
        paths.add(resolved.getRawPath() + "?" + resolved.getRawQuery());
      }
    }
    return paths;
  }

  private static void play(String url) throws Exception {
    List<String> command = List.of("ffmpeg", "-v", "error", "-i", url, "-map", "0", "-f", "null", "-");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("ffmpeg exited with output:%n%s", text).isZero();
    assertThat(text).isEmpty();
  }
}
