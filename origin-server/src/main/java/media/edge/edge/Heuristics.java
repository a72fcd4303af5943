package media.edge.edge;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import media.edge.config.EdgeCacheConfig;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistType;

/**
 * Lifetimes for responses that carry no freshness information of their own, per HLS content kind
 * (RFC 9111 section 4.2.2 allows a cache to choose them). Segments never change once published, a
 * live playlist changes every target duration, and a 404 for a live segment that is not there yet
 * must not outlive the moment it appears, hence the cap on every 404 whatever it says.
 *
 * <p>Immutable and thread-safe.
 */
final class Heuristics {
  static final long NONE = -1;

  private final long segmentMillis;
  private final long vodPlaylistMillis;
  private final double liveFraction;
  private final long otherMillis;
  private final long notFoundMaxMillis;

  Heuristics(EdgeCacheConfig config) {
    this.segmentMillis = config.segmentTtl().toMillis();
    this.vodPlaylistMillis = config.vodPlaylistTtl().toMillis();
    this.liveFraction = config.livePlaylistTargetFraction();
    this.otherMillis = config.otherTtl().toMillis();
    this.notFoundMaxMillis = config.notFoundMaxTtl().toMillis();
  }

  /** The heuristic lifetime before the body is known (playlists count as VOD until scanned). */
  long lifetimeMillis(ContentKind kind, int status) {
    return lifetimeMillis(kind, status, null);
  }

  /** The heuristic lifetime, or {@link #NONE}; {@code body} lets a playlist say whether it is live. */
  long lifetimeMillis(ContentKind kind, int status, ByteBuf body) {
    if (status == 404 || status == 410) {
      return notFoundMaxMillis;
    }
    if (status >= 500) {
      return NONE;
    }
    long millis =
        switch (kind) {
          case SEGMENT, INIT, KEY, SUBTITLE -> segmentMillis;
          case PLAYLIST -> playlistMillis(body);
          case OTHER -> otherMillis;
        };
    return millis > 0 ? millis : NONE;
  }

  private long playlistMillis(ByteBuf body) {
    if (body == null) {
      return vodPlaylistMillis;
    }
    PlaylistType type = PlaylistType.scan(body.nioBuffer());
    if (type.variant() == PlaylistType.Variant.LIVE && type.targetDurationSeconds() > 0) {
      return Math.max(1000, (long) (Duration.ofSeconds(type.targetDurationSeconds()).toMillis() * liveFraction));
    }
    return vodPlaylistMillis;
  }

  /** The longest a 404 or 410 may be served, whatever its own freshness says. */
  long notFoundMaxMillis() {
    return notFoundMaxMillis;
  }
}
