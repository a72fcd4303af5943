package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import media.edge.config.EdgeConfig;
import media.edge.config.TlsConfig;
import media.edge.config.TokenKey;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.Https;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import media.edge.testing.Tools;
import media.edge.tls.DevelopmentCertificate;
import media.edge.token.TokenKeyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 15: the attacks of the hardening issue, each against a real edge in front of a real upstream on
 * loopback and each bounded in time. Every test asserts the three things the issue asks of an attack:
 * the server's memory stays within a bound (Netty's pooled direct memory, from {@code /metrics}), other
 * viewers are still answered in well under a second (the median of five requests of a cached segment,
 * taken while the attack holds), and the log stays quiet (fewer than 50 lines at INFO and above).
 *
 * <p>The desync, cookie and forwarded-host poisoning cases are in {@code media.edge.upstream} and
 * {@code media.edge.edge} with the code they guard.
 */
class AbuseTest {
  /** What a pass-through object weighs: far above the memory tier's largest object, as in the issue. */
  private static final int BIG = 40 * 1024 * 1024;
  private static final long MIB = 1024 * 1024;
  private static final String DIRECT = "netty_allocator_memory_used_bytes{memory=\"direct\"}";

  private static TestUpstream upstream;
  private static byte[] big;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Socket> attackers = new ArrayList<>();

  @BeforeAll
  static void startUpstream() throws IOException {
    big = new byte[BIG];
    new Random(15).nextBytes(big);
    upstream = TestUpstream.start()
        .on("/big.bin", TestUpstream.ok(big, "Cache-Control", "max-age=60"))
        .on("/a/seg.ts", TestUpstream.ok(new byte[20_000], "Cache-Control", "max-age=600"));
  }

  @AfterAll
  static void stopUpstream() throws IOException {
    upstream.close();
  }

  @BeforeEach
  void captureLog() {
    log.start();
    root().addAppender(log);
  }

