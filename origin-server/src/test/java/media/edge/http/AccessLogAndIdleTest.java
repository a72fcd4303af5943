package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JSON access log (one line per request, no query string), written to {@code log.access-file} in
 * blocks flushed every {@code log.access-flush}, and the idle-connection timeout.
 */
class AccessLogAndIdleTest {
  private static final Path LOG = tempFile();

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withServer(c.server().withIdleTimeout(Duration.ofMillis(300)))
              .withLog(c.log().withAccess(true, LOG).withAccessFlush(Duration.ofMillis(50))),
          root -> {});

  private static Path tempFile() {
    try {
      Path file = Files.createTempFile("edge-access-", ".log");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines() {
    try {
      return Files.readAllLines(LOG, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void request_writesOneJsonLineWithoutQueryString() throws Exception {
    RawHttp.get(server.port(), "/demo/240p/seg_000.ts?hdnts=exp=1~hmac=secret", "User-Agent: test \"agent\"");

    // The line is written when the response's last write completes, and reaches the file within a flush.
    String line = Await.value(
        "the access-log line of seg_000.ts",
        () -> lines().stream().filter(l -> l.contains("seg_000.ts")).findFirst().orElse(null),
        Objects::nonNull);

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

    List<String> lines = Await.value(
        "two access-log lines of seg_001.ts",
        () -> lines().stream().filter(l -> l.contains("seg_001.ts")).collect(Collectors.toList()),
        found -> found.size() >= 2);

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
