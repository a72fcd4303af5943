package media.edge.upstream;

import static media.edge.upstream.UpstreamHarness.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import media.edge.config.UpstreamConfig;
import media.edge.config.UpstreamDnsConfig;
import media.edge.testing.Await;
import media.edge.testing.TestDns;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstream host names through the client's asynchronous resolver, against a test DNS server: answers
 * are kept for their TTL and asked again after it, AAAA answers are used, {@code /etc/hosts} comes
 * first, IP literals never reach DNS, a name that stops resolving keeps its last good addresses for
 * {@code upstream.dns.stale-for} (on a fake clock) and then fails as {@code dns}, counted and logged.
 * Each origin answers with {@code Connection: close}, so that every fetch connects, and resolves, anew.
 */
class UpstreamDnsTest {
  @RegisterExtension static final UpstreamHarness harness = new UpstreamHarness();
  private static final byte[] BODY = "segment".getBytes(StandardCharsets.US_ASCII);

  private TestDns dns;
  private final AtomicLong nanos = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void startDns() {
    dns = TestDns.start();
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  private static TestUpstream origin(TestUpstream origin) {
    harness.closeAfter(origin);
    origin.on("/a.ts", (request, out) -> {
      out.send(200, BODY, "Connection", "close");
      out.close();
    });
    return origin;
  }

  private UpstreamClient client(URI upstream, Duration staleFor) {
    UpstreamConfig config = config()
        .origins(upstream)
        .connectTimeout(Duration.ofMillis(500))
        .dns(new UpstreamDnsConfig(List.of(dns.address()), staleFor))
        .build();
    return harness.client(config, registry, b -> b.nanoTime(nanos::get));
  }

  private static Recorder fetch(UpstreamClient client) throws Exception {
    Recorder recorder = harness.recorder();
    client.fetch(UpstreamRequest.get("/a.ts", null), recorder);
    return recorder.await();
  }

  private double counter(String name, String... tags) {
    var search = registry.find(name);
    for (int i = 0; i < tags.length; i += 2) {
      search = search.tag(tags[i], tags[i + 1]);
    }
    return search.counter() == null ? 0 : search.counter().count();
  }

  @Test
  void fetch_name_isAskedOnceWhileItsTtlLasts() throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    dns.answer("origin.test", Duration.ofMinutes(10), "127.0.0.1");
    UpstreamClient client = client(URI.create("http://origin.test:" + origin.port()), Duration.ofMinutes(5));

    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    assertThat(fetch(client).bytes()).isEqualTo(BODY);

    assertThat(origin.accepted()).isEqualTo(2);
    assertThat(dns.questions("origin.test", "A")).isEqualTo(1);
    assertThat(origin.requests().get(0).header("host")).isEqualTo("origin.test:" + origin.port());
  }

  @Test
  void fetch_shortTtl_isAskedAgainOnceItEnds() throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    dns.answer("origin.test", Duration.ofSeconds(1), "127.0.0.1");
    UpstreamClient client = client(URI.create("http://origin.test:" + origin.port()), Duration.ofMinutes(5));

    Await.until("a second question once the 1 s TTL ended", () -> {
      assertThat(fetch(client).bytes()).isEqualTo(BODY);
      return dns.questions("origin.test", "A") >= 2;
    });
  }

  @Test
  void fetch_nameWithOnlyAnAaaaRecord_connectsOverIpv6() throws Exception {
    TestUpstream origin = origin(TestUpstream.startOn(InetAddress.getByName("::1")));
    dns.answer("v6.origin.test", Duration.ofMinutes(1), "::1");
    UpstreamClient client = client(URI.create("http://v6.origin.test:" + origin.port()), Duration.ofMinutes(5));

    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    assertThat(dns.questions("v6.origin.test", "AAAA")).isEqualTo(1);
  }

  @Test
  void fetch_ipLiteral_neverAsksDns() throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    UpstreamClient client = client(origin.uri(), Duration.ofMinutes(5));

    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    assertThat(dns.questions()).isZero();
  }

  @Test
  void fetch_localhost_isResolvedFromTheHostsFile() throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    UpstreamClient client = client(URI.create("http://localhost:" + origin.port()), Duration.ofMinutes(5));

    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    assertThat(dns.questions()).isZero();
  }

  @Test
  void fetch_unknownName_failsAsDns_countedAndLogged() throws Exception {
    UpstreamClient client = client(URI.create("http://missing.origin.test:8080"), Duration.ofMinutes(5));

    Recorder recorder;
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      recorder = fetch(client);

      assertThat(log.messages()).singleElement().asString()
          .startsWith("upstream missing.origin.test:8080: its host name does not resolve: UnknownHostException");
    }
    assertThat(recorder.failure()).isEqualTo(UpstreamFailure.DNS);
    assertThat(counter("edge.upstream.connect.failures", "reason", "dns")).isEqualTo(1);
    assertThat(registry.get("edge.upstream.requests").tag("outcome", "dns").timer().count()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SERVFAIL", "NXDOMAIN", "no answer"})
  void fetch_nameThatStopsResolving_keepsItsLastGoodAddressesForStaleFor(String failure) throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    dns.answer("origin.test", Duration.ofSeconds(1), "127.0.0.1");
    UpstreamClient client = client(URI.create("http://origin.test:" + origin.port()), Duration.ofMinutes(5));
    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    switch (failure) {
      case "SERVFAIL" -> dns.fail("origin.test", DnsResponseCode.SERVFAIL);
      case "NXDOMAIN" -> dns.fail("origin.test", DnsResponseCode.NXDOMAIN);
      default -> dns.silence("origin.test");
    }

    try (CapturedLog log = CapturedLog.of(LastGoodAddresses.class)) {
      Await.until("a fetch on the last good addresses once the TTL ended", () -> {
        assertThat(fetch(client).bytes()).isEqualTo(BODY);
        return counter("edge.upstream.dns.stale") >= 1;
      });
      assertThat(log.messages()).first().asString()
          .startsWith("upstream host origin.test does not resolve (UnknownHostException")
          .contains("connecting to its last good addresses [127.0.0.1]");
    }

    nanos.addAndGet(TimeUnit.MINUTES.toNanos(5) + 1);
    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      assertThat(fetch(client).failure()).isEqualTo(UpstreamFailure.DNS);
    }
    assertThat(counter("edge.upstream.connect.failures", "reason", "dns")).isEqualTo(1);
  }

  @Test
  void fetch_staleForZero_failsAsSoonAsTheNameStopsResolving() throws Exception {
    TestUpstream origin = origin(TestUpstream.start());
    dns.answer("origin.test", Duration.ofSeconds(1), "127.0.0.1");
    UpstreamClient client = client(URI.create("http://origin.test:" + origin.port()), Duration.ZERO);
    assertThat(fetch(client).bytes()).isEqualTo(BODY);
    dns.fail("origin.test", DnsResponseCode.SERVFAIL);

    try (CapturedLog log = CapturedLog.of(ConnectFailures.class)) {
      Await.until("a dns failure once the TTL ended", () -> fetch(client).failure() == UpstreamFailure.DNS);
    }
    assertThat(counter("edge.upstream.dns.stale")).isZero();
  }
}
