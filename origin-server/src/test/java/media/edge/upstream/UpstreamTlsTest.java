package media.edge.upstream;

import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import media.edge.config.UpstreamConfig;
import media.edge.config.UpstreamDnsConfig;
import media.edge.config.UpstreamTlsConfig;
import media.edge.testing.TestCa;
import media.edge.testing.TestDns;
import media.edge.testing.TestUpstream;
import media.edge.tls.UpstreamTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS to upstreams against the JDK's TLS server (another implementation than the client's BoringSSL),
 * with certificates of a private CA made by the test (root, intermediate, leaf) and the origin named by a
 * test DNS server: a chain that verifies is used, with SNI and ALPN http/1.1; one for another name, one
 * the system trust store does not know, and an expired one are refused as {@code tls} failures, counted
 * and logged, with no request sent; mutual TLS; sessions resumed on the next connection.
 */
class UpstreamTlsTest {
  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();
  private static final byte[] BODY = "segment".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;
  private static TestCa ca;
  private static TestDns dns;

  @BeforeAll
  static void start() {
    ca = TestCa.create(dir, "upstream");
    dns = TestDns.start().answer("origin.test", Duration.ofMinutes(1), "127.0.0.1");
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  private static TestUpstream origin(TestCa.Issued certificate, boolean requireClientCertificate) throws Exception {
    TestUpstream origin =
        harness.closeAfter(TestUpstream.startTls(ca.sslContext(certificate), requireClientCertificate));
    origin.on("/a.ts", TestUpstream.ok(BODY));
    return origin;
  }

  private static UpstreamConfig.Builder https(TestUpstream origin, UpstreamTlsConfig tls) {
    return config()
        .origins(origin.httpsUri("origin.test"))
        .tls(tls)
        .dns(new UpstreamDnsConfig(List.of(dns.address()), Duration.ofMinutes(5)));
  }

  private static UpstreamTlsConfig trustingTheTestCa() {
    return new UpstreamTlsConfig(ca.certFile(), null, null, false);
  }

  private static Recorder fetch(UpstreamConfig config, SimpleMeterRegistry registry) throws Exception {
    SslContext context = UpstreamTls.context(config.tls());
    UpstreamClient client = harness.client(config, registry, b -> b.tls(context));
    Recorder recorder = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);
    return recorder.await();
  }

  private static double connectFailures(SimpleMeterRegistry registry, String reason) {
    return registry.get("edge.upstream.connect.failures").tag("reason", reason).counter().count();
  }

  private static long outcomes(SimpleMeterRegistry registry, String outcome) {
    return registry.get("edge.upstream.requests").tag("outcome", outcome).timer().count();
  }

  @Test
  void fetch_chainOfAPrivateCa_isVerifiedAndTheNameSentAsSni() throws Exception {
    TestUpstream origin = origin(ca.server("origin.test"), false);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Recorder recorder = fetch(https(origin, trustingTheTestCa()).build(), registry);

    assertThat(recorder.events()).first().isEqualTo("headers");
    assertThat(recorder.bytes()).isEqualTo(BODY);
    assertThat(recorder.upstream()).isEqualTo("origin.test:" + origin.port());
    assertThat(origin.requests().get(0).header("host")).isEqualTo("origin.test:" + origin.port());
    TestUpstream.Handshake handshake = origin.handshakes().get(0);
    assertThat(handshake.serverNames()).containsExactly("origin.test");
    assertThat(handshake.offeredProtocols()).containsExactly("http/1.1");
    assertThat(handshake.clientSubject()).isNull();
    assertThat(outcomes(registry, "2xx")).isEqualTo(1);
  }

