package media.edge.hls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attribute list of one playlist tag (RFC 8216 section 4.2): {@code NAME=value} pairs separated by
 * commas, a value either a quoted string (commas allowed inside, quotes removed here) or anything up to
 * the next comma. Read once per playlist version, so a map of strings is fine. A malformed list (an
 * unterminated quoted string) yields the attributes before the fault.
 *
 * <p>Immutable once built.
 */
final class Attributes {
  private final Map<String, String> values;

  private Attributes(Map<String, String> values) {
    this.values = values;
  }

  /** The attributes of {@code line} ({@code #EXT-X-TAG:A=1,B="x,y"}), after its first colon. */
  static Attributes of(String line) {
    Map<String, String> values = new LinkedHashMap<>();
    int colon = line.indexOf(':');
    int i = colon < 0 ? line.length() : colon + 1;
    int n = line.length();
    while (i < n) {
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = line.substring(i, eq).strip();
      int start = eq + 1;
      String value;
      if (start < n && line.charAt(start) == '"') {
        int close = line.indexOf('"', start + 1);
        if (close < 0) {
          break;
        }
        value = line.substring(start + 1, close);
        int comma = line.indexOf(',', close);
        i = comma < 0 ? n : comma + 1;
      } else {
        int comma = line.indexOf(',', start);
        value = line.substring(start, comma < 0 ? n : comma).strip();
        i = comma < 0 ? n : comma + 1;
      }
      values.putIfAbsent(name, value);
    }
    return new Attributes(values);
  }

  /** The value of {@code name}, or null. */
  String get(String name) {
    return values.get(name);
  }

  /** A decimal number, or {@code fallback} when {@code text} is null or not one. */
  static double decimal(String text, double fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.strip());
      return Double.isFinite(value) && value >= 0 ? value : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
