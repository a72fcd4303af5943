package media.edge.hls;

import media.edge.httpdate.Digits;

/**
 * A playlist request's Delivery Directives (draft-pantos-hls-rfc8216bis section 6.2.5): {@code _HLS_msn},
 * {@code _HLS_part} and {@code _HLS_skip}, read from their query values. Values are decimal integers
 * (section 4.2: 1 to 20 digits, up to 2^64 - 1; here at most 18, which no sequence number nears); a
 * malformed or negative one, or {@code _HLS_part} without {@code _HLS_msn}, makes the request malformed
 * (400). {@code _HLS_skip} is {@code YES} or {@code v2}; any other value is not a skip request.
 *
 * @param msn the Media Sequence Number asked for, or -1
 * @param part the Part Index asked for, or -1
 * @param skip what delta update was asked for
 * @param malformed true when the request gets 400
 */
public record DeliveryDirectives(long msn, int part, Skip skip, boolean malformed) {
  /** No directive: a plain playlist request. */
  public static final DeliveryDirectives NONE = new DeliveryDirectives(-1, -1, Skip.NO, false);

  /** The delta updates of section 6.2.5.1. */
  public enum Skip {
    NO,
    /** {@code _HLS_skip=YES}: segments only. */
    YES,
    /** {@code _HLS_skip=v2}: date ranges too. */
    V2
  }

  /** The directives from the three parameters' raw values (each null when absent). */
  public static DeliveryDirectives of(String msn, String part, String skip) {
    if (msn == null && part == null && skip == null) {
      return NONE;
    }
    long m = msn == null ? -1 : Digits.parse(msn);
    long p = part == null ? -1 : Digits.parse(part);
    Skip s = "YES".equals(skip) ? Skip.YES : "v2".equals(skip) ? Skip.V2 : Skip.NO;
    boolean malformed = (msn != null && m < 0) || (part != null && (p < 0 || p > Integer.MAX_VALUE)) || (part != null && msn == null);
    return new DeliveryDirectives(m, (int) Math.min(p, Integer.MAX_VALUE), s, malformed);
  }

  /** True when the request blocks: it names a Media Sequence Number. */
  public boolean blocking() {
    return msn >= 0;
  }
}
