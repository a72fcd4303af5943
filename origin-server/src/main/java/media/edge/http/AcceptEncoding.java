package media.edge.http;

/**
 * Whether a request accepts a content coding (RFC 9110 section 12.5.3): the coding (for gzip also
 * {@code x-gzip}) or {@code *} with a non-zero weight; an explicit entry wins over {@code *}. A
 * malformed weight counts as acceptance. Every compressed answer decides with this, so {@code gzip;q=0}
 * is refused everywhere. Scans the value in place: a playlist request costs no strings here.
 *
 * <p>Stateless; safe from any thread.
 */
final class AcceptEncoding {
  private AcceptEncoding() {}

  /** True when {@code header} (an Accept-Encoding value, may be null) accepts {@code coding}. */
  static boolean accepts(String header, String coding) {
    if (header == null) {
      return false;
    }
    boolean gzip = coding.equals("gzip");
    boolean star = false;
    int n = header.length();
    int start = 0;
    while (start <= n) {
      int comma = header.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int semicolon = header.indexOf(';', start);
      int nameEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
      int a = skipSpace(header, start, nameEnd);
      int b = trimSpace(header, a, nameEnd);
      boolean accepted = nameEnd == end || weight(header, nameEnd + 1, end) > 0;
      if (matches(header, a, b, coding) || (gzip && matches(header, a, b, "x-gzip"))) {
        return accepted;
      }
      if (b - a == 1 && header.charAt(a) == '*') {
        star = accepted;
      }
      start = end + 1;
    }
    return star;
  }

  private static boolean matches(String header, int from, int to, String coding) {
    return to - from == coding.length() && header.regionMatches(true, from, coding, 0, coding.length());
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return from;
  }

  private static int trimSpace(String s, int from, int to) {
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return to;
  }

  /** The {@code q} weight in {@code [from, to)}; 1 when absent or malformed. */
  private static double weight(String s, int from, int to) {
    int a = skipSpace(s, from, to);
    int b = trimSpace(s, a, to);
    if (b - a < 2 || !s.regionMatches(true, a, "q=", 0, 2)) {
      return 1;
    }
    try {
      return Double.parseDouble(s.substring(a + 2, b).strip());
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
