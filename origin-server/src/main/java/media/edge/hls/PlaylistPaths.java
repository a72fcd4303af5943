package media.edge.hls;

import java.net.URI;

/**
 * Where a URI written in a playlist points on this server: resolved against the playlist's own path
 * (RFC 3986 section 5.2, as players do), its query and fragment dropped. Stateless.
 */
public final class PlaylistPaths {
  private static final String BASE = "http://playlist.invalid";

  private PlaylistPaths() {}

  /**
   * The raw (still percent-encoded) path {@code uri} names, for a playlist at {@code playlistPath}
   * ({@code /live/2M/media.m3u8}); null when it names none (not a URI, or a path above the root, left
   * for {@code SafePath} to refuse: {@code /../x}).
   */
  public static String resolve(String playlistPath, String uri) {
    try {
      String path = URI.create(BASE + playlistPath).resolve(uri.strip()).normalize().getRawPath();
      return path == null || path.isEmpty() ? null : path;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
