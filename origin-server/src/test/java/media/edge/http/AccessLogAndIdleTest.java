package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The JSON access log (one line per request, no query string) and the idle-connection timeout. */
class AccessLogAndIdleTest {
  private static final Logger ACCESS = (Logger) LoggerFactory.getLogger("media.edge.access");
  private static final ListAppender<ILoggingEvent> LINES = new ListAppender<>();

  static {
    LINES.start();
    ACCESS.addAppender(LINES);
    ACCESS.setLevel(Level.INFO);
  }

  @RegisterExtension
  static final TestServer server =
      TestServer.create(c -> c.withServer(c.server().withIdleTimeout(Duration.ofMillis(300))), root -> {});

  @AfterAll
  static void detach() {
    ACCESS.detachAppender(LINES);
    ACCESS.setLevel(Level.WARN);
  }

  private static List<String> lines() {
    synchronized (LINES.list) {
      return LINES.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }
  }

  @Test
  void request_writesOneJsonLineWithoutQueryString() throws Exception {
    RawHttp.get(server.port(), "/demo/240p/seg_000.ts?hdnts=exp=1~hmac=secret", "User-Agent: test \"agent\"");

    String line = null;
    for (int i = 0; i < 200 && line == null; i++) {
      line = lines().stream().filter(l -> l.contains("seg_000.ts")).findFirst().orElse(null);
      if (line == null) {
        Thread.sleep(10);
      }
    }

    assertThat(line)
        .startsWith("{\"time\":\"")
        .contains("\"client\":\"127.0.0.1\"")
        .contains("\"method\":\"GET\"")
        .contains("\"path\":\"/demo/240p/seg_000.ts\"")
        .contains("\"status\":200")
        .contains("\"bytes\":58844")
        .contains("\"cache\":\"disk\"")
        .contains("\"user_agent\":\"test \\\"agent\\\"\"")
        .containsPattern("\"duration_us\":\\d+")
        .doesNotContain("hdnts")
        .doesNotContain("secret")
        .endsWith("}");
  }

  @Test
  void pathToken_neverReachesTheLog() throws Exception {
    RawHttp.request(server.port(), "PUT", "/hdnts=exp=1~hmac=pathsecret/demo/240p/seg_001.ts");
    RawHttp.get(server.port(), "/hdnts=exp=1~hmac=pathsecret/demo/240p/seg_001.ts");

    List<String> lines = List.of();
    for (int i = 0; i < 200 && lines.size() < 2; i++) {
      lines = lines().stream().filter(l -> l.contains("seg_001.ts")).collect(Collectors.toList());
      if (lines.size() < 2) {
        Thread.sleep(10);
      }
    }

    assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line)
        .contains("\"path\":\"/demo/240p/seg_001.ts\"")
        .doesNotContain("pathsecret"));
  }

  @Test
  void idleConnection_isClosedByServer() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.send("GET", "/demo/master.m3u8");
      assertThat(http.read(false).status()).isEqualTo(200);

      assertThat(http.closedByServer()).isTrue();
    }
  }
}
