package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import media.edge.hls.PlaylistType.Variant;
import org.junit.jupiter.api.Test;

/** Playlist shapes from their tags (RFC 8216 sections 4.3.3 and 6.2.2). */
class PlaylistTypeTest {

  private static final String LIVE_SLIDING_WINDOW =
      String.join(
          "\n",
          "#EXTM3U",
          "#EXT-X-VERSION:3",
          "#EXT-X-TARGETDURATION:6",
          "#EXT-X-MEDIA-SEQUENCE:1042",
          "#EXTINF:6.000,",
          "seg_1042.ts",
          "#EXTINF:6.000,",
          "seg_1043.ts",
          "#EXTINF:6.000,",
          "seg_1044.ts",
          "");

  private static final String VOD_WITH_ENDLIST =
      String.join(
          "\n",
          "#EXTM3U",
          "#EXT-X-VERSION:3",
          "#EXT-X-TARGETDURATION:4",
          "#EXT-X-MEDIA-SEQUENCE:0",
          "#EXTINF:4.000,",
          "seg_000.ts",
          "#EXTINF:3.200,",
          "seg_001.ts",
          "#EXT-X-ENDLIST",
          "");

  private static final String MULTIVARIANT =
      String.join(
          "\n",
          "#EXTM3U",
          "#EXT-X-VERSION:3",
          "#EXT-X-INDEPENDENT-SEGMENTS",
          "#EXT-X-STREAM-INF:BANDWIDTH=257936,RESOLUTION=426x240,CODECS=\"avc1.42c015,mp4a.40.2\"",
          "240p/index.m3u8",
          "#EXT-X-STREAM-INF:BANDWIDTH=408336,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"",
          "360p/index.m3u8",
          "");

  // ---- VOD ----------------------------------------------------------------------------------

  @Test
  void scan_endList_isVodWithTargetDuration() {
    assertThat(PlaylistType.scan(VOD_WITH_ENDLIST)).isEqualTo(new PlaylistType(Variant.VOD, 4));
  }

