package media.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How responses fetched from upstreams are kept ({@code cache.*} keys beyond the memory tier).
 *
 * <p>Heuristic lifetimes apply only to responses that carry no freshness information of their own
 * ({@code Cache-Control: max-age}/{@code s-maxage} or {@code Expires}); RFC 9111 allows them, and HLS
 * makes them safe per content kind: segments never change, live playlists change every target duration.
 *
 * @param diskDir the disk tier's folder, or null for memory only ({@code cache.disk-dir})
 * @param diskBytes the disk tier's bound ({@code cache.disk-bytes})
 * @param segmentTtl heuristic lifetime of segments, init segments, keys and subtitles ({@code cache.default-ttl.segment})
 * @param vodPlaylistTtl heuristic lifetime of VOD and master playlists ({@code cache.default-ttl.vod-playlist})
 * @param livePlaylistTargetFraction heuristic lifetime of live playlists as a fraction of their target
 *     duration ({@code cache.default-ttl.live-playlist-target-fraction})
 * @param otherTtl heuristic lifetime of anything else; zero for none ({@code cache.default-ttl.other})
 * @param notFoundMaxTtl a 404 is kept at most this long, whatever it says: a live segment that is not
 *     there yet will be soon ({@code cache.not-found-max-ttl})
 * @param staleIfError how long past its lifetime a response may stand in for an upstream error, unless it
 *     forbids it ({@code cache.stale-if-error})
 */
public record EdgeCacheConfig(
    Path diskDir,
    long diskBytes,
    Duration segmentTtl,
    Duration vodPlaylistTtl,
    double livePlaylistTargetFraction,
    Duration otherTtl,
    Duration notFoundMaxTtl,
    Duration staleIfError,
    List<String> keyIgnoreParams,
    List<String> keyLiveParams) {

  /** Copies the lists. */
  public EdgeCacheConfig {
    keyIgnoreParams = List.copyOf(keyIgnoreParams);
    keyLiveParams = List.copyOf(keyLiveParams);
  }

  /** Returns a copy with another disk tier (null dir for none). */
  public EdgeCacheConfig withDisk(Path diskDir, long diskBytes) {
    return new EdgeCacheConfig(
        diskDir, diskBytes, segmentTtl, vodPlaylistTtl, livePlaylistTargetFraction, otherTtl, notFoundMaxTtl, staleIfError,
        keyIgnoreParams, keyLiveParams);
  }
}
