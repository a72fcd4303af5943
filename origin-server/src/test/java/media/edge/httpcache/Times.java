package media.edge.httpcache;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import media.edge.httpdate.HttpDate;

/** A fixed instant and header helpers shared by the tests; no test reads the clock. */
final class Times {
  /** 2026-01-01T00:00:00Z. */
  static final long T0 = 1_767_225_600_000L;
  static final long SECOND = 1000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;

  private Times() {}

  /** An IMF-fixdate for epoch milliseconds (floored to the second). */
  static String date(long millis) {
    return HttpDate.format(Math.floorDiv(millis, 1000L));
  }

  /**
   * Headers from alternating names and values, unvalidated so that tests may hold what Netty's
   * decoder would have stripped (surrounding whitespace).
   */
  static HttpHeaders headers(String... namesAndValues) {
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  /** A head received at {@code T0} for a request sent at {@code T0}, with no heuristic. */
  static StoredHead stored(String... namesAndValues) {
    return StoredHead.of(200, headers(namesAndValues), T0, T0, -1);
  }
}
