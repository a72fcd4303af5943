package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad request, one by one, over a real socket: each gets a clean 4xx with a short
 * body that reveals nothing, is counted, and the server keeps serving afterwards.
 */
class BadInputTest {
  private static Path outside;

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c,
          root -> {
            try {
              outside = Files.createTempDirectory("edge-outside-");
              Files.writeString(outside.resolve("secret.txt"), "top secret\n");
              Files.createDirectories(root.resolve(".git"));
              Files.writeString(root.resolve(".git/config"), "[core]\n");
              Files.writeString(root.resolve(".env"), "PASSWORD=x\n");
              Files.writeString(root.resolve("ok.txt"), "ok\n");
              Files.createSymbolicLink(root.resolve("escape.txt"), outside.resolve("secret.txt"));
              Files.createSymbolicLink(root.resolve("escape-dir"), outside);
              Files.createSymbolicLink(root.resolve("inside-link.txt"), root.resolve("ok.txt"));
              Files.createSymbolicLink(root.resolve("to-hidden.txt"), root.resolve(".env"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

  @BeforeAll
  static void requireServer() {
    assertThat(server.port()).isPositive();
  }

  @AfterEach
  void serverStillServes() throws IOException {
    Response response = RawHttp.get(server.port(), "/ok.txt");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("ok\n");
  }

  private static Response raw(String requestLine) throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw(requestLine + "\r\nHost: a\r\n\r\n");
      return http.read(false);
    }
  }

  private static void assertCleanError(Response response, int status) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.text()).matches(status + " [A-Za-z -]+\n");
    assertThat(response.header("content-type")).startsWith("text/plain");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/../etc/passwd",
        "/demo/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/%2E%2e/%2e%2E/etc/passwd",
        "/.%2e/ok.txt",
        "/demo/%2e%2e/ok.txt",
        "/demo%2fmaster.m3u8",
        "/demo%2F..%2F..%2Fetc%2Fpasswd",
        "/demo%5cmaster.m3u8",
        "/demo\\master.m3u8",
        "/..\\..\\etc\\passwd",
        "/ok.txt%00.ts",
        "/ok%zz.txt",
        "/ok.txt%4",
        "/%c0%ae%c0%ae/etc/passwd",
        "/%c3%28.ts",
        "/%01ok.txt",
        "/./ok.txt",
        "relative/ok.txt"
      })
  void get_traversalOrMalformedPath_returns400(String path) throws IOException {
    assertCleanError(raw("GET " + path + " HTTP/1.1"), 400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/.git/config", "/.env", "/.git/", "/%2egit/config", "/demo/.hidden.ts"})
  void get_hiddenFile_returns404(String path) throws IOException {
    assertCleanError(raw("GET " + path + " HTTP/1.1"), 404);
  }

  @Test
  void get_symlinkPointingOutside_returns404() throws IOException {
    assertCleanError(RawHttp.get(server.port(), "/escape.txt"), 404);
    assertCleanError(RawHttp.get(server.port(), "/escape-dir/secret.txt"), 404);
  }

  @Test
  void get_symlinkToHiddenFileInside_returns404() throws IOException {
    assertCleanError(RawHttp.get(server.port(), "/to-hidden.txt"), 404);
  }

  @Test
  void get_fileWithTrailingSlash_returns404() throws IOException {
    assertCleanError(RawHttp.get(server.port(), "/ok.txt/"), 404);
  }

  @Test
  void get_symlinkInsideLibrary_isServed() throws IOException {
    assertThat(RawHttp.get(server.port(), "/inside-link.txt").text()).isEqualTo("ok\n");
  }

  @Test
  void get_directoryOrRoot_returns404() throws IOException {
    assertCleanError(RawHttp.get(server.port(), "/"), 404);
    assertCleanError(RawHttp.get(server.port(), "/demo"), 404);
    assertCleanError(RawHttp.get(server.port(), "/demo/"), 404);
  }

  @Test
  void get_rawNulByte_isRefused() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /ok.txt\0.ts HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      Response response = http.read(false);
      assertThat(response.status()).isEqualTo(400);
    }
  }

  @Test
  void request_malformedLine_returns400AndCloses() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("THIS IS NOT HTTP\r\n\r\n");
      Response response = http.read(false);

      assertCleanError(response, 400);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void request_unsupportedVersion_returns505() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /ok.txt HTTP/9.9\r\nHost: a\r\n\r\n");
      assertCleanError(http.read(false), 505);
    }
  }

  @Test
  void request_sentByteByByte_isAnswered() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.socket().setTcpNoDelay(true);
      for (byte b : "GET /ok.txt HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
        http.sendRaw(new byte[] {b});
      }
      assertThat(http.read(false).text()).isEqualTo("ok\n");
    }
  }

  @Test
  void request_headerWithoutColon_returns400() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /ok.txt HTTP/1.1\r\nHost: a\r\nthis header has no colon\r\n\r\n");
      assertThat(http.read(false).status()).isEqualTo(400);
    }
  }

  @Test
  void request_overLongUri_returns414AndIsCounted() throws IOException {
    double before = server.metric("edge_http_rejections_total{reason=\"uri_too_long\"}");

    Response response = raw("GET /" + "a".repeat(20_000) + " HTTP/1.1");

    assertCleanError(response, 414);
    assertThat(server.metric("edge_http_rejections_total{reason=\"uri_too_long\"}")).isEqualTo(before + 1);
  }

  @Test
  void request_oversizedHeaders_returns431() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /ok.txt HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n");
      assertCleanError(http.read(false), 431);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "BREW"})
  void request_otherMethod_returns405WithAllow(String method) throws IOException {
    Response response = raw(method + " /ok.txt HTTP/1.1");

    assertCleanError(response, 405);
    assertThat(response.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
  }

  @Test
  void get_missingFile_returns404WithCors() throws IOException {
    Response response = RawHttp.get(server.port(), "/demo/nope.ts", "Origin: https://player.example");

    assertCleanError(response, 404);
    assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
  }

  @Test
  void get_badPath_isCountedByReason() throws IOException {
    double before = server.metric("edge_http_rejections_total{reason=\"bad_path\"}");
    double hiddenBefore = server.metric("edge_http_rejections_total{reason=\"hidden_path\"}");

    raw("GET /%2e%2e/x HTTP/1.1");
    raw("GET /.env HTTP/1.1");

    assertThat(server.metric("edge_http_rejections_total{reason=\"bad_path\"}")).isEqualTo(before + 1);
    assertThat(server.metric("edge_http_rejections_total{reason=\"hidden_path\"}")).isEqualTo(hiddenBefore + 1);
  }

  @Test
  void errorBodies_neverEchoTheRequest() throws IOException {
    Response response = raw("GET /<script>alert(1)</script>%2e%2e HTTP/1.1");

    assertThat(response.text()).doesNotContain("script").doesNotContain("%2e");
  }

  @Test
  void truncatedRequestThenClose_leavesServerServing() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /ok.txt HTTP/1.1\r\nHost: a\r\nX-Partial: ");
    }
  }

  @Test
  void randomBytes_getAnErrorOrAClose() throws IOException {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] garbage = new byte[1 + random.nextInt(2000)];
      random.nextBytes(garbage);
      try (RawHttp http = RawHttp.connect(server.port())) {
        http.sendRaw(garbage);
        http.sendRaw("\r\n\r\n");
        try {
          Response response = http.read(false);
          assertThat(response.status()).isBetween(400, 499);
        } catch (IOException closed) {
          // closing without an answer is also acceptable for bytes that are not HTTP at all
        }
      }
    }
  }
}
