package media.edge.http;

import media.edge.httpdate.HttpDate;

/**
 * The comparisons of conditional requests (RFC 9110 section 13.1): entity-tag lists, strong or weak,
 * and dates at second precision. {@link Answers} applies them in the order of section 13.2.2; this class
 * only compares. Malformed values match nothing and malformed dates are ignored, never an error.
 *
 * <p>Stateless; safe from any thread.
 */
final class Preconditions {
  /** An entity tag no list can name, for a representation that has none ({@code *} still matches it). */
  static final String NO_TAG = "\"\u0000\"";

  private Preconditions() {}

  /** {@code If-Match}: true when {@code list} names the representation (strong comparison) or is {@code *}. */
  static boolean ifMatch(String list, String etag) {
    return anyTagMatches(list, etag == null ? NO_TAG : etag, true);
  }

  /** {@code If-None-Match}: true when {@code list} names the representation (weak comparison) or is {@code *}. */
  static boolean ifNoneMatch(String list, String etag) {
    return anyTagMatches(list, etag == null ? NO_TAG : etag, false);
  }

  /** True when a date condition holds: {@code modified} at or before {@code value}; false when unusable. */
  static boolean notModifiedSince(String value, long modifiedSeconds) {
    long since = HttpDate.parse(value);
    return since != HttpDate.MALFORMED && modifiedSeconds != HttpDate.MALFORMED && modifiedSeconds <= since;
  }

  /**
   * {@code If-Range} (section 13.1.5): true when a Range may be honoured, i.e. the value names this
   * version: an entity tag by strong comparison (a weak one never does), or exactly its modification date.
   */
  static boolean rangeApplies(String ifRange, String etag, long modifiedSeconds) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.strip();
    if (value.startsWith("\"") || value.startsWith("W/")) {
      return etag != null && !value.startsWith("W/") && !etag.startsWith("W/") && value.equals(etag);
    }
    long date = HttpDate.parse(value);
    return date != HttpDate.MALFORMED && modifiedSeconds != HttpDate.MALFORMED && date == modifiedSeconds;
  }

  /**
   * Whether a comma-separated entity-tag list matches {@code etag}, or is {@code *}. Weak comparison
   * takes {@code W/"x"} for {@code "x"}; strong comparison matches only two strong, equal tags. A
   * malformed member ends the list unmatched.
   */
  static boolean anyTagMatches(String list, String etag, boolean strong) {
    String value = list.strip();
    if (value.equals("*")) {
      return true;
    }
    if (strong && etag.startsWith("W/")) {
      return false;
    }
    String ours = etag.startsWith("W/") ? etag.substring(2) : etag;
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
      if (!(strong && weak) && close - i + 1 == ours.length() && value.regionMatches(i, ours, 0, ours.length())) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }
}
