package media.edge.hls;

import java.time.Duration;
import media.edge.config.CacheControlConfig;

/**
 * Turns a file's kind (and, for playlists, its tags) into the {@code Cache-Control} value the
 * player gets, and into how long the memory tier may serve it before checking the disk again.
 * Immutable, so one instance is shared by all event loops.
 */
public final class CachePolicy {
  private final CacheControlConfig config;
  private final Duration revalidateCeiling;
  private final Duration immutableCeiling;

  /**
   * @param config the configured values per kind
   * @param revalidateCeiling the longest a memory entry is trusted without a look at the disk
   */
  public CachePolicy(CacheControlConfig config, Duration revalidateCeiling) {
    this(config, revalidateCeiling, revalidateCeiling);
  }

  /**
   * @param immutableCeiling the same for files sent {@code immutable}: segments are never rewritten,
   *     so checking each one every second costs a {@code stat} per file per second for nothing
   */
  public CachePolicy(CacheControlConfig config, Duration revalidateCeiling, Duration immutableCeiling) {
    this.config = config;
    this.revalidateCeiling = revalidateCeiling;
    this.immutableCeiling = immutableCeiling;
  }

  /** The header value and freshness for a file; {@code playlist} is only read for playlists. */
  public Freshness freshness(ContentKind kind, PlaylistType playlist) {
    switch (kind) {
      case PLAYLIST:
        return forPlaylist(playlist);
      case SEGMENT:
        return of(config.segment());
      case INIT:
        return of(config.init());
      case KEY:
        return of(config.key());
      case SUBTITLE:
        return of(config.subtitle());
      default:
        return of(config.other());
    }
  }

  /**
   * The {@code Cache-Control} of an answer to a blocking playlist reload (draft-pantos-hls-rfc8216bis
   * appendix B.1: six target durations): its URI names a version that, once it exists, never changes.
   */
  public String blockingPlaylist(double targetDurationSeconds) {
    return "public, max-age=" + Math.max(1L, Math.round(6 * targetDurationSeconds));
  }

  /** The value sent on 4xx and 5xx answers. */
  public String errorCacheControl() {
    return config.error();
  }

  private Freshness forPlaylist(PlaylistType playlist) {
    if (playlist == null) {
      return of(config.masterPlaylist());
    }
    switch (playlist.variant()) {
      case VOD:
        return of(config.vodPlaylist());
      case LIVE:
        long seconds =
            Math.max(1L, (long) Math.floor(playlist.targetDurationSeconds() * config.livePlaylistTargetFraction()));
        return of("public, max-age=" + seconds);
      default:
        return of(config.masterPlaylist());
    }
  }

  private Freshness of(String cacheControl) {
    Duration maxAge = maxAge(cacheControl);
    Duration ceiling = isImmutable(cacheControl) ? immutableCeiling : revalidateCeiling;
    Duration revalidate = maxAge.compareTo(ceiling) < 0 ? maxAge : ceiling;
    return new Freshness(cacheControl, revalidate);
  }

  private static boolean isImmutable(String cacheControl) {
    for (String directive : cacheControl.split(",")) {
      if (directive.strip().equalsIgnoreCase("immutable")) {
        return true;
      }
    }
    return false;
  }

  /** The {@code max-age} of a header value, or zero when there is none (no-store, no-cache). */
  static Duration maxAge(String cacheControl) {
    for (String directive : cacheControl.split(",")) {
      String d = directive.strip();
      if (d.regionMatches(true, 0, "max-age=", 0, 8)) {
        try {
          return Duration.ofSeconds(Long.parseLong(d.substring(8).strip()));
        } catch (NumberFormatException e) {
          return Duration.ZERO;
        }
      }
    }
    return Duration.ZERO;
  }

  /**
   * @param cacheControl the header value
   * @param revalidateAfter how long the memory tier may serve the entry before re-checking the file
   */
  public record Freshness(String cacheControl, Duration revalidateAfter) {}
}
