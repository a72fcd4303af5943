package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.httpdate.HttpDate;

/**
 * The validators of a response (RFC 9110 section 8.8) as a cache uses them: the {@code ETag} when
 * non-blank (sent back verbatim, even if not quoted as it should be: the origin made it and may
 * compare it literally), and {@code Last-Modified} only when it is a valid HTTP date, since a
 * malformed date in {@code If-Modified-Since} would be ignored by the origin anyway.
 */
final class Validators {
  private Validators() {}

  /** The first {@code ETag} value, or null when there is none or it is blank. */
  static String etag(HttpHeaders headers) {
    String etag = headers.get(HttpHeaderNames.ETAG);
    return etag == null || etag.isBlank() ? null : etag.strip();
  }

  /** The first {@code Last-Modified} value when it parses as an HTTP date, else null. */
  static String lastModified(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.LAST_MODIFIED);
    return value != null && HttpDate.parse(value) != Long.MIN_VALUE ? value.strip() : null;
  }

  /** RFC 9110 section 8.8.3.2: weak comparison ignores the {@code W/} prefixes. */
  static boolean weaklyEqual(String a, String b) {
    return opaque(a).equals(opaque(b));
  }

  /** Strong comparison: both strong and identical. */
  static boolean stronglyEqual(String a, String b) {
    return !isWeak(a) && !isWeak(b) && a.equals(b);
  }

  static boolean isWeak(String etag) {
    return etag.startsWith("W/");
  }

  private static String opaque(String etag) {
    return isWeak(etag) ? etag.substring(2) : etag;
  }
}
