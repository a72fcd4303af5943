package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.httpdate.HttpDate;

/**
 * The two halves of RFC 9111 section 4.2 that only look at a response as received: its freshness
 * lifetime (4.2.1, shared-cache precedence) and its age when it arrived (4.2.3).
 */
final class Freshness {
  private Freshness() {}

  /**
   * {@code s-maxage}, else {@code max-age}, else {@code Expires} minus {@code Date} (an invalid
   * Expires such as "0" means already expired), else the heuristic when one is given and the
   * response may use one (a heuristically cacheable status or {@code public}, section 4.2.2),
   * else 0.
   */
  static long lifetimeMillis(int status, HttpHeaders headers, CacheControl control, long responseMillis,
      long heuristicLifetimeMillis) {
    if (control.sMaxAge() >= 0) {
      return control.sMaxAge() * 1000;
    }
    if (control.maxAge() >= 0) {
      return control.maxAge() * 1000;
    }
    String expires = headers.get(HttpHeaderNames.EXPIRES);
    if (expires != null) {
      long expiresSeconds = HttpDate.parse(expires);
      if (expiresSeconds == Long.MIN_VALUE) {
        return 0;
      }
      return Math.max(0, expiresSeconds * 1000 - dateMillis(headers, responseMillis));
    }
    if (heuristicLifetimeMillis >= 0 && (Storability.heuristicallyCacheable(status) || control.isPublic())) {
      return heuristicLifetimeMillis;
    }
    return 0;
  }

  /**
   * {@code corrected_initial_age}: the larger of the apparent age (Date to arrival, never
   * negative) and the {@code Age} header plus the round trip, which accounts for caches upstream
   * whose clocks we cannot trust. An invalid Age is ignored (section 5.1).
   */
  static long initialAgeMillis(HttpHeaders headers, long requestMillis, long responseMillis) {
    long apparentAge = Math.max(0, responseMillis - dateMillis(headers, responseMillis));
    long responseDelay = Math.max(0, responseMillis - requestMillis);
    long ageValue = ageSeconds(headers);
    long correctedAgeValue = Math.max(0, ageValue) * 1000 + responseDelay;
    return Math.max(apparentAge, correctedAgeValue);
  }

  /** The {@code Date} header in milliseconds, or {@code responseMillis} when absent or invalid. */
  static long dateMillis(HttpHeaders headers, long responseMillis) {
    String date = headers.get(HttpHeaderNames.DATE);
    long seconds = date == null ? Long.MIN_VALUE : HttpDate.parse(date);
    return seconds == Long.MIN_VALUE ? responseMillis : seconds * 1000;
  }

  /**
   * The first member of the first {@code Age} line as delta-seconds, surrounding whitespace allowed;
   * -1 when invalid. A list ({@code 7200, 0}, or a value repeated by a careless intermediary) counts
   * by its first member, as for any singleton field sent as a list (RFC 9110 section 5.5): ignoring
   * the whole line would make a two-hour-old response look new.
   */
  private static long ageSeconds(HttpHeaders headers) {
    String age = headers.get(HttpHeaderNames.AGE);
    if (age == null) {
      return -1;
    }
    int comma = age.indexOf(',');
    return DeltaSeconds.parse((comma < 0 ? age : age.substring(0, comma)).strip());
  }
}
