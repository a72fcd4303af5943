package media.edge.httpdate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The injected clock as HTTP needs it: now in milliseconds and seconds, and the {@code Date} header,
 * formatted once per second and shared by every answer of that second, as text and as the encoded
 * header line an HTTP/1.1 answer is assembled from.
 *
 * <p>Thread-safe: the per-second value is an immutable holder published through a volatile field; two
 * threads crossing a second at once may both format it, which is harmless.
 */
public final class HttpDates {
  private final Clock clock;
  private volatile Second current = new Second(Long.MIN_VALUE, "", new byte[0]);

  private record Second(long second, String text, byte[] line) {}

  public HttpDates(Clock clock) {
    this.clock = clock;
  }

  /** Now, in epoch milliseconds, by the injected clock. */
  public long nowMillis() {
    return clock.millis();
  }

  /** Seconds since the epoch, by the injected clock. */
  public long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  /** The value of the {@code Date} header now. */
  public String now() {
    return second().text;
  }

  /**
   * {@code date: <now>\r\n} in US-ASCII, the same array for a whole second. Callers copy it and must
   * not change it.
   */
  public byte[] dateLine() {
    return second().line;
  }

  private Second second() {
    long second = Math.floorDiv(clock.millis(), 1000L);
    Second cached = current;
    if (cached.second != second) {
      String text = HttpDate.format(second);
      cached = new Second(second, text, ("date: " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
      current = cached;
    }
    return cached;
  }
}
