package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import media.edge.config.TlsConfig;
import media.edge.config.TokenConfig;
import media.edge.config.TokenKey;
import media.edge.testing.Await;
import media.edge.testing.Https;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import media.edge.tls.DevelopmentCertificate;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS on the data port with real clients: the JDK's HTTP client over HTTP/1.1 and HTTP/2 (each
 * behaviour runs on both, answered by the same FileHandler), curl with nghttp2, and bare handshakes.
 * Library files above {@code cache.sendfile-min-bytes} take the file path, which under TLS must send
 * chunks rather than a file region; their bytes are checked by SHA-256.
 */
class HttpsServingTest {
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());
  private static final EdgeAuthSigner SIGNER = EdgeAuthSigner.builder().keyHex(KEY).build();
  private static final byte[] BIG = bytes(3 * 1024 * 1024 + 123, 1);
  private static final byte[] SMALL = bytes(10_000, 2);
  private static final Path CERTS = tempDir();
  private static final DevelopmentCertificate CERT = certificate();

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withServer(c.server().withTls(new TlsConfig(CERT.certFile(), CERT.keyFile(), Duration.ZERO)))
              .withTokens(new TokenConfig(
                  true, "hdnts", "sha256", List.of(TokenKey.hmac("k1", KEY)), null, "",
                  Duration.ZERO, List.of("query", "cookie", "header"), List.of("/public/"), false)),
          root -> {
            try {
              Files.createDirectories(root.resolve("public"));
              Files.write(root.resolve("public/big.ts"), BIG);
              Files.write(root.resolve("public/small.ts"), SMALL);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

  private static final SSLContext TRUST = Https.trusting(CERT.certFile());

  private static HttpClient client(HttpClient.Version version) {
    return Https.client(TRUST, version);
  }

  @Test
  void handshake_alpnPicksH2_andHttp11ForClientsWithoutH2() throws IOException {
    assertThat(Https.handshake(server.port(), TRUST, "h2", "http/1.1").alpn()).isEqualTo("h2");
    assertThat(Https.handshake(server.port(), TRUST, "http/1.1").alpn()).isEqualTo("http/1.1");
    assertThat(Https.handshake(server.port(), TRUST, "h2").protocol()).isIn("TLSv1.3", "TLSv1.2");
  }

  @Test
  void metrics_reportTheTlsEngine() throws IOException {
    String engine = server.server().tls().provider();

    assertThat(engine).isEqualTo("openssl"); // netty-tcnative's BoringSSL ships for Linux x86-64 and aarch64
    assertThat(server.metric("edge_tls_info{provider=\"" + engine + "\"}")).isEqualTo(1.0);
    assertThat(server.metric("edge_tls_certificate_expiry_seconds"))
        .isEqualTo((double) CERT.notAfter().getEpochSecond());
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_largeLibraryFile_sendsEveryByteInChunks(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> response = Https.get(client(version), server.port(), "/public/big.ts");

    assertThat(response.version()).isEqualTo(version);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue(Integer.toString(BIG.length));
    assertThat(sha256(response.body())).isEqualTo(sha256(BIG));
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_rangeOfLargeFile_is206WithThoseBytes(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> response =
        Https.get(client(version), server.port(), "/public/big.ts", "Range", "bytes=1000000-2500000");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("content-range")).hasValue("bytes 1000000-2500000/" + BIG.length);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(BIG, 1_000_000, 2_500_001));
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_rangeOfMemoryHit_is206WithThoseBytes(HttpClient.Version version) throws Exception {
    Https.get(client(version), server.port(), "/public/small.ts"); // now in memory

    HttpResponse<byte[]> response = Https.get(client(version), server.port(), "/public/small.ts", "Range", "bytes=-100");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("content-range")).hasValue("bytes 9900-9999/10000");
    assertThat(response.headers().allValues("x-cache")).containsExactly("memory");
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(SMALL, 9900, 10_000));
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_multipleRanges_sendsTheWholeFile(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> response =
        Https.get(client(version), server.port(), "/public/small.ts", "Range", "bytes=0-9,20-29");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SMALL);
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_ifNoneMatchMatches_returns304(HttpClient.Version version) throws Exception {
    String etag = Https.get(client(version), server.port(), "/public/big.ts").headers().firstValue("etag").orElseThrow();

    HttpResponse<byte[]> response = Https.get(client(version), server.port(), "/public/big.ts", "If-None-Match", etag);

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.headers().firstValue("etag")).hasValue(etag);
    assertThat(response.body()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_ifModifiedSinceLastModified_returns304(HttpClient.Version version) throws Exception {
    String modified =
        Https.get(client(version), server.port(), "/public/small.ts").headers().firstValue("last-modified").orElseThrow();

    HttpResponse<byte[]> response =
        Https.get(client(version), server.port(), "/public/small.ts", "If-Modified-Since", modified);
    HttpResponse<byte[]> older =
        Https.get(client(version), server.port(), "/public/small.ts", "If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");

    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(older.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void get_withoutToken_is403_withToken_is200WithThePlaylistRewritten(HttpClient.Version version) throws Exception {
    String token = SIGNER.sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)).build());

    HttpResponse<byte[]> refused = Https.get(client(version), server.port(), "/demo/master.m3u8");
    HttpResponse<byte[]> served =
        Https.get(client(version), server.port(), TokenQuery.url("/demo/master.m3u8", "hdnts", token));
    HttpResponse<byte[]> byCookie =
        Https.get(client(version), server.port(), "/demo/240p/seg_001.ts", "Cookie", "a=b; hdnts=" + token);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(new String(served.body(), StandardCharsets.UTF_8))
        .contains("240p/index.m3u8?hdnts=" + TokenQuery.escape(token));
    assertThat(byCookie.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void options_corsPreflight_is204WithAllowOrigin(HttpClient.Version version) throws Exception {
    HttpRequest preflight =
        Https.request(server.port(), "/public/small.ts",
                "Origin", "https://player.example", "Access-Control-Request-Method", "GET")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build();

    HttpResponse<byte[]> response = client(version).send(preflight, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.version()).isEqualTo(version);
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("access-control-allow-origin")).isPresent();
    assertThat(response.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(v -> assertThat(v).contains("GET"));
  }

  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void head_largeFile_hasLengthAndNoBody(HttpClient.Version version) throws Exception {
    HttpRequest head = Https.request(server.port(), "/public/big.ts").method("HEAD", HttpRequest.BodyPublishers.noBody()).build();

    HttpResponse<byte[]> response = client(version).send(head, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue(Integer.toString(BIG.length));
    assertThat(response.body()).isEmpty();
  }

  @Test
  void http2_requestsAreCountedInMetrics() throws Exception {
    double before = server.metric("edge_http_rejections_total{reason=\"method_not_allowed\"}");
    HttpRequest delete = Https.request(server.port(), "/public/small.ts").DELETE().build();

    HttpResponse<byte[]> response = client(HttpClient.Version.HTTP_2).send(delete, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(server.metric("edge_http_rejections_total{reason=\"method_not_allowed\"}")).isEqualTo(before + 1);
  }

  @Test
  void curl_http2_getsH2WithoutConnectionHeaders_andTheWholeFile() throws Exception {
    Tools.require("curl", "--version");
    Path out = CERTS.resolve("curl-big.ts");

    String headers = curl("--http2", "-o", out.toString(), "https://127.0.0.1:" + server.port() + "/public/big.ts");

    assertThat(headers).startsWith("HTTP/2 200");
    assertThat(headers.toLowerCase()).doesNotContain("connection:").doesNotContain("keep-alive")
        .doesNotContain("transfer-encoding");
    assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(BIG));
  }

  /**
   * Issue 6's "a browser plays the demo over HTTPS with HTTP/2": hls.js in Debian's Chromium, from
   * one signed master URL (the token reaches every playlist and segment through the rewrite), on a
   * development certificate; every answer the browser received must have come over h2.
   */
  @Test
  void hlsJsInChromium_playsTheSignedDemoOverHttp2() throws Exception {
    Path player = Path.of("src/test/player").toAbsolutePath();
    Tools.require("node", "--version");
    Tools.require("chromium", "--version");
    Tools.require("test", "-d", player.resolve("node_modules/hls.js").toString());
    String token = SIGNER.sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)).build());
    String url = "https://localhost:" + server.port() + TokenQuery.url("/demo/master.m3u8", "hdnts", token);
    double segmentBytesBefore = segmentBytesSent();

    ProcessBuilder builder = new ProcessBuilder("node", "play.mjs", url, "3", "60").directory(player.toFile()).redirectErrorStream(true);
    builder.environment().put("IGNORE_HTTPS_ERRORS", "1");
    Process node = builder.start();
    node.getOutputStream().close();
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(output).contains("\"played\":true").contains("\"protocols\":[\"h2\"]");
    assertThat(node.exitValue()).as(output).isZero();
    // Counted when each response's last write completes, which can be after the browser read it.
    Await.asserted("the browser's segments to be counted", () ->
        assertThat(segmentBytesSent()).as("segment bytes sent to the browser").isGreaterThan(segmentBytesBefore));
  }

  /** nghttp2's load generator as an HTTP/2 client: many streams on few connections, all answered whole. */
  @Test
  void h2load_manyConcurrentStreams_allSucceedOverH2() throws Exception {
    Tools.require("h2load", "--version");
    String url = "https://127.0.0.1:" + server.port() + "/public/small.ts";

    Process h2load = new ProcessBuilder("h2load", "-n", "400", "-c", "4", "-m", "16", url).redirectErrorStream(true).start();
    h2load.getOutputStream().close();
    String output = new String(h2load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(h2load.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(output)
        .contains("Application protocol: h2")
        .contains("requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored")
        .contains("status codes: 400 2xx")
        .contains("traffic: ");
    assertThat(h2load.exitValue()).as(output).isZero();
  }

  /**
   * Regression (TLS review): a request head Netty cannot convert (a space in {@code :path}, a method
   * a request line may not hold) reset the stream with a warning and a stack trace in the log; it now
   * gets 400 and is counted, as on HTTP/1.1. nghttp (nghttp2's client) sends such heads as told.
   */
  @Test
  void nghttp_malformedRequestHead_is400AndCounted() throws Exception {
    Tools.require("nghttp", "--version");
    double before = server.metric("edge_http_rejections_total{reason=\"malformed\"}");
    String base = "https://127.0.0.1:" + server.port();

    for (String header : List.of(":path: /public/small ts?a b", ":method: G(ET")) {
      Process nghttp = new ProcessBuilder("nghttp", "-nv", "-H", header, base + "/public/small.ts").redirectErrorStream(true).start();
      nghttp.getOutputStream().close();
      String output = new String(nghttp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(nghttp.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(output).as(header).contains(":status: 400").doesNotContain("RST_STREAM");
    }

    assertThat(server.metric("edge_http_rejections_total{reason=\"malformed\"}")).isEqualTo(before + 2);
  }

  /** Segment body bytes sent so far, whatever tier they came from. */
  private static double segmentBytesSent() throws IOException {
    double sum = 0;
    for (String line : server.metrics().split("\n")) {
      if (line.startsWith("edge_http_response_bytes_total{") && line.contains("kind=\"segment\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  void curl_http2_gzipsSignedPlaylists_andErrorsKeepTheirShape() throws Exception {
    Tools.require("curl", "--version");
    String token = SIGNER.sign(TokenClaims.acl("/demo/*").expires(Instant.now().plusSeconds(3600)).build());
    String base = "https://127.0.0.1:" + server.port();

    String notFound = curl("--http2", "-o", "/dev/null", base + "/public/nope.ts");
    String gzip = curl("--http2", "--compressed", "-o", "/dev/null", base + TokenQuery.url("/demo/master.m3u8", "hdnts", token));

    assertThat(notFound).startsWith("HTTP/2 404").containsIgnoringCase("content-length: 14");
    assertThat(notFound.toLowerCase()).doesNotContain("connection:");
    assertThat(gzip).startsWith("HTTP/2 200").containsIgnoringCase("content-encoding: gzip");
    assertThat(gzip.toLowerCase()).doesNotContain("transfer-encoding").doesNotContain("connection:");
  }

  @Test
  void curl_http11OverTls_isServedToo() throws Exception {
    Tools.require("curl", "--version");
    Path out = CERTS.resolve("curl-big-11.ts");

    String headers = curl("--http1.1", "-o", out.toString(), "https://127.0.0.1:" + server.port() + "/public/big.ts");

    assertThat(headers).startsWith("HTTP/1.1 200");
    assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(BIG));
  }

  /** Runs curl trusting the test certificate; returns the response headers it printed. */
  private static String curl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(
        List.of("curl", "-sS", "--max-time", "20", "--cacert", CERT.certFile().toString(), "-D", "-"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @AfterAll
  static void deleteCertificates() throws IOException {
    try (Stream<Path> walk = Files.walk(CERTS)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("edge-tls-test-");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DevelopmentCertificate certificate() {
    try {
      return DevelopmentCertificate.generate(CERTS, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
