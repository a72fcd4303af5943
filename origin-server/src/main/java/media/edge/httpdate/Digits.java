package media.edge.httpdate;

/**
 * RFC 9110's {@code 1*DIGIT} where a value must fit a file offset or a sequence number (byte ranges,
 * LL-HLS directives): strict, so that signs, spaces and overflow are refusals, not surprises.
 *
 * <p>Stateless.
 */
public final class Digits {
  /** 18 digits always fit a {@code long}. */
  private static final int MAX_DIGITS = 18;

  private Digits() {}

  /** The value of {@code text}, a non-negative decimal of 1 to 18 digits; -1 for anything else. */
  public static long parse(String text) {
    if (text.isEmpty() || text.length() > MAX_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
