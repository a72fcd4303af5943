package media.edge.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import media.edge.config.TokenConfig;
import media.edge.config.TokenKey;
import media.edge.testing.Await;
import media.edge.testing.LivePackager;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed URLs keep working for low-latency playlists: the viewer's query token goes into every URI the
 * playlist names (segments, the map, parts, the preload hint, the other renditions' reports), blocking
 * answers and delta updates included, and the request's {@code _HLS_*} directives never do.
 */
class LowLatencyTokenTest {
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());
  private static final EdgeAuthSigner SIGNER = EdgeAuthSigner.builder().keyHex(KEY).build();

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withTokens(new TokenConfig(
              true, "hdnts", "sha256", List.of(TokenKey.hmac("k1", KEY)), null, "", Duration.ZERO,
              List.of("query", "cookie", "header"), List.of(), false)),
          root -> {});

  @Test
  void everyUri_carriesTheViewersToken_andNoDirective() throws Exception {
    Tools.require("ffmpeg", "-version");
    try (LivePackager packager = LivePackager.builder(LivePackager.parts(500), server.root().resolve("signed"))
        .renditions("a", "b").window(4).build()) {
      packager.publish(4 * 8 + 2);
      String token = SIGNER.sign(TokenClaims.acl("/signed/*").expires(Instant.now().plusSeconds(600)).build());
      String signed = TokenQuery.url("/" + packager.playlist("a"), "hdnts", token);
      String suffix = "?hdnts=" + TokenQuery.escape(token);

      for (String query : List.of("", "&_HLS_msn=8&_HLS_part=1", "&_HLS_skip=YES", "&_HLS_msn=8&_HLS_part=1&_HLS_skip=YES")) {
        RawHttp.Response answer = RawHttp.get(server.port(), signed + query);
        assertThat(answer.status()).as(query).isEqualTo(200);
        String text = answer.text();
        assertThat(text).as(query).doesNotContain("_HLS_");
        List<String> uris = uris(text);
        assertThat(uris).as(query).isNotEmpty().allSatisfy(uri -> assertThat(uri).endsWith(suffix));
        assertThat(text).as(query)
            .contains("#EXT-X-MAP:URI=\"init.mp4" + suffix + "\"")
            .contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s8p2.m4s" + suffix + "\"")
            .contains("#EXT-X-RENDITION-REPORT:URI=\"../b/media.m3u8" + suffix + "\"")
            .contains("URI=\"s8p1.m4s" + suffix + "\"");
        assertThat(answer.header("cache-control")).as(query).startsWith("private");
      }

      // A held request is rewritten for its own viewer when released.
      CompletableFuture<RawHttp.Response> held = CompletableFuture.supplyAsync(() -> {
        try {
          return RawHttp.get(server.port(), signed + "&_HLS_msn=8&_HLS_part=2");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Await.until("held", () -> server.metric("edge_llhls_held_requests") >= 1);
      packager.publish();
      RawHttp.Response released = held.get(10, TimeUnit.SECONDS);
      assertThat(released.text()).contains("URI=\"s8p2.m4s" + suffix + "\",INDEPENDENT=YES").doesNotContain("_HLS_");
    }
  }

  /** Every URI of the playlist: URI lines and quoted URI attributes. */
  private static List<String> uris(String playlist) {
    return playlist.lines()
        .flatMap(line -> {
          if (!line.isEmpty() && !line.startsWith("#")) {
            return java.util.stream.Stream.of(line);
          }
          int at = line.indexOf("URI=\"");
          return at < 0 ? java.util.stream.Stream.empty() : java.util.stream.Stream.of(line.substring(at + 5, line.indexOf('"', at + 5)));
        })
        .toList();
  }
}
