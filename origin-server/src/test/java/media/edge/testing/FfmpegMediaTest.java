package media.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated renditions have the shape that the integration tests built on them rely on. */
class FfmpegMediaTest {

  @TempDir Path dir;

  @BeforeAll
  static void requireFfmpeg() {
    assumeTrue(FfmpegMedia.available(), "ffmpeg is not on the PATH");
  }

  @Test
  void liveTs_writesSlidingWindowWithoutEndlist() throws IOException {
    Path playlist = FfmpegMedia.liveTs(dir);

    String text = Files.readString(playlist, StandardCharsets.UTF_8);
    assertThat(playlist).isEqualTo(dir.resolve("live.m3u8"));
    assertThat(text)
        .startsWith("#EXTM3U")
        .contains("#EXT-X-TARGETDURATION:4")
        .doesNotContain("#EXT-X-ENDLIST")
        .doesNotContain("#EXT-X-PLAYLIST-TYPE");
    List<String> segments = segmentUris(text);
    assertThat(segments).hasSize(3).allMatch(uri -> uri.endsWith(".ts"));
    assertNonEmptyFiles(segments);
  }

  @Test
  void vodFmp4_writesInitSegmentMapAndEndlist() throws IOException {
    Path playlist = FfmpegMedia.vodFmp4(dir);

    String text = Files.readString(playlist, StandardCharsets.UTF_8);
    assertThat(playlist).isEqualTo(dir.resolve("vod.m3u8"));
    assertThat(text)
        .startsWith("#EXTM3U")
        .contains("#EXT-X-PLAYLIST-TYPE:VOD")
        .contains("#EXT-X-MAP:URI=\"init.mp4\"")
        .contains("#EXT-X-ENDLIST");
    assertNonEmptyFiles(List.of("init.mp4"));
    List<String> segments = segmentUris(text);
    assertThat(segments).hasSize(3).allMatch(uri -> uri.endsWith(".m4s"));
    assertNonEmptyFiles(segments);
  }

  @Test
  void bothRenditions_shareOneDirectoryWithoutClashing() throws IOException {
    Path live = FfmpegMedia.liveTs(dir);
    Path vod = FfmpegMedia.vodFmp4(dir);

    assertNonEmptyFiles(segmentUris(Files.readString(live, StandardCharsets.UTF_8)));
    assertNonEmptyFiles(segmentUris(Files.readString(vod, StandardCharsets.UTF_8)));
  }

  private static List<String> segmentUris(String playlist) {
    return playlist.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
  }

  private void assertNonEmptyFiles(List<String> names) throws IOException {
    for (String name : names) {
      Path file = dir.resolve(name);
      assertThat(file).isRegularFile();
      assertThat(Files.size(file)).as("size of %s", name).isPositive();
    }
  }
}
