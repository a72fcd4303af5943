package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Query-token propagation through playlists (issue 3, "Propagation / Query tokens"): which URIs get
 * the token and how, on playlists shaped as packagers and the RFC 8216bis examples write them.
 */
class PlaylistRewriterTest {
  private static final String TOKEN = "hdnts=exp=1~acl=/vod/*~hmac=ab";
  /** What an own URI without a query gains. */
  private static final String Q = "?" + TOKEN;
  /** What an own URI with a query gains. */
  private static final String A = "&" + TOKEN;
  private static final PlaylistRewriter REWRITER =
      PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost("edge.example.com:8443"));

  // ---- URI lines -----------------------------------------------------------------------------

  @Test
  void rewrite_relativeSegmentLines_getToken() {
    String vod =
        lines(
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            "#EXT-X-TARGETDURATION:6",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            "#EXTINF:6.006,",
            "seg_00000.ts",
            "#EXTINF:6.006,",
            "seg_00001.ts",
            "#EXT-X-ENDLIST");

    assertThat(rewrite(vod))
        .isEqualTo(
            lines(
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                "#EXT-X-TARGETDURATION:6",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                "#EXTINF:6.006,",
                "seg_00000.ts" + Q,
                "#EXTINF:6.006,",
                "seg_00001.ts" + Q,
                "#EXT-X-ENDLIST"));
  }

  /** Issue 15 (fuzzing): a '?' that ends a query's last value is part of it, not a separator. */
  @Test
  void rewrite_queryEndingInQuestionMark_getsItsOwnSeparator() {
    assertThat(rewrite(lines("#EXTM3U", "seg.ts?next=?", "seg.ts??", "seg.ts?", "seg.ts?a=1&")))
        .isEqualTo(lines("#EXTM3U", "seg.ts?next=?" + A, "seg.ts??" + A, "seg.ts" + Q, "seg.ts?a=1&" + TOKEN));
    String once = rewrite(lines("seg.ts?next=?"));
    assertThat(rewrite(once)).as("rewritten again: the stale token is found and replaced").isEqualTo(once);
  }

  @Test
  void rewrite_parentAndRootRelativeLines_getToken() {
    assertThat(rewrite(lines("#EXTM3U", "../720p/index.m3u8", "/vod/bbb/audio/en.m3u8")))
        .isEqualTo(lines("#EXTM3U", "../720p/index.m3u8" + Q, "/vod/bbb/audio/en.m3u8" + Q));
  }

  @Test
  void rewrite_absoluteUrlsOnRequestHost_getToken() {
    String playlist =
        lines(
            "#EXTM3U",
            "https://edge.example.com/vod/bbb/seg_1.ts",
            "http://EDGE.Example.com:80/vod/bbb/seg_2.ts",
            "HTTPS://edge.example.com:8443/vod/bbb/seg_3.ts",
            "//edge.example.com/vod/bbb/seg_4.ts",
            "https://viewer@edge.example.com/vod/bbb/seg_5.ts");

    assertThat(rewrite(playlist))
        .isEqualTo(
            lines(
                "#EXTM3U",
                "https://edge.example.com/vod/bbb/seg_1.ts" + Q,
                "http://EDGE.Example.com:80/vod/bbb/seg_2.ts" + Q,
                "HTTPS://edge.example.com:8443/vod/bbb/seg_3.ts" + Q,
                "//edge.example.com/vod/bbb/seg_4.ts" + Q,
                "https://viewer@edge.example.com/vod/bbb/seg_5.ts" + Q));
  }

  @Test
  void rewrite_otherHostsUrls_leftAlone() {
    String playlist =
        lines(
            "#EXTM3U",
            "#EXTINF:6.0,",
            "https://cdn2.example.net/vod/bbb/seg_1.ts",
            "#EXTINF:6.0,",
            "//cdn2.example.net/vod/bbb/seg_2.ts",
            "#EXTINF:6.0,",
            "https://edge.example.com.evil.example/seg_3.ts",
            "#EXTINF:6.0,",
            "https://edge.example.com@evil.example/seg_4.ts",
            "#EXTINF:6.0,",
            "ftp://edge.example.com/seg_5.ts",
            "#EXTINF:6.0,",
            "https:///seg_6.ts");

    assertThat(rewrite(playlist)).isEqualTo(playlist);
  }

  /** Browsers read a backslash as a slash, so each of these is a URL of evil.example to a player built on them. */
  @Test
  void rewrite_backslashInUri_leftAloneSinceBrowsersReadItAsSlash() {
    String playlist =
        lines(
            "https://evil.example\\@edge.example.com/seg_1.ts",
            "/\\evil.example/seg_2.ts",
            "\\\\evil.example/seg_3.ts",
            "#EXT-X-MAP:URI=\"https://evil.example\\@edge.example.com/init.mp4\"");

    assertThat(rewrite(playlist)).isEqualTo(playlist);
  }

  @Test
  void rewrite_ownHostPredicate_decidesWhichAbsoluteUrlsAreOurs() {
    PlaylistRewriter rewriter = PlaylistRewriter.of(TOKEN, Set.of("edge-a.example.com", "edge-b.example.com")::contains);

    assertThat(rewrite(rewriter, lines("https://edge-a.example.com/a.ts", "https://edge-b.example.com/b.ts", "https://edge-c.example.com/c.ts")))
        .isEqualTo(lines("https://edge-a.example.com/a.ts" + Q, "https://edge-b.example.com/b.ts" + Q, "https://edge-c.example.com/c.ts"));
  }

  @Test
  void rewrite_noHostHeader_onlyRelativeUrisAreOurs() {
    PlaylistRewriter rewriter = PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost(null));

    assertThat(rewrite(rewriter, lines("seg_1.ts", "https://edge.example.com/seg_2.ts")))
        .isEqualTo(lines("seg_1.ts" + Q, "https://edge.example.com/seg_2.ts"));
  }

  @Test
  void requestHost_ipv6LiteralWithPort_matchesTheBracketedAddress() {
    assertThat(PlaylistRewriter.requestHost("[2001:DB8::1]:8443").test("[2001:db8::1]")).isTrue();
    assertThat(PlaylistRewriter.requestHost("[2001:DB8::1]:8443").test("2001")).isFalse();
  }

  @Test
  void rewrite_uriWithQuery_keepsItAndAppendsWithAmpersand() {
    assertThat(rewrite(lines("seg_1.ts?v=2", "seg_2.ts?", "seg_3.ts?v=2&", "low.m3u8?_HLS_msn=273&_HLS_part=2")))
        .isEqualTo(
            lines(
                "seg_1.ts?v=2" + A,
                "seg_2.ts?" + TOKEN,
                "seg_3.ts?v=2&" + TOKEN,
                "low.m3u8?_HLS_msn=273&_HLS_part=2" + A));
  }

  @Test
  void rewrite_fragment_tokenGoesBeforeIt() {
    assertThat(rewrite(lines("seg_1.ts#t=10", "seg_2.ts?v=2#t=10", "seg_3.ts#t=10?not-a-query")))
        .isEqualTo(lines("seg_1.ts" + Q + "#t=10", "seg_2.ts?v=2" + A + "#t=10", "seg_3.ts" + Q + "#t=10?not-a-query"));
  }

  @Test
  void of_hlsDeliveryDirectivesInParams_areNeverCopied() {
    PlaylistRewriter rewriter = PlaylistRewriter.of("_HLS_msn=273&" + TOKEN + "&_HLS_part=2&_HLS_skip=YES", host -> false);

    assertThat(rewrite(rewriter, lines("#EXT-X-PART:DURATION=0.33334,URI=\"part.mp4\"", "seg.mp4")))
        .isEqualTo(lines("#EXT-X-PART:DURATION=0.33334,URI=\"part.mp4" + Q + "\"", "seg.mp4" + Q));
  }

  @Test
  void of_onlyHlsDirectives_leavesPlaylistUnchanged() {
    PlaylistRewriter rewriter = PlaylistRewriter.of("_HLS_msn=273&_HLS_part=2", host -> true);

    assertThat(rewrite(rewriter, lines("#EXTM3U", "seg.ts"))).isEqualTo(lines("#EXTM3U", "seg.ts"));
  }

  @Test
  void rewrite_staleTokenInUri_isReplacedNotDuplicated() {
    String playlist =
        lines(
            "seg_1.ts?hdnts=exp=0~hmac=old",
            "seg_2.ts?hdnts=exp=0~hmac=old&v=2",
            "seg_3.ts?v=2&hdnts=exp=0~hmac=old#t=10",
            "seg_4.ts?hdnts=a&v=2&hdnts=b",
            "seg_5.ts?hdntsx=1&xhdnts=2");

    assertThat(rewrite(playlist))
        .isEqualTo(
            lines(
                "seg_1.ts?" + TOKEN,
                "seg_2.ts?v=2" + A,
                "seg_3.ts?v=2" + A + "#t=10",
                "seg_4.ts?v=2&" + TOKEN,
                "seg_5.ts?hdntsx=1&xhdnts=2" + A));
  }

  @Test
  void of_paramsWithCharactersAQueryMayNotHold_arePercentEncoded() {
    PlaylistRewriter rewriter = PlaylistRewriter.of("t=a\"b c#d\u00e9", host -> false);

    assertThat(rewrite(rewriter, lines("#EXT-X-MAP:URI=\"init.mp4\"", "seg.ts")))
        .isEqualTo(lines("#EXT-X-MAP:URI=\"init.mp4?t=a%22b%20c%23d%C3%A9\"", "seg.ts?t=a%22b%20c%23d%C3%A9"));
  }

  @Test
  void rewrite_variableAtStartOfUri_leftAloneSinceItMayNameAnotherHost() {
    String playlist =
        lines(
            "#EXTM3U",
            "#EXT-X-DEFINE:NAME=\"cdn\",VALUE=\"https://cdn2.example.net\"",
            "{$cdn}/seg_1.ts",
            "seg_{$n}.ts");

    assertThat(rewrite(playlist))
        .isEqualTo(
            lines(
                "#EXTM3U",
                "#EXT-X-DEFINE:NAME=\"cdn\",VALUE=\"https://cdn2.example.net\"",
                "{$cdn}/seg_1.ts",
                "seg_{$n}.ts" + Q));
  }

  // ---- URI attributes ------------------------------------------------------------------------

  @Test
  void rewrite_multivariantPlaylist_rewritesVariantsRenditionsIFramesAndSessionUris() {
    String multivariant =
        lines(
            "#EXTM3U",
            "#EXT-X-VERSION:6",
            "#EXT-X-INDEPENDENT-SEGMENTS",
            "#EXT-X-CONTENT-STEERING:SERVER-URI=\"/steering?video=bbb\",PATHWAY-ID=\"CDN-A\"",
            "#EXT-X-SESSION-DATA:DATA-ID=\"com.example.title\",URI=\"meta/title.json\"",
            "#EXT-X-SESSION-DATA:DATA-ID=\"com.example.lyrics\",VALUE=\"see URI=x.json, please\"",
            "#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI=\"skd://key-42\",KEYFORMAT=\"com.apple.streamingkeydelivery\"",
            "#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"keys/session.key\"",
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,URI=\"audio/en/index.m3u8\"",
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\",NAME=\"Commentary, director\",URI=\"audio/dc/index.m3u8\"",
            "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English, SDH\",FORCED=NO,URI=\"subs/en/index.m3u8\"",
            "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"English\",INSTREAM-ID=\"CC1\"",
            "#EXT-X-STREAM-INF:BANDWIDTH=1280000,CODECS=\"avc1.4d401f,mp4a.40.2\",RESOLUTION=1280x720,AUDIO=\"aac\",SUBTITLES=\"subs\"",
            "720p/index.m3u8",
            "#EXT-X-STREAM-INF:BANDWIDTH=2560000,CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1920x1080,AUDIO=\"aac\",SUBTITLES=\"subs\"",
            "https://cdn2.example.net/vod/bbb/1080p/index.m3u8",
            "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,CODECS=\"avc1.4d401f\",RESOLUTION=1280x720,URI=\"720p/iframes.m3u8\"",
            "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,URI=\"https://edge.example.com/vod/bbb/1080p/iframes.m3u8\",CODECS=\"avc1.640028\"");

    assertThat(rewrite(multivariant))
        .isEqualTo(
            lines(
                "#EXTM3U",
                "#EXT-X-VERSION:6",
                "#EXT-X-INDEPENDENT-SEGMENTS",
                "#EXT-X-CONTENT-STEERING:SERVER-URI=\"/steering?video=bbb" + A + "\",PATHWAY-ID=\"CDN-A\"",
                "#EXT-X-SESSION-DATA:DATA-ID=\"com.example.title\",URI=\"meta/title.json" + Q + "\"",
                "#EXT-X-SESSION-DATA:DATA-ID=\"com.example.lyrics\",VALUE=\"see URI=x.json, please\"",
                "#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI=\"skd://key-42\",KEYFORMAT=\"com.apple.streamingkeydelivery\"",
                "#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"keys/session.key" + Q + "\"",
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=YES,AUTOSELECT=YES,URI=\"audio/en/index.m3u8" + Q + "\"",
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\",NAME=\"Commentary, director\",URI=\"audio/dc/index.m3u8" + Q + "\"",
                "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English, SDH\",FORCED=NO,URI=\"subs/en/index.m3u8" + Q + "\"",
                "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"English\",INSTREAM-ID=\"CC1\"",
                "#EXT-X-STREAM-INF:BANDWIDTH=1280000,CODECS=\"avc1.4d401f,mp4a.40.2\",RESOLUTION=1280x720,AUDIO=\"aac\",SUBTITLES=\"subs\"",
                "720p/index.m3u8" + Q,
                "#EXT-X-STREAM-INF:BANDWIDTH=2560000,CODECS=\"avc1.640028,mp4a.40.2\",RESOLUTION=1920x1080,AUDIO=\"aac\",SUBTITLES=\"subs\"",
                "https://cdn2.example.net/vod/bbb/1080p/index.m3u8",
                "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,CODECS=\"avc1.4d401f\",RESOLUTION=1280x720,URI=\"720p/iframes.m3u8" + Q + "\"",
                "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,URI=\"https://edge.example.com/vod/bbb/1080p/iframes.m3u8" + Q + "\",CODECS=\"avc1.640028\""));
  }

  @Test
  void rewrite_mediaPlaylistKeysAndMap_ownRewrittenFairPlayDataAndOtherCdnLeftAlone() {
    String media =
        lines(
            "#EXTM3U",
            "#EXT-X-VERSION:7",
            "#EXT-X-TARGETDURATION:6",
            "#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"720@0\"",
            "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://fps.example.com/key/42\",KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\"",
            "#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k1.key\",IV=0x1d2e3f405162738495a6b7c8d9eafb0c",
            "#EXTINF:6.0,",
            "seg_0.m4s",
            "#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI=\"data:text/plain;base64,AAAAPnBzc2gAAAAA\",KEYFORMAT=\"urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed\"",
            "#EXTINF:6.0,",
            "https://cdn2.example.net/vod/bbb/seg_1.m4s",
            "#EXT-X-KEY:METHOD=NONE",
            "#EXT-X-MAP:URI=\"https://cdn2.example.net/vod/bbb/init2.mp4\"",
            "#EXTINF:6.0,",
            "seg_2.m4s",
            "#EXT-X-ENDLIST");

    assertThat(rewrite(media))
        .isEqualTo(
            lines(
                "#EXTM3U",
                "#EXT-X-VERSION:7",
                "#EXT-X-TARGETDURATION:6",
                "#EXT-X-MAP:URI=\"init.mp4" + Q + "\",BYTERANGE=\"720@0\"",
                "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://fps.example.com/key/42\",KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\"",
                "#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k1.key" + Q + "\",IV=0x1d2e3f405162738495a6b7c8d9eafb0c",
                "#EXTINF:6.0,",
                "seg_0.m4s" + Q,
                "#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI=\"data:text/plain;base64,AAAAPnBzc2gAAAAA\",KEYFORMAT=\"urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed\"",
                "#EXTINF:6.0,",
                "https://cdn2.example.net/vod/bbb/seg_1.m4s",
                "#EXT-X-KEY:METHOD=NONE",
                "#EXT-X-MAP:URI=\"https://cdn2.example.net/vod/bbb/init2.mp4\"",
                "#EXTINF:6.0,",
                "seg_2.m4s" + Q,
                "#EXT-X-ENDLIST"));
  }

  /** The low-latency example of draft-pantos-hls-rfc8216bis (section 9), CRLF line endings added. */
  @Test
  void rewrite_lowLatencyPlaylistWithCrlf_rewritesPartsHintAndReportsAndKeepsCrlf() {
    String lowLatency =
        crlfLines(
            "#EXTM3U",
            "#EXT-X-TARGETDURATION:4",
            "#EXT-X-VERSION:6",
            "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0",
            "#EXT-X-PART-INF:PART-TARGET=0.33334",
            "#EXT-X-MEDIA-SEQUENCE:266",
            "#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:36.106Z",
            "#EXT-X-MAP:URI=\"init.mp4\"",
            "#EXTINF:4.00008,",
            "fileSequence266.mp4",
            "#EXTINF:4.00008,",
            "fileSequence272.mp4",
            "#EXT-X-PART:DURATION=0.33334,URI=\"filePart273.0.mp4\",INDEPENDENT=YES",
            "#EXT-X-PART:DURATION=0.33334,URI=\"filePart273.1.mp4\"",
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"filePart273.2.mp4\"",
            "",
            "#EXT-X-RENDITION-REPORT:URI=\"../1M/waitForMSN.php\",LAST-MSN=273,LAST-PART=2",
            "#EXT-X-RENDITION-REPORT:URI=\"../4M/waitForMSN.php\",LAST-MSN=273,LAST-PART=1");

    assertThat(rewrite(lowLatency))
        .isEqualTo(
            crlfLines(
                "#EXTM3U",
                "#EXT-X-TARGETDURATION:4",
                "#EXT-X-VERSION:6",
                "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0",
                "#EXT-X-PART-INF:PART-TARGET=0.33334",
                "#EXT-X-MEDIA-SEQUENCE:266",
                "#EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:36.106Z",
                "#EXT-X-MAP:URI=\"init.mp4" + Q + "\"",
                "#EXTINF:4.00008,",
                "fileSequence266.mp4" + Q,
                "#EXTINF:4.00008,",
                "fileSequence272.mp4" + Q,
                "#EXT-X-PART:DURATION=0.33334,URI=\"filePart273.0.mp4" + Q + "\",INDEPENDENT=YES",
                "#EXT-X-PART:DURATION=0.33334,URI=\"filePart273.1.mp4" + Q + "\"",
                "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"filePart273.2.mp4" + Q + "\"",
                "",
                "#EXT-X-RENDITION-REPORT:URI=\"../1M/waitForMSN.php" + Q + "\",LAST-MSN=273,LAST-PART=2",
                "#EXT-X-RENDITION-REPORT:URI=\"../4M/waitForMSN.php" + Q + "\",LAST-MSN=273,LAST-PART=1"));
  }

  @Test
  void rewrite_uriAttributesOfOtherTagsAndComments_leftAlone() {
    String playlist =
        lines(
            "#EXTM3U",
            "#EXT-X-DATERANGE:ID=\"ad1\",CLASS=\"com.apple.hls.interstitial\",START-DATE=\"2024-01-01T00:00:10Z\",X-ASSET-URI=\"ads/ad1.m3u8\"",
            "#EXT-X-MAPPING:URI=\"init.mp4\"",
            "#EXT-X-CUSTOM:URI=\"thing.json\"",
            "# a comment that says URI=\"x.ts\"",
            "#EXT-X-KEY:METHOD=AES-128,X-URI=\"k.key\"",
            "#EXT-X-CONTENT-STEERING:URI=\"not-the-server-uri.json\"");

    assertThat(rewrite(playlist)).isEqualTo(playlist);
  }

  // ---- Byte-for-byte preservation -------------------------------------------------------------

  @Test
  void rewrite_bomBlankLinesSpacesAndNoFinalNewline_preserved() {
    String playlist = "\uFEFF#EXTM3U\n\n  \n#EXTINF:6.0,\n  seg_1.ts\t\n\n#EXTINF:6.0,\r\nseg_2.ts";

    assertThat(rewrite(playlist)).isEqualTo("\uFEFF#EXTM3U\n\n  \n#EXTINF:6.0,\n  seg_1.ts" + Q + "\t\n\n#EXTINF:6.0,\r\nseg_2.ts" + Q);
  }

  @Test
  void rewrite_uriOnFirstLineAfterBom_getsToken() {
    assertThat(rewrite("\uFEFFseg_1.ts\n")).isEqualTo("\uFEFFseg_1.ts" + Q + "\n");
  }

  @Test
  void rewrite_nonAsciiUri_keepsItsBytes() {
    assertThat(rewrite(lines("vidéo/セグメント1.ts"))).isEqualTo(lines("vidéo/セグメント1.ts" + Q));
  }

  // ---- Malformed input -----------------------------------------------------------------------

  @Test
  void rewrite_malformedLines_leftUnchangedWhileTheRestIsRewritten() {
    String playlist =
        lines(
            "#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k1.key",
            "#EXT-X-MAP:URI=init.mp4",
            "#EXT-X-MAP:URI=\"a.mp4\",URI=\"b.mp4\"",
            "#EXT-X-MAP:URI=\"a.mp4\"garbage,BYTERANGE=\"1@0\"",
            "#EXT-X-MAP:BYTERANGE",
            "#EXT-X-MAP:URI=\"\"",
            "#EXT-X-MAP:URI=\"a b.mp4\"",
            "seg 1.ts",
            "seg\u00011.ts",
            "seg_2.ts");

    assertThat(rewrite(playlist))
        .isEqualTo(
            lines(
                "#EXT-X-KEY:METHOD=AES-128,URI=\"keys/k1.key",
                "#EXT-X-MAP:URI=init.mp4",
                "#EXT-X-MAP:URI=\"a.mp4\",URI=\"b.mp4\"",
                "#EXT-X-MAP:URI=\"a.mp4\"garbage,BYTERANGE=\"1@0\"",
                "#EXT-X-MAP:BYTERANGE",
                "#EXT-X-MAP:URI=\"\"",
                "#EXT-X-MAP:URI=\"a b.mp4\"",
                "seg 1.ts",
                "seg\u00011.ts",
                "seg_2.ts" + Q));
  }

  @Test
  void rewrite_megabyteLongLine_rewrittenWithoutTrouble() {
    String longUri = "a".repeat(1 << 20) + ".ts";

    assertThat(rewrite(lines("#EXTM3U", longUri))).isEqualTo(lines("#EXTM3U", longUri + Q));
  }

  // ---- Buffers -------------------------------------------------------------------------------

  @Test
  void rewrite_cachedBody_leftUntouchedAndOnlyItsReadableBytesRead() {
    byte[] bytes = "IGNORED\n#EXTM3U\nseg_1.ts\nIGNORED".getBytes(StandardCharsets.UTF_8);
    ByteBuf cached = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    cached.setIndex("IGNORED\n".length(), bytes.length - "IGNORED".length());
    try {
      ByteBuf out = REWRITER.rewrite(cached, PooledByteBufAllocator.DEFAULT);
      try {
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("#EXTM3U\nseg_1.ts" + Q + "\n");
        assertThat(out.readableBytes()).isEqualTo(out.capacity());
      } finally {
        out.release();
      }
      assertThat(cached.readerIndex()).isEqualTo("IGNORED\n".length());
      assertThat(cached.writerIndex()).isEqualTo(bytes.length - "IGNORED".length());
      assertThat(cached.refCnt()).isEqualTo(1);
      assertThat(ByteBufUtil.getBytes(cached, 0, bytes.length)).isEqualTo(bytes);
    } finally {
      cached.release();
    }
  }

  @Test
  void rewrite_nothingOfOurs_returnsRetainedDuplicateInsteadOfCopy() {
    ByteBuf cached = buffer(lines("#EXTM3U", "https://cdn2.example.net/seg_1.ts"));
    try {
      ByteBuf out = REWRITER.rewrite(cached, PooledByteBufAllocator.DEFAULT);
      try {
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(lines("#EXTM3U", "https://cdn2.example.net/seg_1.ts"));
        assertThat(cached.refCnt()).as("the output shares the cached body").isEqualTo(2);
      } finally {
        out.release();
      }
      assertThat(cached.refCnt()).isEqualTo(1);
    } finally {
      cached.release();
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String rewrite(String playlist) {
    return rewrite(REWRITER, playlist);
  }

  /** Rewrites from a pooled direct buffer, like the cached body, and releases both buffers. */
  static String rewrite(PlaylistRewriter rewriter, String playlist) {
    ByteBuf cached = buffer(playlist);
    try {
      ByteBuf out = rewriter.rewrite(cached, PooledByteBufAllocator.DEFAULT);
      try {
        return out.toString(StandardCharsets.UTF_8);
      } finally {
        out.release();
      }
    } finally {
      cached.release();
    }
  }

  private static ByteBuf buffer(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  private static String crlfLines(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }
}
