package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** File kinds from names alone. */
class ContentKindTest {

  @Test
  void of_transportStreamSegment_isSegment() {
    assertThat(ContentKind.of("seg.ts")).isEqualTo(ContentKind.SEGMENT);
  }

  @Test
  void of_mp4NamedInit_isInit() {
    assertThat(ContentKind.of("init.mp4")).isEqualTo(ContentKind.INIT);
  }

  @Test
  void of_mp4WithInitInName_isInit() {
    assertThat(ContentKind.of("video_720p_init.mp4")).isEqualTo(ContentKind.INIT);
    assertThat(ContentKind.of("Init-1.MP4")).isEqualTo(ContentKind.INIT);
  }

  @Test
  void of_mp4MerelyContainingInitLetters_isSegment() {
    assertThat(ContentKind.of("definition.mp4")).isEqualTo(ContentKind.SEGMENT);
    assertThat(ContentKind.of("infinity.mp4")).isEqualTo(ContentKind.SEGMENT);
  }

  @Test
  void of_otherMp4_isSegment() {
    assertThat(ContentKind.of("video_1.mp4")).isEqualTo(ContentKind.SEGMENT);
  }

  @Test
  void of_m4s_isSegment() {
    assertThat(ContentKind.of("a.m4s")).isEqualTo(ContentKind.SEGMENT);
  }

  @Test
  void of_key_isKey() {
    assertThat(ContentKind.of("key.key")).isEqualTo(ContentKind.KEY);
  }

  @Test
  void of_webVtt_isSubtitle() {
    assertThat(ContentKind.of("sub.vtt")).isEqualTo(ContentKind.SUBTITLE);
    assertThat(ContentKind.of("sub.webvtt")).isEqualTo(ContentKind.SUBTITLE);
  }

  @Test
  void of_m3u8_isPlaylist() {
    assertThat(ContentKind.of("master.m3u8")).isEqualTo(ContentKind.PLAYLIST);
    assertThat(ContentKind.of("legacy.m3u")).isEqualTo(ContentKind.PLAYLIST);
  }

  @ParameterizedTest
  @CsvSource({"SEG.TS, SEGMENT", "Master.M3U8, PLAYLIST", "INIT.MP4, INIT", "A.M4S, SEGMENT", "K.KEY, KEY",
    "S.VTT, SUBTITLE"})
  void of_upperCaseExtension_isClassifiedLikeLowerCase(String name, ContentKind kind) {
    assertThat(ContentKind.of(name)).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource({"a.aac, SEGMENT", "a.ac3, SEGMENT", "a.ec3, SEGMENT", "a.mp3, SEGMENT", "a.m4a, SEGMENT",
    "a.m4v, SEGMENT", "a.cmfv, SEGMENT", "a.cmfa, SEGMENT", "a.cmft, SEGMENT"})
  void of_packedAudioAndCmafTracks_areSegments(String name, ContentKind kind) {
    assertThat(ContentKind.of(name)).isEqualTo(kind);
  }

  @Test
  void of_noExtension_isOther() {
    assertThat(ContentKind.of("README")).isEqualTo(ContentKind.OTHER);
  }

  @Test
  void of_trailingDot_isOther() {
    assertThat(ContentKind.of("seg.")).isEqualTo(ContentKind.OTHER);
  }

  @Test
  void of_dotfile_isOther() {
    // ".ts" is a hidden file named "ts", not an extension.
    assertThat(ContentKind.of(".ts")).isEqualTo(ContentKind.OTHER);
    assertThat(ContentKind.of(".m3u8")).isEqualTo(ContentKind.OTHER);
  }

  @Test
  void of_unknownExtension_isOther() {
    assertThat(ContentKind.of("poster.jpg")).isEqualTo(ContentKind.OTHER);
    assertThat(ContentKind.of("seg.ts.bak")).isEqualTo(ContentKind.OTHER);
  }

  @Test
  void of_keyWithDotsInDirectory_usesFileExtension() {
    assertThat(ContentKind.of("demo.v2/240p/seg_000.ts")).isEqualTo(ContentKind.SEGMENT);
    assertThat(ContentKind.of("demo.m3u8/README")).isEqualTo(ContentKind.OTHER);
  }

  @Test
  void tag_isLowerCaseMetricValue() {
    assertThat(ContentKind.PLAYLIST.tag()).isEqualTo("playlist");
    assertThat(ContentKind.SEGMENT.tag()).isEqualTo("segment");
    assertThat(ContentKind.INIT.tag()).isEqualTo("init");
    assertThat(ContentKind.KEY.tag()).isEqualTo("key");
    assertThat(ContentKind.SUBTITLE.tag()).isEqualTo("subtitle");
    assertThat(ContentKind.OTHER.tag()).isEqualTo("other");
  }
}
