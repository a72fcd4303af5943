package media.edge.httpcache;

/**
 * The {@code delta-seconds} grammar (RFC 9111 section 1.2.2): one or more digits, a value too
 * large to represent read as 2^31 rather than overflowing, as the RFC asks.
 */
final class DeltaSeconds {
  /** 2^31 seconds (about 68 years), the value that stands for "larger than we care". */
  static final long CAP = 1L << 31;

  private DeltaSeconds() {}

  /** The value in seconds, capped at {@link #CAP}; -1 when {@code text} is not 1*DIGIT. */
  static long parse(CharSequence text) {
    int n = text.length();
    if (n == 0) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = Math.min(CAP, value * 10 + (c - '0'));
    }
    return value;
  }
}