  @AfterEach
  void closeAttackers() throws IOException {
    root().detachAppender(log);
    for (Socket socket : attackers) {
      socket.close();
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static EdgeNode edge(UnaryOperator<EdgeConfig> more) throws StartupException {
    return EdgeNode.start(
        c -> more.apply(c
            .withLog(c.log().withAccess(false, null)) // not the JVM's stdout, which surefire reads
            .withCache(c.cache().withMemory(64 * MIB, MIB))
            .withServer(c.server().withClientLimits(Duration.ofSeconds(1), Duration.ofSeconds(3), 0))),
        upstream.uri());
  }

  /** The first attack: 20 connections ask for a 40 MB pass-through object and never read. */
  @Test
  void nonReaders_http1_holdAFewBuffersEach_andOthersAreServed() throws Exception {
    try (EdgeNode edge = edge(c -> c.withServer(c.server().withClientLimits(Duration.ofSeconds(1), Duration.ofSeconds(30), 0)))) {
      warm(edge);
      double before = edge.metric(DIRECT);
      for (int i = 0; i < 20; i++) {
        Socket socket = nonReader(edge.port());
        socket.getOutputStream().write(get("/big.bin"));
      }
      Await.until("every non-reader's pass-through under way", () -> upstream.count("/big.bin") >= 20);
      // The relayed bodies fill the sockets' buffers, then stop: the direct memory they hold settles.
      double settled = Await.value("direct memory settled", () -> settledDirect(edge), v -> v >= 0);

      assertThat(settled - before).as("direct memory held for 20 non-readers of 40 MB (unpaced: 800 MB)")
          .isLessThan(64.0 * MIB);
      othersServed(edge);
      assertThat(edge.metric("edge_clients_cut_off_total{reason=\"queue_full\"}")).isZero();
      assertQuiet();
    }
  }

  /** Those non-readers are cut off after server.send-timeout, and their upstream exchanges end with them. */
  @Test
  void nonReaders_areCutOffAfterTheSendTimeout() throws Exception {
    try (EdgeNode edge = edge(UnaryOperator.identity())) {
      for (int i = 0; i < 5; i++) {
        nonReader(edge.port()).getOutputStream().write(get("/big.bin"));
      }
      Await.metric(edge, "edge_clients_cut_off_total{reason=\"send_timeout\"}", 5);
      Await.until("the cut-off clients' connections closed", () -> edge.server().openConnections() == 0);
      othersServed(edge);
      assertQuiet();
    }
  }

  /** Slowloris: a head dripped a byte at a time is refused at server.header-timeout, not held forever. */
  @Test
  void slowloris_getsA408AtTheHeaderTimeout_andOthersAreServed() throws Exception {
    try (EdgeNode edge = edge(UnaryOperator.identity())) {
      List<Socket> drippers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Socket socket = attacker(edge.port());
        socket.getOutputStream().write("GET /a/seg.ts HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        drippers.add(socket);
      }
      long start = System.nanoTime();
      for (Socket socket : drippers) {
        socket.setSoTimeout(10_000);
        // One more byte every 200 ms would keep an idle timer from ever firing.
        socket.getOutputStream().write('X');
      }
      for (Socket socket : drippers) {
        InputStream in = socket.getInputStream();
        String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 408");
        in.readAllBytes(); // then the server closes
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      assertThat(edge.metric("edge_http_rejections_total{reason=\"header_timeout\"}")).isEqualTo(20);
      othersServed(edge);
      assertQuiet();
    }
  }

  /** Unauthenticated bodies are refused on their head: nothing of them is held, good viewers are served. */
  @Test
  void largeBodiesWithoutAToken_areRefusedBeforeTheyAreRead() throws Exception {
    String key = TokenKeyGenerator.hmacHex(new SecureRandom());
    try (EdgeNode edge = edge(c -> c.withTokens(c.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("k1", key)))))) {
      double before = edge.metric(DIRECT);
      List<Socket> senders = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Socket socket = attacker(edge.port());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /a/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[64 * 1024]); // the start of the body; the rest never comes
        senders.add(socket);
      }
      for (Socket socket : senders) {
        socket.setSoTimeout(10_000);
        assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 403");
      }
      assertThat(edge.metric("edge_token_rejections_total{reason=\"missing\"}")).isEqualTo(200);
      assertThat(edge.metric(DIRECT) - before).isLessThan(16.0 * MIB);
      assertThat(upstream.count("/a/upload")).isZero();
      assertQuiet();
    }
  }

  /** Past server.max-connections new connections are closed at once and counted; /readyz says so. */
  @Test
  void connectionsPastTheLimit_areRefusedCleanly_andReadinessFollows() throws Exception {
    try (EdgeNode edge = edge(c -> c.withServer(c.server().withClientLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 30)))) {
      assertThat(RawHttp.get(edge.adminPort(), "/readyz").status()).isEqualTo(200);
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        held.add(attacker(edge.port()));
      }
      Await.until("30 connections open", () -> edge.server().openConnections() == 30);
      Socket refused = attacker(edge.port());
      refused.setSoTimeout(5_000);
      assertThat(refused.getInputStream().read()).as("closed on arrival").isEqualTo(-1);
      assertThat(edge.metric("edge_connections_refused_total")).isEqualTo(1);
      assertThat(RawHttp.get(edge.adminPort(), "/readyz").status()).isEqualTo(503);
      assertThat(RawHttp.get(edge.adminPort(), "/healthz").status()).isEqualTo(200);

      for (Socket socket : held) {
        socket.close();
      }
      Await.until("the held connections closed", () -> edge.server().openConnections() == 0);
      assertThat(RawHttp.get(edge.adminPort(), "/readyz").status()).isEqualTo(200);
      othersServed(edge);
      assertQuiet();
    }
  }

  /** Malformed requests by the hundred: each a 400, counted, and not one log line. */
  @Test
  void malformedRequests_areCounted_andTheLogStaysQuiet() throws Exception {
    try (EdgeNode edge = edge(UnaryOperator.identity())) {
      for (int i = 0; i < 300; i++) {
        try (Socket socket = attacker(edge.port())) {
          socket.setSoTimeout(5_000);
          socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nX: \0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 400");
        }
      }
      assertThat(edge.metric("edge_http_rejections_total{reason=\"malformed\"}")).isEqualTo(300);
      othersServed(edge);
      assertQuiet();
    }
  }

  /**
   * The second attack: one HTTP/2 connection whose window stays at 0, with 20 streams of the
   * 40 MB object. Nothing can be sent, so nothing may pile up: each stream's upstream is paused.
   */
  @Test
  void nonReaders_http2WindowZero_holdAFewBuffers_andOthersAreServed(@TempDir Path dir) throws Exception {
    Tools.require("/usr/bin/python3", "-c", "import h2");
    DevelopmentCertificate cert = DevelopmentCertificate.generate(dir.resolve("tls"), Clock.systemUTC());
    try (EdgeNode edge = edge(c -> c.withServer(c.server()
        .withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO))
        .withClientLimits(Duration.ofSeconds(1), Duration.ofSeconds(30), 0)))) {
      HttpClient client = Https.client(Https.trusting(cert.certFile()), HttpClient.Version.HTTP_2);
      assertThat(Https.get(client, edge.port(), "/a/seg.ts").statusCode()).isEqualTo(200);
      double before = edge.metric(DIRECT);
      long fetched = upstream.count("/big.bin");
      Path script = Path.of(AbuseTest.class.getResource("/abuse/h2_window_zero.py").toURI());
      Process attack = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(edge.port()), "/big.bin", "20", "8")
          .redirectErrorStream(true).start();
      try {
        Await.until("20 pass-throughs under way", () -> upstream.count("/big.bin") >= fetched + 20);
        double settled = Await.value("direct memory settled", () -> settledDirect(edge), v -> v >= 0);
        assertThat(settled - before).as("direct memory held for 20 streams at window 0 (unpaced: 800 MB)")
            .isLessThan(64.0 * MIB);
        long[] nanos = new long[5];
        for (int i = 0; i < nanos.length; i++) {
          long start = System.nanoTime();
          HttpResponse<byte[]> response = Https.get(client, edge.port(), "/a/seg.ts");
          nanos[i] = System.nanoTime() - start;
          assertThat(response.body()).hasSize(20_000);
        }
        Arrays.sort(nanos);
        assertThat(Duration.ofNanos(nanos[2])).as("median answer to another viewer").isLessThan(Duration.ofMillis(500));
        assertThat(attack.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(attack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as("the attacker got its 20 heads and no body").contains("headers=20 data=0");
        // The attacker left: each of its 20 answers ends (recorded, its request released) before the edge stops.
        Await.until("the attacker's 20 answers ended", () -> answered(edge) >= 1 + 5 + 20);
      } finally {
        attack.destroyForcibly();
      }
      assertQuiet();
    }
  }

  /** Slowloris over HTTP/2: requests that never end, on a connection kept busy with pings, are reset. */
  @Test
  void halfSentHttp2Requests_areResetAtTheHeaderTimeout(@TempDir Path dir) throws Exception {
    Tools.require("/usr/bin/python3", "-c", "import h2");
    DevelopmentCertificate cert = DevelopmentCertificate.generate(dir.resolve("tls"), Clock.systemUTC());
    try (EdgeNode edge = edge(c -> c.withServer(c.server().withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO))))) {
      Path script = Path.of(AbuseTest.class.getResource("/abuse/h2_half_requests.py").toURI());
      Process attack = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(edge.port()), "20", "10")
          .redirectErrorStream(true).start();
      assertThat(attack.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String output = new String(attack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(output).contains("resets=20");
      assertThat(edge.metric("edge_http_rejections_total{reason=\"header_timeout\"}")).isEqualTo(20);
      assertQuiet();
    }
  }

  /** Plaintext HTTP on a TLS port, by the hundred: counted as failed handshakes, not one log line. */
  @Test
  void notTls_onATlsPort_isCounted_andTheLogStaysQuiet(@TempDir Path dir) throws Exception {
    DevelopmentCertificate cert = DevelopmentCertificate.generate(dir.resolve("tls"), Clock.systemUTC());
    try (EdgeNode edge = edge(c -> c.withServer(c.server().withTls(new TlsConfig(cert.certFile(), cert.keyFile(), Duration.ZERO))))) {
      for (int i = 0; i < 200; i++) {
        try (Socket socket = attacker(edge.port())) {
          socket.setSoTimeout(5_000);
          socket.getOutputStream().write("GET /a/seg.ts?hdnts=secret-token HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          socket.getInputStream().readAllBytes();
        }
      }
      Await.metric(edge, "edge_tls_handshake_failures_total", 200);
      assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains("secret-token")
          || e.getFormattedMessage().contains("474554")); // "GET" in hex, as NotSslRecordException quotes it
      assertQuiet();
    }
  }

  // ---- the three checks ------------------------------------------------------------------------------

  private static void warm(EdgeNode edge) throws IOException {
    assertThat(RawHttp.get(edge.port(), "/a/seg.ts").status()).isEqualTo(200);
  }

  /**
   * Another viewer, during the attack: a cached segment and the metrics. The median of five, so that a
   * pause of the test's own JVM (which runs the edge too) is not read as the edge's.
   */
  private static void othersServed(EdgeNode edge) throws IOException {
    long[] nanos = new long[5];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      RawHttp.Response response = RawHttp.get(edge.port(), "/a/seg.ts");
      nanos[i] = System.nanoTime() - start;
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).hasSize(20_000);
    }
    Arrays.sort(nanos);
    assertThat(Duration.ofNanos(nanos[2])).as("median answer to another viewer").isLessThan(Duration.ofMillis(500));
    assertThat(RawHttp.get(edge.adminPort(), "/metrics").status()).isEqualTo(200);
  }

  /** Answers recorded so far, of any status. */
  private static double answered(EdgeNode edge) throws IOException {
    double total = 0;
    for (String line : edge.metrics().split("\n")) {
      if (line.startsWith("edge_http_requests_seconds_count{")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private void assertQuiet() {
    List<String> lines = log.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .filter(e -> !e.getLoggerName().startsWith("media.edge.server.EdgeServer")) // start-up and shut-down lines
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
        .toList();
    assertThat(lines).as("log lines during the attack").hasSizeLessThan(50);
    assertThat(log.list).as("no stack trace at WARN").noneMatch(e -> e.getThrowableProxy() != null
        && e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  /** The direct memory once two readings a second apart agree within 1 MiB; -1 while it still moves. */
  private static double settledDirect(EdgeNode edge) throws Exception {
    double first = edge.metric(DIRECT);
    Thread.sleep(1000);
    double second = edge.metric(DIRECT);
    return Math.abs(second - first) < MIB ? second : -1;
  }

  private Socket attacker(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    attackers.add(socket);
    return socket;
  }

  /** A client that reads nothing: a small receive window, so the kernel holds little on its side. */
  private Socket nonReader(int port) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    attackers.add(socket);
    return socket;
  }

  private static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