  @Test
  void scan_playlistTypeVodWithoutEndList_isVod() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nseg_000.ts\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.VOD, 2));
  }

  @Test
  void scan_eventWithEndList_isVod() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6.0,\na.ts\n#EXT-X-ENDLIST\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.VOD, 6));
  }

  @Test
  void scan_endListWithoutTrailingNewline_isVod() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\na.ts\n#EXT-X-ENDLIST";

    assertThat(PlaylistType.scan(text).variant()).isEqualTo(Variant.VOD);
  }

  @Test
  void scan_demoLibraryRendition_isVod() {
    String text =
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
            + "#EXTINF:2.000000,\nseg_000.ts\n#EXTINF:2.000000,\nseg_001.ts\n#EXT-X-ENDLIST\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.VOD, 2));
  }

  // ---- live ---------------------------------------------------------------------------------

  @Test
  void scan_slidingWindowWithoutEndList_isLiveWithTargetDuration() {
    assertThat(PlaylistType.scan(LIVE_SLIDING_WINDOW)).isEqualTo(new PlaylistType(Variant.LIVE, 6));
  }

  @Test
  void scan_eventWithoutEndList_isLive() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6.0,\na.ts\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.LIVE, 6));
  }

  @Test
  void scan_targetDurationWithSurroundingSpaces_isRead() {
    String text = "#EXTM3U\n  #EXT-X-TARGETDURATION: 8 \n#EXTINF:8.0,\na.ts\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.LIVE, 8));
  }

  // ---- multivariant -------------------------------------------------------------------------

  @Test
  void scan_streamInf_isMultivariantWithoutTargetDuration() {
    assertThat(PlaylistType.scan(MULTIVARIANT)).isEqualTo(new PlaylistType(Variant.MULTIVARIANT, 0));
  }

  @Test
  void scan_emptyText_isMultivariant() {
    assertThat(PlaylistType.scan("")).isEqualTo(new PlaylistType(Variant.MULTIVARIANT, 0));
  }

  // ---- line endings, BOM, byte buffers ------------------------------------------------------

  @Test
  void scan_crlfLive_isLive() {
    assertThat(PlaylistType.scan(LIVE_SLIDING_WINDOW.replace("\n", "\r\n")))
        .isEqualTo(new PlaylistType(Variant.LIVE, 6));
  }

  @Test
  void scan_crlfEndList_isVod() {
    assertThat(PlaylistType.scan(VOD_WITH_ENDLIST.replace("\n", "\r\n"))).isEqualTo(new PlaylistType(Variant.VOD, 4));
  }

  @Test
  void scan_crlfMultivariant_isMultivariant() {
    assertThat(PlaylistType.scan(MULTIVARIANT.replace("\n", "\r\n")).variant()).isEqualTo(Variant.MULTIVARIANT);
  }

  @Test
  void scan_byteOrderMarkAtStart_isIgnored() {
    // RFC 8216 section 4 forbids a BOM, but one in front of #EXTM3U must not hide the tags after it.
    assertThat(PlaylistType.scan("\uFEFF" + VOD_WITH_ENDLIST)).isEqualTo(new PlaylistType(Variant.VOD, 4));
    assertThat(PlaylistType.scan("\uFEFF" + LIVE_SLIDING_WINDOW)).isEqualTo(new PlaylistType(Variant.LIVE, 6));
  }

  @Test
  void scan_utf8BytesWithBom_readsTagsWithoutConsumingBuffer() {
    byte[] text = LIVE_SLIDING_WINDOW.getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.allocate(text.length + 3);
    bytes.put((byte) 0xEF).put((byte) 0xBB).put((byte) 0xBF).put(text).flip();

    PlaylistType type = PlaylistType.scan(bytes);

    assertThat(type).isEqualTo(new PlaylistType(Variant.LIVE, 6));
    assertThat(bytes.position()).isZero();
    assertThat(bytes.remaining()).isEqualTo(text.length + 3);
  }

  @Test
  void scan_byteBufferWithPosition_readsOnlyRemaining() {
    byte[] text = ("garbage\n#EXT-X-ENDLIST\n" + LIVE_SLIDING_WINDOW).getBytes(StandardCharsets.UTF_8);
    ByteBuffer bytes = ByteBuffer.wrap(text);
    bytes.position("garbage\n#EXT-X-ENDLIST\n".length());

    assertThat(PlaylistType.scan(bytes)).isEqualTo(new PlaylistType(Variant.LIVE, 6));
    assertThat(bytes.position()).isEqualTo("garbage\n#EXT-X-ENDLIST\n".length());
  }

  // ---- malformed target duration ------------------------------------------------------------

  @Test
  void scan_vodWithMalformedTargetDuration_isVodWithZeroTarget() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:six\n#EXTINF:6.0,\na.ts\n#EXT-X-ENDLIST\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.VOD, 0));
  }

  @Test
  void scan_vodWithNegativeOrHugeTargetDuration_isVodWithZeroTarget() {
    assertThat(PlaylistType.scan("#EXTM3U\n#EXT-X-TARGETDURATION:-6\n#EXT-X-ENDLIST\n"))
        .isEqualTo(new PlaylistType(Variant.VOD, 0));
    assertThat(PlaylistType.scan("#EXTM3U\n#EXT-X-TARGETDURATION:99999999999\n#EXT-X-ENDLIST\n"))
        .isEqualTo(new PlaylistType(Variant.VOD, 0));
  }

  @Test
  void scan_liveWithMalformedTargetDuration_isStillLive() {
    // Regression (fixed): a live media playlist (segments, no #EXT-X-ENDLIST) whose #EXT-X-TARGETDURATION does not
    // parse (or is missing) is classified MULTIVARIANT, so CachePolicy gives it the master-playlist
    // value "public, max-age=60": CDNs and players keep a live playlist for a minute, playback
    // stalls and falls out of the live window. RFC 8216 section 4.3.3.1 makes the tag REQUIRED in
    // media playlists and section 6.2.2 ties live reloads to it; a broken one must not make a live
    // playlist look like a multivariant one. Only #EXT-X-STREAM-INF marks a multivariant playlist.
    // Fix in PlaylistType.scan: track `boolean media`, set when a line starts with "#EXTINF:" or
    // TARGET (or "#EXT-X-MEDIA-SEQUENCE:"), and replace
    //     if (variantStreams || target == 0) return MULTIVARIANT
    // with
    //     if (variantStreams || !media) return new PlaylistType(Variant.MULTIVARIANT, 0);
    // so this returns LIVE with target 0, for which CachePolicy already yields "public, max-age=1".
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:six\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:6.0,\na.ts\n#EXTINF:6.0,\nb.ts\n";

    assertThat(PlaylistType.scan(text)).isEqualTo(new PlaylistType(Variant.LIVE, 0));
  }
}
