package media.edge.httpdate;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 section 5.6.7): formats IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT},
 * and parses all three historic forms as recipients must.
 *
 * <p>Why by hand: {@code DateTimeFormatter} allocates zone rules on every call, and
 * {@code RFC_1123_DATE_TIME} drops the leading zero of the day that IMF-fixdate requires. The common
 * form (IMF-fixdate, what every current client sends) is parsed by hand too, since a conditional
 * request parses one per request; the two obsolete forms go through {@code DateTimeFormatter}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class HttpDate {
  /** What {@link #parse} answers for a value that is not an HTTP date. */
  public static final long MALFORMED = Long.MIN_VALUE;

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final DateTimeFormatter RFC_850 =
      new DateTimeFormatterBuilder()
          .appendPattern("EEEE, dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US)
          .withResolverStyle(ResolverStyle.SMART);
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private HttpDate() {}

  /** Formats seconds since the epoch as IMF-fixdate. */
  public static String format(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(29);
    out.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
    two(out, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
    int year = t.getYear();
    if (year < 1000) {
      out.append(year < 10 ? "000" : year < 100 ? "00" : "0");
    }
    out.append(year).append(' ');
    two(out, t.getHour()).append(':');
    two(out, t.getMinute()).append(':');
    two(out, t.getSecond()).append(" GMT");
    return out.toString();
  }

  /**
   * Parses an HTTP date in any of the three forms into seconds since the epoch; answers
   * {@link #MALFORMED} when it is not one, so that callers ignore the field as RFC 9110 requires
   * instead of failing the request.
   */
  public static long parse(String value) {
    if (value == null) {
      return MALFORMED;
    }
    String text = value.strip();
    long fixdate = parseFixdate(text);
    if (fixdate != MALFORMED) {
      return fixdate;
    }
    for (DateTimeFormatter format : new DateTimeFormatter[] {RFC_850, ASCTIME}) {
      try {
        return LocalDateTime.parse(text, format).toEpochSecond(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return MALFORMED;
  }

  /** {@code Sun, 06 Nov 1994 08:49:37 GMT}, exactly; the weekday must be the date's own. */
  private static long parseFixdate(String t) {
    if (t.length() != 29 || t.charAt(3) != ',' || t.charAt(4) != ' ' || t.charAt(7) != ' ' || t.charAt(11) != ' '
        || t.charAt(16) != ' ' || t.charAt(19) != ':' || t.charAt(22) != ':' || t.charAt(25) != ' '
        || !t.endsWith("GMT")) {
      return MALFORMED;
    }
    int day = digits(t, 5, 2);
    int month = month(t, 8);
    int year = digits(t, 12, 4);
    int hour = digits(t, 17, 2);
    int minute = digits(t, 20, 2);
    int second = digits(t, 23, 2);
    if (day < 1 || month < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 60) {
      return MALFORMED;
    }
    LocalDateTime date;
    try {
      date = LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59));
    } catch (java.time.DateTimeException e) {
      return MALFORMED;
    }
    if (!t.startsWith(DAYS[date.getDayOfWeek().ordinal()])) {
      return MALFORMED;
    }
    return date.toEpochSecond(ZoneOffset.UTC);
  }

  private static int month(String t, int at) {
    for (int i = 0; i < MONTHS.length; i++) {
      if (t.startsWith(MONTHS[i], at)) {
        return i + 1;
      }
    }
    return -1;
  }

  private static int digits(String t, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static StringBuilder two(StringBuilder out, int value) {
    return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
