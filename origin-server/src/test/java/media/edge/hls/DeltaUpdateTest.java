package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Delta updates (draft-pantos-hls-rfc8216bis section 6.2.5.1): which segments are skipped, what is
 * written again for the first one kept, date ranges, the version.
 */
class DeltaUpdateTest {
  /** Ten 2 s segments 20..29, a date only on the first, a key change on the third, a date range on the second. */
  private static final String PLAYLIST = """
      #EXTM3U
      #EXT-X-VERSION:6
      #EXT-X-TARGETDURATION:2
      #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,CAN-SKIP-DATERANGES=YES,PART-HOLD-BACK=1.5
      #EXT-X-MEDIA-SEQUENCE:20
      #EXT-X-MAP:URI="init.mp4"
      #EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:00.000Z
      #EXTINF:2.0,
      s20.m4s
      #EXT-X-DATERANGE:ID="ad",START-DATE="2026-12-02T10:00:02.000Z",DURATION=1.0
      #EXTINF:2.0,
      s21.m4s
      #EXT-X-KEY:METHOD=AES-128,URI="k2.key"
      #EXTINF:2.0,
      s22.m4s
      #EXTINF:2.0,
      s23.m4s
      #EXTINF:2.0,
      s24.m4s
      #EXTINF:2.0,
      s25.m4s
      #EXTINF:2.0,
      s26.m4s
      #EXTINF:2.0,
      s27.m4s
      #EXTINF:2.0,
      s28.m4s
      #EXTINF:2.0,
      s29.m4s
      #EXT-X-PRELOAD-HINT:TYPE=PART,URI="s30p0.m4s"
      """;

  @Test
  void skipsTheSegmentsBeyondTheBoundary_andWritesAgainWhatStillApplies() {
    String delta = DeltaUpdate.of(PLAYLIST, 12, false, List.of());

    // The end is at 20 s; segments ending before 8 s (20..22, ending at 2, 4, 6) are skipped.
    assertThat(delta).startsWith("""
        #EXTM3U
        #EXT-X-VERSION:9
        #EXT-X-TARGETDURATION:2
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,CAN-SKIP-DATERANGES=YES,PART-HOLD-BACK=1.5
        #EXT-X-MEDIA-SEQUENCE:20
        #EXT-X-SKIP:SKIPPED-SEGMENTS=3
        #EXT-X-DATERANGE:ID="ad",START-DATE="2026-12-02T10:00:02.000Z",DURATION=1.0
        #EXT-X-MAP:URI="init.mp4"
        #EXT-X-KEY:METHOD=AES-128,URI="k2.key"
        #EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:06.000Z
        #EXTINF:2.0,
        s23.m4s
        """);
    assertThat(delta).endsWith("s29.m4s\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s30p0.m4s\"\n");
    assertThat(delta).doesNotContain("s20.m4s").doesNotContain("s22.m4s");
  }

  @Test
  void v2_leavesOutSkippedDateRanges_andListsTheRemovedOnes() {
    String delta = DeltaUpdate.of(PLAYLIST, 12, true, List.of("old-1", "old-2"));

    assertThat(delta).contains("#EXT-X-VERSION:10\n")
        .contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=3,RECENTLY-REMOVED-DATERANGES=\"old-1\told-2\"\n")
        .doesNotContain("ID=\"ad\"");
  }

  @Test
  void aShortPlaylist_skipsNothing_butIsStillADelta() {
    String delta = DeltaUpdate.of(PLAYLIST, 100, false, List.of());

    assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=0\n").contains("s20.m4s");
  }

  @Test
  void noVersionTag_getsOne() {
    String delta = DeltaUpdate.of(PLAYLIST.replace("#EXT-X-VERSION:6\n", ""), 12, false, List.of());

    assertThat(delta).startsWith("#EXTM3U\n#EXT-X-VERSION:9\n");
  }
}
