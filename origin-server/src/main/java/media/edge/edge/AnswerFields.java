package media.edge.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.hls.ContentKind;
import media.edge.http.Fields;

/**
 * The header fields an edge answers with, from an upstream's: theirs (hop-by-hop fields were already
 * removed by the upstream client), without the framing fields the writer sets itself
 * ({@code Content-Length}, {@code Transfer-Encoding}) and without {@code Age} (computed per answer),
 * with this node appended to {@code Via}, and {@code Vary: Accept-Encoding} on playlists this edge may
 * compress and on bodies with a content coding of their own (which only clients that accept it get, see
 * {@code Answers}). The upstream's {@code Date} is kept (RFC 9111: a stored response keeps its own).
 *
 * <p>Immutable and thread-safe.
 */
final class AnswerFields {
  private final String via;
  private final boolean gzipPlaylists;

  /** @param via this node's {@code Via} member, {@code 1.1 <node name>} */
  AnswerFields(String via, boolean gzipPlaylists) {
    this.via = via;
    this.gzipPlaylists = gzipPlaylists;
  }

  boolean gzipPlaylists() {
    return gzipPlaylists;
  }

  Fields of(HttpHeaders upstream, ContentKind kind) {
    Fields.Builder fields = Fields.of(upstream).toBuilder()
        .remove(HttpHeaderNames.CONTENT_LENGTH)
        .remove(HttpHeaderNames.TRANSFER_ENCODING)
        .remove(HttpHeaderNames.AGE);
    String prior = fields.get(HttpHeaderNames.VIA);
    fields.set(HttpHeaderNames.VIA, prior == null ? via : prior + ", " + via);
    boolean encoded = upstream.contains(HttpHeaderNames.CONTENT_ENCODING);
    boolean negotiated = encoded || gzipPlaylists && kind == ContentKind.PLAYLIST;
    if (negotiated && !upstream.containsValue(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING, true)) {
      fields.add(HttpHeaderNames.VARY, "accept-encoding");
    }
    return fields.build();
  }
}