  @Test
  void fetch_certificateForAnotherName_failsAsTlsBeforeAnyRequest_countedAndLogged() throws Exception {
    TestUpstream origin = origin(ca.server("other.test"), false);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(https(origin, trustingTheTestCa()).build(), registry);

      assertThat(log.messages()).singleElement().asString()
          .startsWith("upstream origin.test:" + origin.port() + ": TLS refused, connection closed: handshake failed")
          .contains("origin.test");
    }
    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TLS);
    assertThat(recorder.message()).contains("certificate not accepted");
    assertThat(origin.requests()).isEmpty();
    assertThat(connectFailures(registry, "tls")).isEqualTo(1);
    assertThat(outcomes(registry, "tls")).isEqualTo(1);
  }

  @Test
  void fetch_ipLiteralTheCertificateDoesNotName_failsAsTls() throws Exception {
    TestUpstream origin = origin(ca.server("origin.test"), false);
    UpstreamConfig config = https(origin, trustingTheTestCa()).origins(origin.httpsUri("127.0.0.1")).build();

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(config, new SimpleMeterRegistry());
    }

    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TLS);
    assertThat(origin.requests()).isEmpty();
  }

  @Test
  void fetch_privateCaWithTheSystemTrustStore_failsAsTls() throws Exception {
    TestUpstream origin = origin(ca.server("origin.test"), false);

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(https(origin, new UpstreamTlsConfig(null, null, null, false)).build(), new SimpleMeterRegistry());
    }

    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TLS);
    assertThat(recorder.message()).contains("certificate not accepted");
    assertThat(origin.requests()).isEmpty();
  }

  @Test
  void fetch_expiredCertificate_failsAsTls() throws Exception {
    TestUpstream origin = origin(ca.expiredServer("origin.test"), false);

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(https(origin, trustingTheTestCa()).build(), new SimpleMeterRegistry());
    }

    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TLS);
    assertThat(origin.requests()).isEmpty();
  }

  @Test
  void fetch_insecure_acceptsACertificateThatWouldNotVerify() throws Exception {
    TestUpstream origin = origin(ca.server("other.test"), false);

    Recorder recorder = fetch(https(origin, new UpstreamTlsConfig(null, null, null, true)).build(), new SimpleMeterRegistry());

    assertThat(recorder.bytes()).isEqualTo(BODY);
  }

  @Test
  void fetch_originRequiringAClientCertificate_getsOurs() throws Exception {
    TestUpstream origin = origin(ca.server("origin.test"), true);
    TestCa.Issued edge = ca.client("edge-1");

    Recorder recorder = fetch(
        https(origin, trustingTheTestCa().withClientCertificate(edge.certFile(), edge.keyFile())).build(),
        new SimpleMeterRegistry());

    assertThat(recorder.bytes()).isEqualTo(BODY);
    assertThat(origin.handshakes().get(0).clientSubject()).contains("CN=edge-1");
  }

  @Test
  void fetch_originRequiringAClientCertificate_withoutOne_failsAsTls() throws Exception {
    TestUpstream origin = origin(ca.server("origin.test"), true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(https(origin, trustingTheTestCa()).build(), registry);

      assertThat(log.messages()).singleElement().asString().contains("TLS refused");
    }
    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.TLS);
    assertThat(origin.requests()).isEmpty();
    assertThat(connectFailures(registry, "tls")).isEqualTo(1);
  }

  @Test
  void fetch_onANewConnection_resumesTheSession() throws Exception {
    TestUpstream origin =
        harness.closeAfter(TestUpstream.startTls(ca.sslContext(ca.server("origin.test")), false));
    origin.on("/a.ts", (request, out) -> {
      out.send(200, BODY, "Connection", "close");
      out.close();
    });
    UpstreamConfig config = https(origin, trustingTheTestCa()).build();
    SslContext context = UpstreamTls.context(config.tls());
    UpstreamClient client = harness.client(config, new SimpleMeterRegistry(), b -> b.tls(context));

    for (int i = 0; i < 2; i++) {
      Recorder recorder = harness.recorder();
      client.fetch(UpstreamRequest.get("/a.ts", null), recorder);
      assertThat(recorder.await().bytes()).isEqualTo(BODY);
    }

    assertThat(origin.accepted()).isEqualTo(2);
    List<TestUpstream.Handshake> handshakes = origin.handshakes();
    // Two full handshakes would be made a request apart, never in the same millisecond.
    assertThat(handshakes.get(1).sessionCreated()).isEqualTo(handshakes.get(0).sessionCreated());
  }
}
