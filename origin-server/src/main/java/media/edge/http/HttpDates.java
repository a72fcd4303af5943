package media.edge.http;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import media.edge.library.HttpDate;

/**
 * HTTP dates (RFC 9110 section 5.6.7): formats IMF-fixdate (through {@link HttpDate}), and parses
 * all three historic forms as recipients must.
 *
 * <p>The {@code Date} header is formatted once per second and shared; an instance is thread-safe.
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 =
      new DateTimeFormatterBuilder()
          .appendPattern("EEEE, dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US)
          .withResolverStyle(ResolverStyle.SMART);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private final Clock clock;
  private volatile Cached current = new Cached(Long.MIN_VALUE, "");

  private record Cached(long second, String text) {}

  public HttpDates(Clock clock) {
    this.clock = clock;
  }

  /** Now, in epoch milliseconds, by the injected clock. */
  public long nowMillis() {
    return clock.millis();
  }

  /** The value of the {@code Date} header now. */
  public String now() {
    long second = Math.floorDiv(clock.millis(), 1000L);
    Cached cached = current;
    if (cached.second != second) {
      cached = new Cached(second, format(second));
      current = cached;
    }
    return cached.text;
  }

  /** Seconds since the epoch, by the injected clock. */
  public long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  /** Formats epoch seconds as IMF-fixdate. */
  public static String format(long epochSecond) {
    return HttpDate.format(epochSecond);
  }

  /**
   * Parses an HTTP date in any of the three forms; returns {@link Long#MIN_VALUE} when malformed,
   * so that callers ignore the header as RFC 9110 requires instead of failing the request.
   */
  public static long parse(String value) {
    if (value == null) {
      return Long.MIN_VALUE;
    }
    String text = value.strip();
    for (DateTimeFormatter format : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
      try {
        return LocalDateTime.parse(text, format).toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return Long.MIN_VALUE;
  }
}
