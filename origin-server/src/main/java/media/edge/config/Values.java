package media.edge.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The values gathered so far during one {@link ConfigLoader#load}, each with where it came from, so
 * that a later source can override an earlier one and a cross-key rule can name both sides.
 *
 * <p>Not thread-safe: each load builds its own and drops it once the config is assembled.
 */
final class Values {

  private static final String DEFAULT_SOURCE = "default";

  private record Entry(Object value, String source, Object raw) {}

  private final Map<Setting<?>, Entry> entries = new HashMap<>();

  Values(EdgeConfig defaults) {
    for (Setting<?> setting : Settings.ALL) {
      Object value = setting.read().apply(defaults);
      entries.put(setting, new Entry(value, DEFAULT_SOURCE, value));
    }
  }

  /** Parses {@code raw} with the setting's type and, if it is accepted, lets it win over the earlier value. */
  void set(Setting<?> setting, Object raw, String source) throws ConfigException {
    ValueType<?> type = setting.type();
    Object value = type.parse().apply(raw);
    if (value == null) {
      throw type.refusal().apply(raw).toException(source, setting.key(), setting.sensitive());
    }
    entries.put(setting, new Entry(value, source, raw));
  }

  @SuppressWarnings("unchecked") // set() stores only what the setting's own ValueType produced
  <T> T get(Setting<T> setting) {
    return (T) entries.get(setting).value();
  }

  /** {@code "8MiB" from EDGE_CACHE_MEMORY_BYTES}. */
  String describe(Setting<?> setting) {
    return shown(setting) + " from " + entries.get(setting).source();
  }

  ConfigException refuse(Setting<?> setting, String expected) {
    return ConfigException.invalid(entries.get(setting).source(), setting.key(), shown(setting), expected);
  }

  /**
   * Refuses one part of a structured value ({@code "[1].public-key"}), showing {@code culprit} as that
   * part's value, redacted if the setting is sensitive.
   */
  ConfigException refuse(Setting<?> setting, String part, Object culprit, String expected) {
    return new Refusal.BadValue(part, culprit, expected)
        .toException(entries.get(setting).source(), setting.key(), setting.sensitive());
  }

  private String shown(Setting<?> setting) {
    return RawValue.show(entries.get(setting).raw(), setting.sensitive());
  }
}
