package media.edge.httpcache;

import java.util.Locale;

/**
 * Splits one {@code Cache-Control} or {@code Pragma} field line into directives (RFC 9111 section
 * 5.2): {@code token [ "=" ( token / quoted-string ) ]}, comma-separated, names folded to lower
 * case. It never fails: an element that does not start with a token is skipped up to the next
 * comma outside quotes; a named directive whose argument is broken (unclosed quote, missing value,
 * trailing junk) is still reported, flagged malformed, so that the caller can decide what a broken
 * {@code no-store} or {@code max-age} means rather than silently dropping it.
 */
final class DirectiveTokenizer {
  private DirectiveTokenizer() {}

  /** Receives each directive of a line in order. */
  interface Sink {
    /**
     * One directive; {@code argument} is null when there was no {@code =}, and unquoted and
     * unescaped otherwise.
     */
    void directive(String name, String argument, boolean malformed);
  }

  static void forEach(String line, Sink sink) {
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && (isOws(line.charAt(i)) || line.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        return;
      }
      int start = i;
      while (i < n && isTchar(line.charAt(i))) {
        i++;
      }
      if (i == start) {
        i = nextComma(line, i);
        continue;
      }
      String name = line.substring(start, i).toLowerCase(Locale.ROOT);
      String argument = null;
      boolean malformed = false;
      i = skipOws(line, i);
      if (i < n && line.charAt(i) == '=') {
        i = skipOws(line, i + 1);
        if (i < n && line.charAt(i) == '"') {
          StringBuilder value = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n) {
              value.append(line.charAt(i + 1));
              i += 2;
            } else if (c == '"') {
              closed = true;
              i++;
              break;
            } else {
              value.append(c);
              i++;
            }
          }
          malformed = !closed;
          argument = value.toString();
        } else {
          int valueStart = i;
          while (i < n && isTchar(line.charAt(i))) {
            i++;
          }
          argument = line.substring(valueStart, i);
          malformed = argument.isEmpty();
        }
        i = skipOws(line, i);
      }
      if (i < n && line.charAt(i) != ',') {
        malformed = true;
        i = nextComma(line, i);
      }
      sink.directive(name, argument, malformed);
    }
  }

  /** The index of the next comma at or after {@code i} that is not inside a quoted string. */
  private static int nextComma(String line, int i) {
    int n = line.length();
    boolean quoted = false;
    while (i < n) {
      char c = line.charAt(i);
      if (quoted && c == '\\') {
        i += 2;
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        return i;
      }
      i++;
    }
    return n;
  }

  private static int skipOws(String line, int i) {
    while (i < line.length() && isOws(line.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** {@code tchar} of RFC 9110 section 5.6.2. */
  static boolean isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
