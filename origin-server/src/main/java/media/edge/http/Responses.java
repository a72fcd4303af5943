package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import media.edge.hls.CachePolicy;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.library.FileMeta;

/**
 * Builds the headers every answer shares ({@code Date}, CORS, {@code Cache-Control}) and the one
 * error shape: a short plain-text body naming only the status, with {@code Content-Length}, so
 * keep-alive survives every error. Nothing from the request or the file system is echoed.
 *
 * <p>Immutable and thread-safe.
 */
final class Responses {
  private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
  private static final AsciiString BYTES = AsciiString.cached("bytes");
  private static final AsciiString NOSNIFF_NAME = AsciiString.cached("x-content-type-options");
  private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");

  private final HttpDates dates;
  private final CorsPolicy cors;
  private final CachePolicy cachePolicy;
  private final boolean gzipPlaylists;

  Responses(HttpDates dates, CorsPolicy cors, CachePolicy cachePolicy, boolean gzipPlaylists) {
    this.dates = dates;
    this.cors = cors;
    this.cachePolicy = cachePolicy;
    this.gzipPlaylists = gzipPlaylists;
  }

  /** An error answer: status line text as the body. */
  FullHttpResponse error(HttpHeaders request, HttpResponseStatus status) {
    ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + "\n", StandardCharsets.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    headers.set(HttpHeaderNames.CACHE_CONTROL, cachePolicy.errorCacheControl());
    headers.set(NOSNIFF_NAME, NOSNIFF);
    headers.set(HttpHeaderNames.DATE, dates.now());
    cors.apply(request, headers);
    return response;
  }

  /** The answer to OPTIONS: a CORS preflight, or the list of allowed methods. */
  FullHttpResponse options(HttpHeaders request) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.DATE, dates.now());
    if (CorsPolicy.isPreflight(request)) {
      cors.preflight(request, headers);
    } else {
      headers.set(HttpHeaderNames.ALLOW, CorsPolicy.ALLOWED_METHODS);
      cors.apply(request, headers);
    }
    return response;
  }

  /**
   * Headers of a file answer (200, 206 or 304); the caller adds the length and range. Every value
   * but {@code Date} was computed when the file was looked up, not per request.
   */
  HttpHeaders fileHeaders(
      HttpHeaders request, ContentKind kind, String contentType, FileMeta meta, Freshness freshness) {
    HttpHeaders headers = new DefaultHttpHeaders(false);
    headers.set(HttpHeaderNames.DATE, dates.now());
    headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    headers.set(HttpHeaderNames.ETAG, meta.etag());
    headers.set(HttpHeaderNames.LAST_MODIFIED, meta.lastModified());
    headers.set(HttpHeaderNames.CACHE_CONTROL, freshness.cacheControl());
    headers.set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
    if (gzipPlaylists && kind == ContentKind.PLAYLIST) {
      headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    }
    cors.apply(request, headers);
    return headers;
  }

  /** A full answer with no body (304, HEAD) built from file headers. */
  static FullHttpResponse withoutBody(HttpResponseStatus status, HttpHeaders headers) {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, headers, HttpHeaders.EMPTY_HEADERS);
  }

  /** Removes what a 304 must not carry (RFC 9110 section 15.4.5 keeps validators and caching headers). */
  static void stripForNotModified(HttpHeaders headers) {
    headers.remove(HttpHeaderNames.CONTENT_TYPE);
    headers.remove(HttpHeaderNames.ACCEPT_RANGES);
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
  }
}
