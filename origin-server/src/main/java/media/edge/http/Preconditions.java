package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Conditional requests on a GET or HEAD of a file (RFC 9110 section 13): If-None-Match first (weak
 * comparison, lists, {@code *}); If-Modified-Since only when If-None-Match is absent, compared at
 * second precision; malformed values are ignored, never an error. If-Range decides whether a
 * Range header may be honoured (strong comparison for entity tags, exact match for dates).
 */
final class Preconditions {
  private Preconditions() {}

  /** True when the client's copy is current and a 304 answers the request. */
  static boolean notModified(HttpHeaders request, String etag, long modifiedSeconds) {
    String ifNoneMatch = request.get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return anyTagMatches(ifNoneMatch, etag, false);
    }
    String ifModifiedSince = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (ifModifiedSince == null) {
      return false;
    }
    long since = HttpDates.parse(ifModifiedSince);
    return since != Long.MIN_VALUE && modifiedSeconds <= since;
  }

  /** True when a Range header may be applied: no If-Range, or If-Range names this version. */
  static boolean rangeApplies(HttpHeaders request, String etag, long modifiedSeconds) {
    String ifRange = request.get(HttpHeaderNames.IF_RANGE);
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return !value.startsWith("W/") && value.equals(etag);
    }
    long date = HttpDates.parse(value);
    return date != Long.MIN_VALUE && date == modifiedSeconds;
  }

  /**
   * Whether a comma-separated If-None-Match list matches. Weak comparison: {@code W/"x"} equals
   * {@code "x"}. A malformed member matches nothing.
   */
  static boolean anyTagMatches(String list, String etag, boolean strong) {
    String value = list.strip();
    if (value.equals("*")) {
      return true;
    }
    String ours = opaque(etag);
    int i = 0;
    int n = value.length();
    while (i < n) {
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      boolean weak = false;
      if (value.startsWith("W/", i)) {
        weak = true;
        i += 2;
      }
      if (i >= n || value.charAt(i) != '"') {
        return false;
      }
      int close = value.indexOf('"', i + 1);
      if (close < 0) {
        return false;
      }
      if (!(strong && weak) && value.regionMatches(i, ours, 0, ours.length()) && close - i + 1 == ours.length()) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }

  /** The quoted part of an entity tag, without any {@code W/} prefix. */
  private static String opaque(String etag) {
    return etag.startsWith("W/") ? etag.substring(2) : etag;
  }
}
