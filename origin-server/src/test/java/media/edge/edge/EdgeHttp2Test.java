package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import media.edge.config.TlsConfig;
import media.edge.testing.EdgeNode;
import media.edge.testing.Https;
import media.edge.testing.TestUpstream;
import media.edge.tls.DevelopmentCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge mode answered over HTTP/2: misses fetched once upstream and streamed, hits and ranges from the
 * cache, and nothing of HTTP/2's own (the {@code x-http2-*} fields Netty's codec adds) passed upstream.
 */
class EdgeHttp2Test {
  private static final String SEGMENT_TYPE = "video/mp2t";
  @TempDir static Path certs;
  private static TestUpstream upstream;
  private static EdgeNode edge;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    DevelopmentCertificate cert = DevelopmentCertificate.generate(certs.resolve("tls"), Clock.systemUTC());
    upstream = TestUpstream.start();
    edge = EdgeNode.start(
        c -> c.withServer(c.server().withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO))),
        upstream.uri());
    client = Https.client(Https.trusting(cert.certFile()), HttpClient.Version.HTTP_2);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
    upstream.close();
  }

  @Test
  void get_missThenHitThenRange_overHttp2_oneUpstreamRequestWithoutHttp2Fields() throws Exception {
    byte[] body = new byte[700_000];
    new Random(5).nextBytes(body);
    upstream.on("/a/seg1.ts", TestUpstream.ok(body, "Content-Type", SEGMENT_TYPE, "Cache-Control", "max-age=60"));

    HttpResponse<byte[]> miss = Https.get(client, edge.port(), "/a/seg1.ts");
    HttpResponse<byte[]> hit = Https.get(client, edge.port(), "/a/seg1.ts");
    HttpResponse<byte[]> range = Https.get(client, edge.port(), "/a/seg1.ts", "Range", "bytes=100-199");

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(miss.statusCode()).isEqualTo(200);
    assertThat(miss.body()).isEqualTo(body);
    assertThat(hit.body()).isEqualTo(body);
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(body, 100, 200));
    assertThat(upstream.count("/a/seg1.ts")).isEqualTo(1);
    TestUpstream.Request sent = upstream.requests().stream().filter(r -> r.path().equals("/a/seg1.ts")).findFirst().orElseThrow();
    assertThat(sent.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-http2-"));
    assertThat(sent.header("host")).isNotNull();
  }

  @Test
  void get_upstreamStreamsWithoutLength_isRelayedOverHttp2() throws Exception {
    byte[] body = new byte[300_000];
    new Random(6).nextBytes(body);
    upstream.on("/live/chunked.ts", (request, out) -> {
      out.head(200, "Content-Type", SEGMENT_TYPE, "Cache-Control", "max-age=60", "Connection", "close");
      out.write(body, 0, body.length);
      out.close();
    });

    HttpResponse<byte[]> response = Https.get(client, edge.port(), "/live/chunked.ts");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
    assertThat(response.headers().map().keySet()).doesNotContain("transfer-encoding", "connection");
  }
}
