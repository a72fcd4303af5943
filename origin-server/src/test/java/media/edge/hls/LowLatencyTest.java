package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import media.edge.hls.LowLatency.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a playlist stands and what a blocking reload gets, on the example of
 * draft-pantos-hls-rfc8216bis-style playlists: target 4 s, 1 s parts (Advance Part Limit 3), segments
 * 100..109 complete with parts listed for 108 and 109, segment 110 open with parts 0 and 1.
 */
class LowLatencyTest {
  private static final String PLAYLIST = """
      #EXTM3U
      #EXT-X-VERSION:9
      #EXT-X-TARGETDURATION:4
      #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=24.0,PART-HOLD-BACK=3.0
      #EXT-X-PART-INF:PART-TARGET=1.0
      #EXT-X-MEDIA-SEQUENCE:100
      #EXT-X-MAP:URI="init.mp4"
      #EXTINF:4.0,
      seg100.m4s
      #EXTINF:4.0,
      seg101.m4s
      #EXTINF:4.0,
      seg102.m4s
      #EXTINF:4.0,
      seg103.m4s
      #EXTINF:4.0,
      seg104.m4s
      #EXTINF:4.0,
      seg105.m4s
      #EXTINF:4.0,
      seg106.m4s
      #EXTINF:4.0,
      seg107.m4s
      #EXT-X-PART:DURATION=1.0,URI="p108.0.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p108.1.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p108.2.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p108.3.m4s"
      #EXTINF:4.0,
      seg108.m4s
      #EXT-X-PART:DURATION=1.0,URI="p109.0.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p109.1.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p109.2.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p109.3.m4s"
      #EXTINF:4.0,
      seg109.m4s
      #EXT-X-PART:DURATION=1.0,URI="p110.0.m4s"
      #EXT-X-PART:DURATION=1.0,URI="p110.1.m4s"
      #EXT-X-PRELOAD-HINT:TYPE=PART,URI="p110.2.m4s",BYTERANGE-START=0
      #EXT-X-RENDITION-REPORT:URI="../1M/media.m3u8",LAST-MSN=110,LAST-PART=0
      """;

  private final LowLatency live = LowLatency.parse(PLAYLIST);

  @Test
  void parse_readsThePosition() {
    assertThat(live.blocks()).isTrue();
    assertThat(live.lastMsn()).isEqualTo(109);
    assertThat(live.openParts()).isEqualTo(2);
    assertThat(live.targetDuration()).isEqualTo(4.0);
    assertThat(live.partTarget()).isEqualTo(1.0);
    assertThat(live.canSkipUntil()).isEqualTo(24.0);
    assertThat(live.preloadHints()).containsExactly(new LowLatency.Hint("p110.2.m4s", 0));
  }

  @ParameterizedTest(name = "msn={0} part={1}: {2}")
  @CsvSource({
    "105, -1, READY", // passed
    "109, -1, READY",
    "110, -1, WAIT", // segment 110 not complete
    "111, -1, WAIT", // last + 2
    "112, -1, TOO_FAR",
    "110, 0, READY",
    "110, 1, READY",
    "110, 2, WAIT",
    "110, 4, WAIT", // 3 past the last part: the limit
    "110, 5, TOO_FAR",
    "111, 0, WAIT", // estimated 3 parts ahead (2 left of 110, then 111.0)
    "111, 1, TOO_FAR",
    "109, 3, READY",
    "109, 4, READY", // past the end of 109: part 0 of 110, published
    "108, 9, READY", // past the end of 108: part 0 of 109
    "100, 7, READY" // parts no longer listed: the segment is complete
  })
  void decide(long msn, int part, Readiness expected) {
    assertThat(live.decide(msn, part)).isEqualTo(expected);
  }

  @Test
  void endedOrNotBlocking_isNone() {
    assertThat(LowLatency.parse(PLAYLIST + "#EXT-X-ENDLIST\n").blocks()).isFalse();
    assertThat(LowLatency.parse(PLAYLIST.replace("CAN-BLOCK-RELOAD=YES,", "")).blocks()).isFalse();
    assertThat(LowLatency.parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n").blocks()).isFalse();
    assertThat(LowLatency.parse("").blocks()).isFalse();
  }

  @Test
  void directives_areDecimalIntegers() {
    assertThat(DeliveryDirectives.of("110", "2", "YES")).isEqualTo(new DeliveryDirectives(110, 2, DeliveryDirectives.Skip.YES, false));
    assertThat(DeliveryDirectives.of(null, null, "v2").skip()).isEqualTo(DeliveryDirectives.Skip.V2);
    assertThat(DeliveryDirectives.of(null, null, "yes").skip()).isEqualTo(DeliveryDirectives.Skip.NO);
    assertThat(DeliveryDirectives.of(null, null, "v2").blocking()).isFalse();
    for (String[] bad : new String[][] {{null, "1"}, {"", null}, {"-1", null}, {"1x", null}, {"1", "9999999999"}, {"1", ""},
        {"1234567890123456789", null}}) {
      assertThat(DeliveryDirectives.of(bad[0], bad[1], null).malformed()).as(String.join(",", String.valueOf(bad[0]), String.valueOf(bad[1]))).isTrue();
    }
    assertThat(DeliveryDirectives.of(null, null, null)).isSameAs(DeliveryDirectives.NONE);
  }
}
