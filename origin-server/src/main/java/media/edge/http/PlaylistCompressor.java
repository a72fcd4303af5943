package media.edge.http;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's compressor limited to playlists: text that shrinks five- to ten-fold. Playlists held in
 * memory are sent from a gzip copy made once per version (an answer that already has
 * {@code Content-Encoding} passes through here untouched); this compresses the rest: playlists
 * rewritten with a viewer's token, and playlists too large for memory. Segments are
 * already compressed video, and compressing them would only burn CPU and break byte ranges.
 * Only whole (200) answers are compressed; the ETag of a compressed answer is made weak, as
 * nginx does, since its bytes differ from the file's.
 *
 * <p>Must sit after {@code HttpServerCodec} and before the handlers that write responses. One
 * instance per channel (it tracks each request's Accept-Encoding).
 */
final class PlaylistCompressor extends HttpContentCompressor {
  private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

  PlaylistCompressor() {
    super(0, StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate());
  }

  @Override
  protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
    HttpHeaders headers = response.headers();
    if (!HttpResponseStatus.OK.equals(response.status())) {
      return null;
    }
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null || !type.startsWith(PLAYLIST_TYPE)) {
      return null;
    }
    Result result = super.beginEncode(response, acceptEncoding);
    if (result != null) {
      String etag = headers.get(HttpHeaderNames.ETAG);
      if (etag != null && !etag.startsWith("W/")) {
        headers.set(HttpHeaderNames.ETAG, "W/" + etag);
      }
    }
    return result;
  }

  /** gzip, else deflate, by {@link AcceptEncoding}'s reading of the weights; nothing else is offered. */
  @Override
  protected String determineEncoding(String acceptEncoding) {
    if (AcceptEncoding.accepts(acceptEncoding, "gzip")) {
      return "gzip";
    }
    return AcceptEncoding.accepts(acceptEncoding, "deflate") ? "deflate" : null;
  }
}
