package media.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import media.edge.testing.Await;
import media.edge.testing.FfmpegMedia;
import media.edge.testing.RawHttp;
import media.edge.testing.TestServer;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real players against a real server: ffmpeg's HLS demuxer and hls.js in headless Chromium play
 * the built-in demo, and an ffmpeg-packaged live rendition gets live caching headers.
 */
class PlaybackTest {
  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c,
          root -> {
            if (FfmpegMedia.available()) {
              try {
                Files.createDirectories(root.resolve("live"));
                Files.createDirectories(root.resolve("cmaf"));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              FfmpegMedia.liveTs(root.resolve("live"));
              FfmpegMedia.vodFmp4(root.resolve("cmaf"));
            }
          });

  private static String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  private static String run(List<String> command, Path dir, int timeoutSeconds) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s exited with output:%n%s", command, text).isZero();
    return text;
  }

  @Test
  void ffmpeg_playsTheDemoThroughEveryRendition() throws Exception {
    Tools.require("ffmpeg", "-version");

    String output =
        run(List.of("ffmpeg", "-v", "error", "-i", url("/demo/master.m3u8"), "-map", "0", "-f", "null", "-"), null, 120);

    assertThat(output).isEmpty();
    // ffmpeg asks for segments with "Range: bytes=0-", so they are 206s. Each is counted when its last
    // write completes, which can be after ffmpeg read it.
    Await.asserted("ffmpeg's segment requests to be counted", () -> assertThat(server.metrics())
        .containsPattern("edge_http_requests_seconds_count\\{cache=\"(disk|memory)\",kind=\"segment\",method=\"GET\",status=\"20[06]\"}"));
  }

  @Test
  void ffmpeg_playsFmp4WithInitSection() throws Exception {
    Tools.require("ffmpeg", "-version");

    String output = run(List.of("ffmpeg", "-v", "error", "-i", url("/cmaf/vod.m3u8"), "-map", "0", "-f", "null", "-"), null, 120);

    assertThat(output).isEmpty();
  }

  @Test
  void livePlaylistFromFfmpeg_isFreshForHalfItsTargetDuration() throws Exception {
    Tools.require("ffmpeg", "-version");

    RawHttp.Response playlist = RawHttp.get(server.port(), "/live/live.m3u8");

    assertThat(playlist.text()).contains("#EXT-X-TARGETDURATION:4").doesNotContain("#EXT-X-ENDLIST");
    assertThat(playlist.header("cache-control")).isEqualTo("public, max-age=2");
    assertThat(RawHttp.get(server.port(), "/cmaf/vod.m3u8").header("cache-control")).isEqualTo("public, max-age=86400");
    assertThat(RawHttp.get(server.port(), "/cmaf/init.mp4").header("content-type")).isEqualTo("video/mp4");
  }

  @Test
  void hlsJsInChromium_playsTheDemoCrossOrigin() throws Exception {
    Path player = Path.of("src/test/player").toAbsolutePath();
    Tools.require("node", "--version");
    Tools.require("chromium", "--version");
    Tools.require("test", "-d", player.resolve("node_modules/hls.js").toString());

    String output = run(List.of("node", "play.mjs", url("/demo/master.m3u8"), "3", "60"), player, 120);

    assertThat(output).contains("\"played\":true").contains("\"levels\":2");
  }
}
