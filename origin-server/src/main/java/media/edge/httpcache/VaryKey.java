package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Secondary cache keys (RFC 9111 section 4.1): the request's values of the fields a response
 * varies on, in a canonical form so that requests that differ only in ways the RFC calls
 * irrelevant (whitespace, how field lines were split, field-name case, order of Vary) share a
 * stored response.
 *
 * <p>{@code Accept-Encoding} is reduced to whether gzip is acceptable ({@code gzip} or empty),
 * the only distinction this cache's content makes; otherwise every browser's spelling of its
 * preferences would hold its own copy. An absent Accept-Encoding reads as empty: RFC 9110 lets a
 * server assume any coding then, but origins send identity, and so must the key.
 *
 * <p>The key is one line per field, sorted by name: {@code name=value}, or {@code name} alone when
 * the request lacks the field (absent and empty are different, section 4.1). {@code %}, line feeds
 * and, in names, {@code =} are percent-escaped, so distinct inputs can never yield the same key.
 */
public final class VaryKey {
  private VaryKey() {}

  /**
   * The secondary key of {@code request} for a response with headers {@code storedResponse}: ""
   * when the response has no Vary, null for {@code Vary: *} (no request ever matches).
   */
  public static String of(HttpHeaders storedResponse, HttpHeaders request) {
    return of(fields(storedResponse), request);
  }

  /**
   * The field names listed in all {@code Vary} lines of a response: lower-cased, sorted, without
   * duplicates or blanks; {@code ["*"]} alone when {@code *} is among them.
   */
  public static List<String> fields(HttpHeaders storedResponse) {
    TreeSet<String> names = new TreeSet<>();
    for (String line : storedResponse.getAll(HttpHeaderNames.VARY)) {
      for (String name : line.split(",")) {
        names.add(name.strip().toLowerCase(Locale.ROOT));
      }
    }
    return canonical(names);
  }

  /**
   * The key for remembered field names (normalised here, so any list will do): "" for none, null
   * when they contain {@code *}.
   */
  public static String of(List<String> fields, HttpHeaders request) {
    TreeSet<String> names = new TreeSet<>();
    for (String field : fields) {
      names.add(field.strip().toLowerCase(Locale.ROOT));
    }
    List<String> canonical = canonical(names);
    if (canonical.contains("*")) {
      return null;
    }
    StringBuilder key = new StringBuilder();
    for (String name : canonical) {
      if (key.length() > 0) {
        key.append('\n');
      }
      escape(key, name, true);
      String value = value(name, request);
      if (value != null) {
        key.append('=');
        escape(key, value, false);
      }
    }
    return key.toString();
  }

  private static List<String> canonical(TreeSet<String> names) {
    names.remove("");
    return names.contains("*") ? List.of("*") : List.copyOf(names);
  }

  /** The request's normalised value of {@code name}, or null when it has no such field. */
  private static String value(String name, HttpHeaders request) {
    if (name.equals("accept-encoding")) {
      return acceptsGzip(request.getAll(HttpHeaderNames.ACCEPT_ENCODING)) ? "gzip" : "";
    }
    List<String> lines = request.getAll(name);
    if (lines.isEmpty()) {
      return null;
    }
    return normaliseWhitespace(String.join(",", lines));
  }

  /**
   * Combined lines with whitespace normalised: none around commas, single spaces elsewhere, none
   * at the ends; so {@code "a, b"}, {@code "a,b"} and two lines {@code a} and {@code b} agree.
   */
  static String normaliseWhitespace(String value) {
    StringBuilder out = new StringBuilder(value.length());
    boolean pendingSpace = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t') {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace && c != ',' && out.charAt(out.length() - 1) != ',') {
          out.append(' ');
        }
        pendingSpace = false;
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Whether gzip (or {@code x-gzip}) is acceptable, RFC 9110 section 12.5.3: named with a non-zero
   * weight, or not named and {@code *} has one. A malformed weight counts as acceptance.
   */
  static boolean acceptsGzip(List<String> lines) {
    Boolean named = null;
    boolean star = false;
    for (String line : lines) {
      for (String member : line.split(",")) {
        int semicolon = member.indexOf(';');
        String coding = (semicolon < 0 ? member : member.substring(0, semicolon)).strip();
        boolean accepted = semicolon < 0 || weight(member.substring(semicolon + 1)) > 0;
        if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
          named = named == null ? accepted : named || accepted;
        } else if (coding.equals("*")) {
          star = accepted;
        }
      }
    }
    return named != null ? named : star;
  }

  /** The {@code q} parameter among {@code ;}-separated parameters; 1 when absent or malformed. */
  private static double weight(String parameters) {
    for (String parameter : parameters.split(";")) {
      String p = parameter.strip();
      if (p.regionMatches(true, 0, "q=", 0, 2)) {
        try {
          double q = Double.parseDouble(p.substring(2).strip());
          return Double.isNaN(q) ? 1 : q;
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
  }

  private static void escape(StringBuilder out, String text, boolean name) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        out.append("%25");
      } else if (c == '\n') {
        out.append("%0A");
      } else if (name && c == '=') {
        out.append("%3D");
      } else {
        out.append(c);
      }
    }
  }
}
