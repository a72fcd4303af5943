package media.edge.player;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.server.DemoLibrary;
import media.edge.server.EdgeServer;
import media.edge.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} without {@code http.player-page}: a library exposes no page. The root is a folder (404)
 * and the script's path is a library path like any other, behind the token (403) or missing (404).
 */
class PlayerPageOffTest {
  @TempDir Path library;

  /** The configuration {@code serve --library DIR --port 0 --admin-port 0 --bind 127.0.0.1} loads. */
  private EdgeConfig serve(Map<String, String> more) throws Exception {
    DemoLibrary.copyTo(library.resolve("demo"));
    Map<String, String> flags = new java.util.HashMap<>(Map.of(
        "library.root", library.toString(), "server.port", "0", "server.admin-port", "0", "server.bind", "127.0.0.1"));
    flags.putAll(more);
    return ConfigLoader.load(null, Map.of(), flags);
  }

  @Test
  void serve_withTokens_hasNoPage() throws Exception {
    EdgeConfig config = serve(Map.of("tokens.keys", "k1:" + "ab".repeat(32)));
    assertThat(config.http().playerPage()).isFalse();

    try (EdgeServer server = EdgeServer.start(config)) {
      assertThat(RawHttp.get(server.port(), "/").status()).isEqualTo(404);
      assertThat(RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH).status()).isEqualTo(403);
      assertThat(server.playUrl()).isNull();
    }
  }

  @Test
  void serve_openLibrary_hasNoPage() throws Exception {
    try (EdgeServer server = EdgeServer.start(serve(Map.of("tokens.required", "false")))) {
      assertThat(RawHttp.get(server.port(), "/").status()).isEqualTo(404);
      assertThat(RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH).status()).isEqualTo(404);
      assertThat(RawHttp.get(server.port(), "/demo/master.m3u8").status()).isEqualTo(200);
    }
  }

  @Test
  void serve_withTheKeyOn_servesThePageWithoutASource() throws Exception {
    EdgeConfig config = serve(Map.of("tokens.keys", "k1:" + "ab".repeat(32), "http.player-page", "true"));

    try (EdgeServer server = EdgeServer.start(config)) {
      RawHttp.Response page = RawHttp.get(server.port(), "/");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.text()).contains("\"source\":null");
      assertThat(RawHttp.get(server.port(), PlayerPage.SCRIPT_PATH).status()).isEqualTo(200);
      assertThat(RawHttp.get(server.port(), "/demo/master.m3u8").status()).isEqualTo(403);
    }
  }
}
