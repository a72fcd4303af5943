package media.edge.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 13: an origin reads CMCD as an edge does (log, metrics, audience); it has no cache to split or prefetch into. */
class OriginCmcdTest {
  private static final Path LOG = tempLog();

  @RegisterExtension
  static final TestServer server =
      TestServer.create(c -> c.withLog(c.log().withAccess(true, LOG).withAccessFlush(Duration.ofMillis(20))), root -> {});

  private static Path tempLog() {
    try {
      return Files.createTempDirectory("origin-cmcd-").resolve("access.log");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void segmentWithCmcd_loggedCountedAndOnTheAudience() throws Exception {
    RawHttp.Response answer = RawHttp.get(server.port(), "/demo/240p/seg_001.ts?CMCD=br%3D800%2Cot%3Dv%2Csid%3D%22o-1%22",
        "CMCD-Session: cid=\"demo\",sf=h,st=v");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(Await.value("the access log line", () -> Files.exists(LOG) ? Files.readString(LOG) : "", t -> t.contains("seg_001")))
        .contains("\"cmcd\":{\"br\":800,\"ot\":\"v\",\"sid\":\"o-1\",\"cid\":\"demo\",\"sf\":\"h\",\"st\":\"v\"}");
    assertThat(server.metric("edge_cmcd_requests_total{sf=\"h\",st=\"v\"}")).isEqualTo(1);
    assertThat(RawHttp.get(server.adminPort(), "/audience").text())
        .contains("{\"cid\":\"demo\",\"sessions\":1,\"mean_bitrate_kbps\":800");
  }

  @Test
  void playlistWithCmcd_theCmcdIsNotCopiedIntoItsUris() throws Exception {
    RawHttp.Response playlist = RawHttp.get(server.port(), "/demo/240p/index.m3u8?CMCD=ot%3Dm%2Csid%3D%22o-2%22");

    assertThat(playlist.status()).isEqualTo(200);
    assertThat(playlist.text()).contains("seg_000.ts").doesNotContain("CMCD");
  }
}
