package media.edge.config;

/**
 * {@code Cache-Control} values sent per content kind. Live media playlists (no {@code #EXT-X-ENDLIST})
 * get {@code max-age} = target duration x {@code livePlaylistTargetFraction}, at least one second.
 *
 * @param segment media segments: .ts, .m4s, .aac, ... ({@code http.cache-control.segment})
 * @param init initialisation sections (EXT-X-MAP files) ({@code http.cache-control.init})
 * @param vodPlaylist media playlists with #EXT-X-ENDLIST ({@code http.cache-control.vod-playlist})
 * @param masterPlaylist multivariant playlists ({@code http.cache-control.master-playlist})
 * @param livePlaylistTargetFraction fraction of #EXT-X-TARGETDURATION a live playlist stays fresh
 *     ({@code http.cache-control.live-playlist-target-fraction})
 * @param key content keys (.key) ({@code http.cache-control.key})
 * @param subtitle WebVTT files ({@code http.cache-control.subtitle})
 * @param other everything else ({@code http.cache-control.other})
 * @param error 4xx/5xx answers ({@code http.cache-control.error})
 */
public record CacheControlConfig(
    String segment,
    String init,
    String vodPlaylist,
    String masterPlaylist,
    double livePlaylistTargetFraction,
    String key,
    String subtitle,
    String other,
    String error) {}
