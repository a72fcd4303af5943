package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ACL glob semantics, one rule per test, then the cases that would hurt a regex. */
class AclMatcherTest {

  @Test
  void matches_literalPattern_matchesOnlyThatPath() {
    assertThat(AclMatcher.matches("/vod/a.ts", "/vod/a.ts")).isTrue();
    assertThat(AclMatcher.matches("/vod/a.ts", "/vod/a.tsx")).isFalse();
    assertThat(AclMatcher.matches("/vod/a.ts", "/vod/a.t")).isFalse();
    assertThat(AclMatcher.matches("/vod/a.ts", "/VOD/a.ts")).isFalse();
  }

  @Test
  void matches_isAnchoredAtBothEnds() {
    assertThat(AclMatcher.matches("/vod", "/vod/a.ts")).isFalse();
    assertThat(AclMatcher.matches("a.ts", "/vod/a.ts")).isFalse();
  }

  @Test
  void matches_starSpansSlashes() {
    assertThat(AclMatcher.matches("/vod/title/*", "/vod/title/720p/seg_1.ts")).isTrue();
    assertThat(AclMatcher.matches("/vod/*.ts", "/vod/a/b/c.ts")).isTrue();
    assertThat(AclMatcher.matches("/*", "/anything/at/all")).isTrue();
  }

  @Test
  void matches_starMatchesEmpty() {
    assertThat(AclMatcher.matches("/vod/title/*", "/vod/title/")).isTrue();
    assertThat(AclMatcher.matches("/vod/*title", "/vod/title")).isTrue();
    assertThat(AclMatcher.matches("*", "")).isTrue();
  }

  @Test
  void matches_starDoesNotExtendPastLiteralSuffix() {
    assertThat(AclMatcher.matches("/vod/*.ts", "/vod/a.ts.m3u8")).isFalse();
  }

  @Test
  void matches_starPrefixIsNotAPrefixOfOtherFolders() {
    assertThat(AclMatcher.matches("/vod/title/*", "/vod/title2/x.ts")).isFalse();
    assertThat(AclMatcher.matches("/vod/title*", "/vod/title2/x.ts")).isTrue();
  }

  @Test
  void matches_questionMarkIsExactlyOneCharacter() {
    assertThat(AclMatcher.matches("/seg_??.ts", "/seg_01.ts")).isTrue();
    assertThat(AclMatcher.matches("/seg_??.ts", "/seg_1.ts")).isFalse();
    assertThat(AclMatcher.matches("/seg_??.ts", "/seg_001.ts")).isFalse();
  }

  @Test
  void matches_questionMarkMatchesSlash() {
    assertThat(AclMatcher.matches("/a?b", "/a/b")).isTrue();
  }

  @Test
  void matches_severalStars_backtrackToTheLastOne() {
    assertThat(AclMatcher.matches("/vod/*/720p/*.ts", "/vod/title/extra/720p/seg_1.ts")).isTrue();
    assertThat(AclMatcher.matches("/vod/*/720p/*.ts", "/vod/title/1080p/seg_1.ts")).isFalse();
    assertThat(AclMatcher.matches("*a*b*c", "xxaxxbxxc")).isTrue();
    assertThat(AclMatcher.matches("*a*b*c", "xxcxxbxxa")).isFalse();
  }

  @Test
  void matches_emptyPathMatchesOnlyStars() {
    assertThat(AclMatcher.matches("**", "")).isTrue();
    assertThat(AclMatcher.matches("?", "")).isFalse();
  }

  @Test
  void matchesAny_anyAclOfTheListGrants() {
    List<String> acls = List.of("/vod/a/*", "/keys/title.key");
    assertThat(AclMatcher.matchesAny(acls, "/vod/a/x.ts")).isTrue();
    assertThat(AclMatcher.matchesAny(acls, "/keys/title.key")).isTrue();
    assertThat(AclMatcher.matchesAny(acls, "/vod/b/x.ts")).isFalse();
  }

  @Test
  @Timeout(5)
  void matches_manyStarsAgainstLongNearMiss_finishesQuickly() {
    String pattern = "*a".repeat(60) + "b"; // a regex engine's catastrophic case
    String path = "a".repeat(8000);
    long start = System.nanoTime();
    assertThat(AclMatcher.matches(pattern, path)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
