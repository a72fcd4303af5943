package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Content-Type by extension; HLS types per RFC 8216 sections 3 and 4. */
class MediaTypesTest {

  @Test
  void of_m3u8_isAppleMpegUrl() {
    assertThat(MediaTypes.of("master.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
  }

  @Test
  void of_ts_isMp2t() {
    assertThat(MediaTypes.of("seg_000.ts")).isEqualTo("video/mp2t");
  }

  @Test
  void of_m4s_isIsoSegment() {
    assertThat(MediaTypes.of("chunk_1.m4s")).isEqualTo("video/iso.segment");
  }

  @Test
  void of_mp4_isVideoMp4() {
    assertThat(MediaTypes.of("init.mp4")).isEqualTo("video/mp4");
  }

  @Test
  void of_aac_isAudioAac() {
    assertThat(MediaTypes.of("audio_001.aac")).isEqualTo("audio/aac");
  }

  @Test
  void of_vtt_isTextVttInUtf8() {
    assertThat(MediaTypes.of("sub_en.vtt")).isEqualTo("text/vtt; charset=utf-8");
    assertThat(MediaTypes.of("sub_en.webvtt")).isEqualTo("text/vtt; charset=utf-8");
  }

  @Test
  void of_key_isOctetStream() {
    assertThat(MediaTypes.of("key.key")).isEqualTo("application/octet-stream");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a.m3u | application/vnd.apple.mpegurl",
        "a.m4v | video/mp4",
        "a.cmfv | video/mp4",
        "a.m4a | audio/mp4",
        "a.cmfa | audio/mp4",
        "a.cmft | application/mp4",
        "a.ac3 | audio/ac3",
        "a.ec3 | audio/eac3",
        "a.mp3 | audio/mpeg",
        "a.json | application/json",
        "a.mpd | application/dash+xml",
        "a.txt | text/plain; charset=utf-8",
        "a.jpg | image/jpeg",
        "a.png | image/png"
      })
  void of_otherKnownExtensions_haveTheirType(String name, String type) {
    assertThat(MediaTypes.of(name)).isEqualTo(type);
  }

  @Test
  void of_upperCaseExtension_isMatched() {
    assertThat(MediaTypes.of("MASTER.M3U8")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(MediaTypes.of("Seg.Ts")).isEqualTo("video/mp2t");
  }

  @Test
  void of_unknownExtension_isOctetStream() {
    assertThat(MediaTypes.of("data.bin")).isEqualTo(MediaTypes.DEFAULT).isEqualTo("application/octet-stream");
  }

  @Test
  void of_noExtensionDotfileOrTrailingDot_isOctetStream() {
    assertThat(MediaTypes.of("README")).isEqualTo(MediaTypes.DEFAULT);
    assertThat(MediaTypes.of(".m3u8")).isEqualTo(MediaTypes.DEFAULT);
    assertThat(MediaTypes.of("a.")).isEqualTo(MediaTypes.DEFAULT);
    assertThat(MediaTypes.of("")).isEqualTo(MediaTypes.DEFAULT);
  }

  @Test
  void of_dotInDirectoryOnly_isOctetStream() {
    assertThat(MediaTypes.of("demo.ts/README")).isEqualTo(MediaTypes.DEFAULT);
    assertThat(MediaTypes.of("demo/.ts")).isEqualTo(MediaTypes.DEFAULT);
  }

  @Test
  void of_fullKey_usesLastExtension() {
    assertThat(MediaTypes.of("demo/240p/index.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(MediaTypes.of("archive.ts.gz")).isEqualTo(MediaTypes.DEFAULT);
  }

  @Test
  void extension_isLowerCaseWithoutDot() {
    assertThat(MediaTypes.extension("A/B.M3U8")).isEqualTo("m3u8");
    assertThat(MediaTypes.extension("noext")).isEmpty();
  }
}
