package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Whether a request accepts a content coding (RFC 9110 section 12.5.3): the coding (for gzip also
 * {@code x-gzip}) or {@code *} with a non-zero weight; an explicit entry wins over {@code *}. A
 * malformed weight counts as acceptance. Both compression paths (the stored gzip copy and
 * {@link PlaylistCompressor}) decide with this, so {@code gzip;q=0} is refused by both.
 */
final class AcceptEncoding {
  private AcceptEncoding() {}

  /** True when the request accepts gzip. */
  static boolean gzip(HttpHeaders request) {
    return accepts(request.get(HttpHeaderNames.ACCEPT_ENCODING), "gzip");
  }

  /** True when {@code header} (an Accept-Encoding value, may be null) accepts {@code coding}. */
  static boolean accepts(String header, String coding) {
    if (header == null) {
      return false;
    }
    boolean star = false;
    for (String member : header.split(",")) {
      int semicolon = member.indexOf(';');
      String name = (semicolon < 0 ? member : member.substring(0, semicolon)).strip();
      boolean accepted = semicolon < 0 || weight(member.substring(semicolon + 1)) > 0;
      if (name.equalsIgnoreCase(coding) || (coding.equals("gzip") && name.equalsIgnoreCase("x-gzip"))) {
        return accepted;
      }
      if (name.equals("*")) {
        star = accepted;
      }
    }
    return star;
  }

  private static double weight(String parameters) {
    String p = parameters.strip();
    if (!p.regionMatches(true, 0, "q=", 0, 2)) {
      return 1;
    }
    try {
      return Double.parseDouble(p.substring(2).strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
