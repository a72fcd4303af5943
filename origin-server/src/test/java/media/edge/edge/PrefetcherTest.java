package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a CMCD next-object hint may lead a prefetch: the requested object's folder and below, nowhere else. */
class PrefetcherTest {

  @ParameterizedTest
  @CsvSource({
      "/live/ch1/720p/seg_010.m4s, seg_011.m4s, /live/ch1/720p/seg_011.m4s",
      "/live/ch1/720p/seg_010.m4s, seg_011.m4s?hdnts=exp%3D1~hmac%3Dab, /live/ch1/720p/seg_011.m4s?hdnts=exp%3D1~hmac%3Dab",
      "/live/ch1/720p/media.m3u8, parts/p1.m4s, /live/ch1/720p/parts/p1.m4s",
      "/vod/a%20b/seg1.ts, seg%202.ts, /vod/a%20b/seg%202.ts",
  })
  void resolve_relativeReferenceInTheFolder_resolved(String request, String nor, String expected) {
    assertThat(Prefetcher.resolve(request, nor)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "../1080p/seg_011.m4s", "./seg_011.m4s", "a/../../x.ts", "a/./b.ts", "/live/ch1/720p/seg_011.m4s",
      "//evil.example/seg.ts", "https://evil.example/seg.ts", "http:seg.ts", "seg\\..\\x.ts", "a//b.ts", "seg.ts#frag", "",
      "a/..", ".."})
  void resolve_escapesOtherHostsAndOddForms_refused(String nor) {
    assertThat(Prefetcher.resolve("/live/ch1/720p/seg_010.m4s", nor)).isNull();
  }
}
