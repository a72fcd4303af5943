package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.httpdate.HttpDate;

/**
 * A heuristic freshness lifetime (RFC 9111 section 4.2.2) for responses that state none: a
 * fraction of the time since {@code Last-Modified}, on the reasoning that what has not changed
 * for a long time is unlikely to change soon. The RFC suggests 10% as a typical fraction.
 */
public final class Heuristic {
  private Heuristic() {}

  /**
   * {@code fraction} of the interval from {@code Last-Modified} to {@code Date} (or to {@code
   * responseMillis} when Date is absent or invalid), at most {@code maxMillis}; -1 when there is
   * no valid Last-Modified or it is not in the past, meaning "no heuristic" to {@link
   * StoredHead#of} and {@link Storability#decide}.
   */
  public static long fromLastModified(HttpHeaders response, long responseMillis, double fraction, long maxMillis) {
    if (!(fraction >= 0 && fraction <= 1) || maxMillis < 0) {
      throw new IllegalArgumentException(
          "fraction: " + fraction + ", maxMillis: " + maxMillis + " (expected: 0 <= fraction <= 1, maxMillis >= 0)");
    }
    long modified = HttpDate.parse(response.get(HttpHeaderNames.LAST_MODIFIED));
    if (modified == Long.MIN_VALUE) {
      return -1;
    }
    long interval = Freshness.dateMillis(response, responseMillis) - modified * 1000;
    if (interval <= 0) {
      return -1;
    }
    return Math.min(maxMillis, (long) (interval * fraction));
  }
}
