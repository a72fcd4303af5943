package media.edge.origin;

import io.netty.handler.codec.http.HttpHeaderNames;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.http.Fields;

/**
 * The header fields of a library file's answer, made once per file version: type, validators (a strong
 * ETag from modification time and size, as nginx makes it, and {@code Last-Modified}),
 * {@code Cache-Control} by kind, {@code Accept-Ranges}, and {@code Vary: Accept-Encoding} on playlists
 * when they may be compressed. {@code Date}, lengths and CORS are the writer's.
 *
 * <p>Stateless; safe from any thread.
 */
final class FileFields {
  private FileFields() {}

  static Fields of(FileMeta meta, ContentKind kind, String contentType, Freshness freshness, boolean gzipPlaylists) {
    Fields.Builder fields =
        Fields.builder()
            .add(HttpHeaderNames.CONTENT_TYPE, contentType)
            .add(HttpHeaderNames.ETAG, meta.etag())
            .add(HttpHeaderNames.LAST_MODIFIED, meta.lastModified())
            .add(HttpHeaderNames.CACHE_CONTROL, freshness.cacheControl())
            .add(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    if (gzipPlaylists && kind == ContentKind.PLAYLIST) {
      fields.add(HttpHeaderNames.VARY, "accept-encoding");
    }
    return fields.build();
  }

  /** The fields of the stored gzip form: its own coding and a weak validator (its bytes are not the file's). */
  static Fields gzip(Fields identity) {
    return identity.toBuilder()
        .set(HttpHeaderNames.ETAG, "W/" + identity.get(HttpHeaderNames.ETAG))
        .add(HttpHeaderNames.CONTENT_ENCODING, "gzip")
        .build();
  }
}
