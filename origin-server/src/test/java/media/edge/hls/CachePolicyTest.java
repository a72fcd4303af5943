package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import media.edge.config.CacheControlConfig;
import media.edge.config.ConfigLoader;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.PlaylistType.Variant;
import org.junit.jupiter.api.Test;

/** Cache-Control per kind with the shipped defaults, and how long the memory tier trusts an entry. */
class CachePolicyTest {

  private static final CacheControlConfig DEFAULTS = ConfigLoader.defaults().http().cacheControl();
  private static final Duration CEILING = Duration.ofSeconds(10);

  private final CachePolicy policy = new CachePolicy(DEFAULTS, CEILING);

  private static PlaylistType live(int target) {
    return new PlaylistType(Variant.LIVE, target);
  }

  private static CacheControlConfig withFraction(double fraction) {
    return new CacheControlConfig(
        DEFAULTS.segment(),
        DEFAULTS.init(),
        DEFAULTS.vodPlaylist(),
        DEFAULTS.masterPlaylist(),
        fraction,
        DEFAULTS.key(),
        DEFAULTS.subtitle(),
        DEFAULTS.other(),
        DEFAULTS.error());
  }

  // ---- live playlists -----------------------------------------------------------------------

  @Test
  void freshness_immutableFiles_useTheirOwnRevalidationCeiling() {
    CachePolicy split = new CachePolicy(DEFAULTS, Duration.ofSeconds(1), Duration.ofMinutes(1));

    assertThat(split.freshness(ContentKind.SEGMENT, null).revalidateAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(split.freshness(ContentKind.PLAYLIST, null).revalidateAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void defaults_liveTargetFraction_isOneHalf() {
    assertThat(DEFAULTS.livePlaylistTargetFraction()).isEqualTo(0.5);
  }

  @Test
  void freshness_liveTargetSixAtHalf_isMaxAgeThree() {
    Freshness freshness = policy.freshness(ContentKind.PLAYLIST, live(6));

    assertThat(freshness.cacheControl()).isEqualTo("public, max-age=3");
    assertThat(freshness.revalidateAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void freshness_liveOddTarget_roundsDown() {
    assertThat(policy.freshness(ContentKind.PLAYLIST, live(7)).cacheControl()).isEqualTo("public, max-age=3");
    assertThat(policy.freshness(ContentKind.PLAYLIST, live(3)).cacheControl()).isEqualTo("public, max-age=1");
  }

  @Test
  void freshness_liveTargetOne_isAtLeastMaxAgeOne() {
    Freshness freshness = policy.freshness(ContentKind.PLAYLIST, live(1));

    assertThat(freshness.cacheControl()).isEqualTo("public, max-age=1");
    assertThat(freshness.revalidateAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void freshness_liveWithoutTargetDuration_isMaxAgeOne() {
    assertThat(policy.freshness(ContentKind.PLAYLIST, live(0)).cacheControl()).isEqualTo("public, max-age=1");
  }

  @Test
  void freshness_liveWithConfiguredFraction_usesIt() {
    CachePolicy whole = new CachePolicy(withFraction(1.0), CEILING);
    CachePolicy third = new CachePolicy(withFraction(1.0 / 3), CEILING);

    assertThat(whole.freshness(ContentKind.PLAYLIST, live(6)).cacheControl()).isEqualTo("public, max-age=6");
    assertThat(third.freshness(ContentKind.PLAYLIST, live(6)).cacheControl()).isEqualTo("public, max-age=2");
  }

  @Test
  void freshness_liveMaxAgeAboveCeiling_revalidatesAtCeiling() {
    CachePolicy policy = new CachePolicy(DEFAULTS, Duration.ofSeconds(1));

    Freshness freshness = policy.freshness(ContentKind.PLAYLIST, live(6));

    assertThat(freshness.cacheControl()).isEqualTo("public, max-age=3");
    assertThat(freshness.revalidateAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  // ---- other playlists ----------------------------------------------------------------------

  @Test
  void freshness_vodPlaylist_usesVodValueAndCeiling() {
    Freshness freshness = policy.freshness(ContentKind.PLAYLIST, new PlaylistType(Variant.VOD, 6));

    assertThat(freshness.cacheControl()).isEqualTo(DEFAULTS.vodPlaylist()).isEqualTo("public, max-age=86400");
    assertThat(freshness.revalidateAfter()).isEqualTo(CEILING);
  }

  @Test
  void freshness_multivariantPlaylist_usesMasterValue() {
    Freshness freshness = policy.freshness(ContentKind.PLAYLIST, new PlaylistType(Variant.MULTIVARIANT, 0));

    assertThat(freshness.cacheControl()).isEqualTo(DEFAULTS.masterPlaylist()).isEqualTo("public, max-age=60");
    assertThat(freshness.revalidateAfter()).isEqualTo(CEILING);
  }

  @Test
  void freshness_playlistNotScanned_usesMasterValue() {
    assertThat(policy.freshness(ContentKind.PLAYLIST, null).cacheControl()).isEqualTo(DEFAULTS.masterPlaylist());
  }

  @Test
  void freshness_masterMaxAgeBelowCeiling_revalidatesAtMaxAge() {
    CachePolicy policy = new CachePolicy(DEFAULTS, Duration.ofMinutes(5));

    assertThat(policy.freshness(ContentKind.PLAYLIST, null).revalidateAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  // ---- media and other kinds ----------------------------------------------------------------

  @Test
  void freshness_segment_isImmutableAndRevalidatesAtCeiling() {
    Freshness freshness = policy.freshness(ContentKind.SEGMENT, null);

    assertThat(freshness.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
    assertThat(freshness.revalidateAfter()).isEqualTo(CEILING);
  }

  @Test
  void freshness_segment_ignoresPlaylistArgument() {
    assertThat(policy.freshness(ContentKind.SEGMENT, live(6)).cacheControl())
        .isEqualTo("public, max-age=31536000, immutable");
  }

  @Test
  void freshness_init_isImmutable() {
    assertThat(policy.freshness(ContentKind.INIT, null).cacheControl()).isEqualTo(DEFAULTS.init()).contains("immutable");
  }

  @Test
  void freshness_subtitleAndOther_useTheirValues() {
    assertThat(policy.freshness(ContentKind.SUBTITLE, null).cacheControl()).isEqualTo(DEFAULTS.subtitle());
    assertThat(policy.freshness(ContentKind.OTHER, null).cacheControl())
        .isEqualTo(DEFAULTS.other())
        .isEqualTo("public, max-age=3600");
  }

  @Test
  void freshness_noStoreKey_isNeverTrustedWithoutRevalidation() {
    Freshness freshness = policy.freshness(ContentKind.KEY, null);

    assertThat(freshness.cacheControl()).isEqualTo("private, no-store");
    assertThat(freshness.revalidateAfter()).isEqualTo(Duration.ZERO);
  }

  @Test
  void errorCacheControl_isNoStore() {
    assertThat(policy.errorCacheControl()).isEqualTo("no-store");
  }

  // ---- max-age parsing ----------------------------------------------------------------------

  @Test
  void maxAge_directiveAnywhereAndAnyCase_isRead() {
    assertThat(CachePolicy.maxAge("public, max-age=31536000, immutable")).isEqualTo(Duration.ofSeconds(31536000));
    assertThat(CachePolicy.maxAge("MAX-AGE=5")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void maxAge_absentOrMalformed_isZero() {
    assertThat(CachePolicy.maxAge("no-store")).isEqualTo(Duration.ZERO);
    assertThat(CachePolicy.maxAge("no-cache")).isEqualTo(Duration.ZERO);
    assertThat(CachePolicy.maxAge("public, s-maxage=600")).isEqualTo(Duration.ZERO);
    assertThat(CachePolicy.maxAge("max-age=soon")).isEqualTo(Duration.ZERO);
  }
}
