package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Set;
import media.edge.config.CorsConfig;

/**
 * Cross-origin access for browser players (hls.js, Shaka, video.js) loading our URLs from another
 * site. Headers go on every answer, errors included, so a player can read a 404 or 416 instead of
 * seeing an opaque network error. Responses vary by {@code Origin} unless any origin is allowed.
 *
 * <p>Immutable and thread-safe.
 */
final class CorsPolicy {
  static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
  private static final AsciiString EXPOSED =
      AsciiString.cached("Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified, Age, Date");
  private static final AsciiString DEFAULT_ALLOWED_HEADERS =
      AsciiString.cached("Range, If-Range, If-None-Match, If-Modified-Since, Origin, Accept, Accept-Encoding");

  private final boolean anyOrigin;
  private final Set<String> origins;
  private final String maxAgeSeconds;

  CorsPolicy(CorsConfig config) {
    this.anyOrigin = config.allowsAnyOrigin();
    this.origins = Set.copyOf(config.allowedOrigins());
    this.maxAgeSeconds = Long.toString(config.maxAge().toSeconds());
  }

  /** Adds the CORS headers of an actual (non-preflight) response. */
  void apply(HttpHeaders request, HttpHeaders response) {
    if (allowOrigin(request, response)) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
  }

  /**
   * Sets {@code Access-Control-Allow-Origin} when the request's origin may read the answer (and
   * {@code Vary: Origin} when the answer depends on it); false when it may not.
   */
  private boolean allowOrigin(HttpHeaders request, HttpHeaders response) {
    if (anyOrigin) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
      return true;
    }
    response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    String origin = request.get(HttpHeaderNames.ORIGIN);
    if (origin == null || !origins.contains(origin)) {
      return false;
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    return true;
  }

  /** True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  static boolean isPreflight(HttpHeaders request) {
    return request.contains(HttpHeaderNames.ORIGIN)
        && request.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  /** Adds the headers of a preflight answer (204). A disallowed origin gets none, and the browser blocks. */
  void preflight(HttpHeaders request, HttpHeaders response) {
    if (!allowOrigin(request, response)) {
      return;
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
    String requested = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    response.set(
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
        requested != null && isTokenList(requested) ? requested : DEFAULT_ALLOWED_HEADERS);
    response.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAgeSeconds);
    response.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
  }

  /** Echo only what looks like a list of header names, never arbitrary text. */
  private static boolean isTokenList(String value) {
    if (value.length() > 1024) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == ',' || c == ' ';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
