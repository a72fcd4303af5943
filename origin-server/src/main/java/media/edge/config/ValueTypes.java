package media.edge.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value types of the {@link Settings} table, each with the words a refusal uses after
 * {@code expected:}, and the parsers behind them. Every parser returns {@code null} to refuse, so a
 * type never throws and one message shape serves them all.
 *
 * <p>Immutable after class initialization; safe to use from any thread.
 */
final class ValueTypes {

  private static final String SIZE_UNITS = "units B, KiB, MiB, GiB, KB, MB, GB";
  private static final String DURATION_FORMS =
      "such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds)";

  static final ValueType<Integer> PORT = integer(0, 65535, "an integer port 0-65535");
  static final ValueType<Integer> LIMIT_BYTES =
      intSize(256, 1048576, "a byte size 256-1048576 such as 8192 or 8KiB");
  static final ValueType<Integer> THREADS_OR_ZERO =
      integer(0, Integer.MAX_VALUE, "an integer >= 0 (0 means one per core)");
  static final ValueType<Integer> THREADS = integer(1, Integer.MAX_VALUE, "an integer >= 1");
  static final ValueType<Duration> POSITIVE_DURATION = duration(false, "a duration > 0 " + DURATION_FORMS);
  static final ValueType<Duration> DURATION = duration(true, "a duration >= 0 " + DURATION_FORMS);
  static final ValueType<Long> MEMORY_BYTES =
      size(1, Long.MAX_VALUE, "a byte size > 0 such as 536870912 or 512MiB (" + SIZE_UNITS + ")");
  // Memory buffers are int-indexed, so one object cannot exceed Integer.MAX_VALUE bytes.
  static final ValueType<Long> OBJECT_BYTES =
      size(1, Integer.MAX_VALUE, "a byte size 1-2147483647 such as 16MiB (" + SIZE_UNITS + ")");
  static final ValueType<Boolean> BOOLEAN =
      scalar("true or false", t -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null);
  static final ValueType<Double> FRACTION =
      scalar("a number in (0, 1] such as 0.5", ValueTypes::parseFraction);
  static final ValueType<String> ADDRESS =
      scalar("a host name or IP address (non-blank, no spaces)", t -> t.matches("\\S+") ? t : null);
  static final ValueType<String> HEADER_VALUE = scalar(
      "a non-blank header value of printable ASCII",
      t -> t.matches("[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*") ? t : null);
  static final ValueType<Path> DIRECTORY = scalar("a non-blank directory path", ValueTypes::parsePath);
  static final ValueType<List<String>> ORIGINS = origins(
      "a list of \"*\" or origins such as https://player.example.com"
          + " (scheme://host[:port], lower case, no path; comma-separated outside YAML)");

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18}) ?(B|KiB|MiB|GiB|KB|MB|GB)?");
  private static final Pattern DURATION_TEXT = Pattern.compile("([0-9]{1,18}) ?(ms|s|m|h|d)?");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}(\\.[0-9]{1,18})?|\\.[0-9]{1,18}");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+]");
  private static final Pattern ORIGIN =
      Pattern.compile("(?<scheme>https?)://(" + HOST.pattern() + ")(?::(?<port>[0-9]{1,5}))?");

  private ValueTypes() {}

  // ---- type builders -----------------------------------------------------------------------------

  /** A scalar type: refuses lists, maps and YAML null before {@code parse} sees the text. */
  private static <T> ValueType<T> scalar(String expected, Function<String, T> parse) {
    return new ValueType<>(expected, raw -> raw instanceof String text ? parse.apply(text) : null, raw -> raw);
  }

  private static ValueType<Integer> integer(int min, int max, String expected) {
    return bounded(ValueTypes::parseLong, min, max, Math::toIntExact, expected);
  }

  private static ValueType<Long> size(long min, long max, String expected) {
    return bounded(ValueTypes::parseSize, min, max, n -> n, expected);
  }

  private static ValueType<Integer> intSize(int min, int max, String expected) {
    return bounded(ValueTypes::parseSize, min, max, Math::toIntExact, expected);
  }

  /** A whole number read by {@code parse}, refused outside {@code [min, max]}, then narrowed by {@code as}. */
  private static <T> ValueType<T> bounded(
      Function<String, Long> parse, long min, long max, Function<Long, T> as, String expected) {
    return scalar(expected, text -> {
      Long n = parse.apply(text);
      return n != null && n >= min && n <= max ? as.apply(n) : null;
    });
  }

  private static ValueType<Duration> duration(boolean allowZero, String expected) {
    return scalar(expected, text -> {
      Duration d = parseDuration(text);
      return d != null && (allowZero || !d.isZero()) ? d : null;
    });
  }

  /** A YAML list of origins, or (from the environment, flags, or a YAML scalar) a comma-separated string. */
  private static ValueType<List<String>> origins(String expected) {
    Function<Object, List<?>> items = raw -> {
      if (raw instanceof List<?> list) {
        return list;
      }
      if (raw instanceof String text && !text.isBlank()) {
        return List.of(text.split(",", -1)).stream().map(String::trim).toList();
      }
      return null;
    };
    Function<Object, List<String>> parse = raw -> {
      List<?> list = items.apply(raw);
      if (list == null || list.stream().anyMatch(item -> !isOrigin(item))) {
        return null;
      }
      return list.stream().map(String.class::cast).toList();
    };
    Function<Object, Object> culprit = raw -> {
      List<?> list = items.apply(raw);
      for (Object item : list == null ? List.of() : list) {
        if (!isOrigin(item)) {
          return item;
        }
      }
      return raw;
    };
    return new ValueType<>(expected, parse, culprit);
  }

  // ---- parsers: each returns null to refuse -------------------------------------------------------

  private static Long parseLong(String text) {
    return DIGITS.matcher(text).matches() ? Long.parseLong(text) : null;
  }

  private static Long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Duration parseDuration(String text) {
    Matcher m = DURATION_TEXT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    ChronoUnit unit = switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> ChronoUnit.MILLIS;
      case "m" -> ChronoUnit.MINUTES;
      case "h" -> ChronoUnit.HOURS;
      case "d" -> ChronoUnit.DAYS;
      default -> ChronoUnit.SECONDS;
    };
    try {
      return Duration.of(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Double parseFraction(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      return null;
    }
    double d = Double.parseDouble(text);
    return d > 0 && d <= 1 ? d : null;
  }

  private static Path parsePath(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /**
   * {@code "*"}, or a serialized origin exactly as a browser sends it in {@code Origin}: lower case, no
   * path, no default port. Anything else would never match a request, silently.
   */
  private static boolean isOrigin(Object item) {
    if (!(item instanceof String text)) {
      return false;
    }
    if (text.equals("*")) {
      return true;
    }
    Matcher m = ORIGIN.matcher(text);
    if (!m.matches()) {
      return false;
    }
    String port = m.group("port");
    if (port == null) {
      return true;
    }
    int p = Integer.parseInt(port);
    int defaultPort = m.group("scheme").equals("https") ? 443 : 80;
    return p >= 1 && p <= 65535 && p != defaultPort && !port.startsWith("0");
  }
}
