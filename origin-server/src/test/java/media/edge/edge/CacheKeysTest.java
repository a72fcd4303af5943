package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge's cache key policy: what is left out, sorting, live requests. */
class CacheKeysTest {
  private final CacheKeys keys = new CacheKeys("hdnts", List.of("utm_source"), List.of("variant"));

  @Test
  void plainRequests_keepEveryParameterButTheTokenCmcdAndIgnored_sorted() {
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts"), false)).isEqualTo("/a/s1.ts");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?hdnts=x&CMCD=bl%3D1&utm_source=y"), false)).isEqualTo("/a/s1.ts");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?b=2&a=1&hdnts=x"), false)).isEqualTo("/a/s1.ts?a=1&b=2");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?a=1&&b=2#frag"), false)).isEqualTo("/a/s1.ts?a=1&b=2");
  }

  @Test
  void namesAreComparedWhole_notByPrefix() {
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?hdntsx=1&hdnt=2&hdnts"), false)).isEqualTo("/a/s1.ts?hdnt=2&hdntsx=1");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?utm_source_2=a&CMCDx=b"), false)).isEqualTo("/a/s1.ts?CMCDx=b&utm_source_2=a");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?one=1&hdnts=x"), false)).isEqualTo("/a/s1.ts?one=1");
    assertThat(keys.of("/a/s1.ts", CacheKeys.query("/a/s1.ts?#a=1&b=2"), false)).isEqualTo("/a/s1.ts");
  }

  @Test
  void onlyTheToken_givesThePathItself() {
    String path = "/a/s1.ts";

    assertThat(keys.of(path, CacheKeys.query("/a/s1.ts?hdnts=exp=1~acl=/*~hmac=ab"), false)).isSameAs(path);
  }

  @Test
  void liveRequests_keepOnlyDirectivesAndLiveParameters() {
    String one = keys.of("/l/m.m3u8", CacheKeys.query("/l/m.m3u8?session=9&_HLS_part=2&_HLS_msn=10&CMCD=sid%3D%22a%22&variant=hd"), true);
    String two = keys.of("/l/m.m3u8", CacheKeys.query("/l/m.m3u8?variant=hd&_HLS_msn=10&_HLS_part=2"), true);

    assertThat(one).isEqualTo(two).isEqualTo("/l/m.m3u8?_HLS_msn=10&_HLS_part=2&variant=hd");
    assertThat(keys.of("/l/m.m3u8", CacheKeys.query("/l/m.m3u8?variants=x&_HL=1&_HLS_msn=4"), true)).isEqualTo("/l/m.m3u8?_HLS_msn=4");
  }

  @Test
  void directives_areRecognised() {
    assertThat(CacheKeys.hasDirectives(CacheKeys.query("/l/m.m3u8?_HLS_skip=YES"))).isTrue();
    assertThat(CacheKeys.blocks(CacheKeys.query("/l/m.m3u8?_HLS_skip=YES"))).isFalse();
    assertThat(CacheKeys.blocks(CacheKeys.query("/l/m.m3u8?a=1&_HLS_msn=3"))).isTrue();
    assertThat(CacheKeys.hasDirectives(CacheKeys.query("/l/_HLS_msn=3/m.m3u8"))).isFalse();
  }
}
