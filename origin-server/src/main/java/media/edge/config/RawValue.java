package media.edge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A value as the parsers see it before it is checked: a {@code String}, a list of such values, a
 * {@link Shape} where YAML held a structure, or {@code null} for YAML null. A list item may also be a
 * one-level {@code Map<String, Object>} of such scalars and shapes (the items of {@code tokens.keys}).
 * The environment and flags only ever give strings; {@link YamlFile} gives the rest. This class says how
 * such a value appears in a message, so that every source renders it alike.
 */
final class RawValue {

  /** Stands in for a YAML list or map where a scalar was expected, so messages can say what was found. */
  enum Shape {
    LIST("<list>"),
    MAP("<map>");

    private final String shown;

    Shape(String shown) {
      this.shown = shown;
    }

    @Override
    public String toString() {
      return shown;
    }
  }

  static final String REDACTED = "<redacted>";

  /**
   * A field name we are willing to echo for a sensitive setting: letters, {@code -} and {@code _}, as
   * every real field name and its likely typos are. A hex or base64 secret pasted where a name belongs
   * almost always has a digit, so it is not echoed.
   */
  private static final Pattern NAME_LIKE = Pattern.compile("[A-Za-z][A-Za-z_-]{0,31}");

  private RawValue() {}

  /**
   * How a raw value appears in a message: strings quoted and escaped (so blanks and control characters
   * are visible), long ones cut; a map item only as {@code <map>}. A sensitive setting never shows its
   * text; YAML null and a {@link Shape} carry none, so they are shown even then ("found a list").
   */
  static String show(Object raw, boolean sensitive) {
    if (raw instanceof java.util.Optional<?> optional) {
      return show(optional.isPresent() ? optional.get().toString() : "", sensitive);
    }
    if (raw instanceof Map<?, ?>) {
      return Shape.MAP.toString();
    }
    if (raw == null) {
      return "null";
    }
    if (raw instanceof Shape) {
      return raw.toString();
    }
    if (sensitive) {
      return REDACTED;
    }
    if (raw instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) {
        items.add(show(item, false));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (raw instanceof Number || raw instanceof Boolean) {
      return raw.toString();
    }
    return quote(raw.toString());
  }

  /**
   * A field name from inside a map item (an unknown or repeated one), as a message shows it: as is for
   * an ordinary setting; for a sensitive one only if it {@linkplain #NAME_LIKE looks like a name}.
   */
  static String name(String name, boolean sensitive) {
    return !sensitive || NAME_LIKE.matcher(name).matches() ? name : REDACTED;
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    int limit = 80;
    for (int i = 0; i < text.length(); i++) {
      if (i == limit) {
        out.append("...");
        break;
      }
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
