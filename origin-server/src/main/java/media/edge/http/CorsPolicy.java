package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import media.edge.cmcd.CmcdReader;
import media.edge.config.CorsConfig;

/**
 * Cross-origin access for browser players (hls.js, Shaka, video.js) loading our URLs from another
 * site. The fields go on every answer, errors included, so a player can read a 404 or 416 instead of
 * seeing an opaque network error. Answers vary by {@code Origin} unless any origin is allowed; with
 * {@code *} the fields are the same for every answer and encoded once.
 *
 * <p>Immutable and thread-safe.
 */
final class CorsPolicy {
  static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
  private static final String EXPOSED = "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified, Age, Date, X-Cache";
  private static final String DEFAULT_ALLOWED_HEADERS =
      "Range, If-Range, If-None-Match, If-Modified-Since, Origin, Accept, Accept-Encoding, "
          + String.join(", ", CmcdReader.HEADERS);
  private static final byte[] ANY =
      ("access-control-allow-origin: *\r\naccess-control-expose-headers: " + EXPOSED + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VARY_ORIGIN = "vary: origin\r\n".getBytes(StandardCharsets.US_ASCII);

  private final boolean anyOrigin;
  private final Set<String> origins;
  private final String maxAgeSeconds;

  CorsPolicy(CorsConfig config) {
    this.anyOrigin = config.allowsAnyOrigin();
    this.origins = Set.copyOf(config.allowedOrigins());
    this.maxAgeSeconds = Long.toString(config.maxAge().toSeconds());
  }

  /** The encoded CORS fields of an actual (non-preflight) answer to {@code request}. */
  byte[] encoded(Request request) {
    if (anyOrigin) {
      return ANY;
    }
    String origin = request.header(HttpHeaderNames.ORIGIN);
    if (origin == null || !origins.contains(origin)) {
      return VARY_ORIGIN;
    }
    return ("vary: origin\r\naccess-control-allow-origin: " + origin + "\r\naccess-control-expose-headers: " + EXPOSED
            + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Adds the CORS fields of an actual answer to HTTP/2 headers. */
  void apply(Request request, HttpHeaders response) {
    if (allowOrigin(request, response)) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
  }

  private boolean allowOrigin(Request request, HttpHeaders response) {
    if (anyOrigin) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
      return true;
    }
    response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    String origin = request.header(HttpHeaderNames.ORIGIN);
    if (origin == null || !origins.contains(origin)) {
      return false;
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    return true;
  }

  /** True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  static boolean isPreflight(Request request) {
    return request.contains(HttpHeaderNames.ORIGIN) && request.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  /**
   * The fields of the answer to OPTIONS (204): for a preflight from an allowed origin, the allowed
   * methods, the requested headers (when they look like header names) and how long to keep the answer;
   * a disallowed origin gets none, and the browser blocks. Any other OPTIONS gets {@code Allow} and the
   * fields of an actual answer.
   */
  Fields optionsFields(Request request) {
    Fields.Builder fields = Fields.builder();
    if (!isPreflight(request)) {
      fields.add(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
      addActual(request, fields);
      return fields.build();
    }
    String origin = request.header(HttpHeaderNames.ORIGIN);
    if (anyOrigin) {
      fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    } else {
      fields.add(HttpHeaderNames.VARY, "origin");
      if (!origins.contains(origin)) {
        return fields.build();
      }
      fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    fields.add(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
    String requested = request.header(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
        requested != null && isTokenList(requested) ? requested : DEFAULT_ALLOWED_HEADERS);
    fields.add(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAgeSeconds);
    fields.add(HttpHeaderNames.CONTENT_LENGTH, "0");
    return fields.build();
  }

  private void addActual(Request request, Fields.Builder fields) {
    if (anyOrigin) {
      fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
      fields.add(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
      return;
    }
    fields.add(HttpHeaderNames.VARY, "origin");
    String origin = request.header(HttpHeaderNames.ORIGIN);
    if (origin != null && origins.contains(origin)) {
      fields.add(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      fields.add(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
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
