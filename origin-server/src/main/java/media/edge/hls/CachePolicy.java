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

  /**
   * @param config the configured values per kind
   * @param revalidateCeiling the longest a memory entry is trusted without a look at the disk
   */
  public CachePolicy(CacheControlConfig config, Duration revalidateCeiling) {
    this.config = config;
    this.revalidateCeiling = revalidateCeiling;
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
    Duration revalidate = maxAge.compareTo(revalidateCeiling) < 0 ? maxAge : revalidateCeiling;
    return new Freshness(cacheControl, revalidate);
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
