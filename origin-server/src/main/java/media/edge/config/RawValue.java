package media.edge.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A value as the parsers see it before it is checked: a {@code String}, a list of such values, a
 * {@link Shape} where YAML held a structure, or {@code null} for YAML null. The environment and flags
 * only ever give strings; {@link YamlFile} gives the rest. This class says how such a value appears in
 * a message, so that every source renders it alike.
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

  private RawValue() {}

  /**
   * How a raw value appears in a message: strings quoted and escaped (so blanks and control characters
   * are visible), long ones cut; a sensitive setting never shows its value.
   */
  static String show(Object raw, boolean sensitive) {
    if (sensitive) {
      return "<redacted>";
    }
    if (raw == null) {
      return "null";
    }
    if (raw instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) {
        items.add(show(item, false));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (raw instanceof Number || raw instanceof Boolean || raw instanceof Shape) {
      return raw.toString();
    }
    return quote(raw.toString());
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
