package media.edge.config;

/**
 * Response policy of the data port.
 *
 * @param cacheControl {@code Cache-Control} per content kind ({@code http.cache-control.*})
 * @param cors cross-origin rules for browser players ({@code http.cors.*})
 * @param gzipPlaylists compress playlists for clients that accept gzip ({@code http.gzip-playlists})
 * @param playerPage serve the browser player page at {@code /} and its script under {@code /_player/}, both
 *     without a token ({@code http.player-page}); off by default, on in the demo
 */
public record HttpConfig(CacheControlConfig cacheControl, CorsConfig cors, boolean gzipPlaylists, boolean playerPage) {

  /** Returns a copy with the player page on or off (tests use this). */
  public HttpConfig withPlayerPage(boolean playerPage) {
    return new HttpConfig(cacheControl, cors, gzipPlaylists, playerPage);
  }
}
