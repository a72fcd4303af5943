package media.edge.config;

/**
 * Response policy of the data port.
 *
 * @param cacheControl {@code Cache-Control} per content kind ({@code http.cache-control.*})
 * @param cors cross-origin rules for browser players ({@code http.cors.*})
 * @param gzipPlaylists compress playlists for clients that accept gzip ({@code http.gzip-playlists})
 */
public record HttpConfig(CacheControlConfig cacheControl, CorsConfig cors, boolean gzipPlaylists) {}
