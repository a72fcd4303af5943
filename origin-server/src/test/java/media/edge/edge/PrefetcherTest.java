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
      // hls.js 1.7's relative form of the next segment in the same folder
      "/demo/240p/seg_000.ts, ../240p/seg_001.ts?hdnts=x, /demo/240p/seg_001.ts?hdnts=x",
      "/live/ch1/720p/seg_010.m4s, parts/../seg_011.m4s, /live/ch1/720p/seg_011.m4s",
      "/live/ch1/720p/seg_010.m4s, ./seg_011.m4s, /live/ch1/720p/seg_011.m4s",
  })
  void resolve_relativeReferenceInTheFolder_resolved(String request, String nor, String expected) {
    assertThat(Prefetcher.resolve(request, nor)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "../1080p/seg_011.m4s", "%2e%2e/1080p/seg_011.m4s", "%2E%2E/%2e%2e/x.ts", "a/../../x.ts", "../../../../../etc/passwd",
      "/live/ch1/720p/seg_011.m4s", "../720p", "../720p/", "sub/..", "../",
      "//evil.example/seg.ts", "https://evil.example/seg.ts", "http:seg.ts", "seg\\..\\x.ts", "a//b.ts", "seg.ts#frag", "",
      "a/..", ".."})
  void resolve_escapesOtherHostsAndOddForms_refused(String nor) {
    assertThat(Prefetcher.resolve("/live/ch1/720p/seg_010.m4s", nor)).isNull();
  }
}
