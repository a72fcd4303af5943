package media.edge.config;

import java.util.List;

/**
 * Why a {@link ValueType} refused a raw value, and which part of it is at fault, so that the message can
 * point inside a structured value ({@code tokens.keys[1].secret}) as precisely as at a scalar. The part
 * is appended to the setting's key: {@code ""} for the value itself, {@code "[1].secret"} for a field of
 * a list item. Whatever a refusal shows goes through {@link RawValue}, so a sensitive setting's text is
 * redacted on every path.
 */
sealed interface Refusal {

  /** Appended to the key in the message: {@code ""} or {@code "[0].id"}. */
  String part();

  /** The one-line exception for this refusal of {@code key} read from {@code source}. */
  ConfigException toException(String source, String key, boolean sensitive);

  /** {@code <key><part>: <culprit> (expected: <expected>)}; the culprit is rendered or redacted. */
  record BadValue(String part, Object culprit, String expected) implements Refusal {
    @Override
    public ConfigException toException(String source, String key, boolean sensitive) {
      return ConfigException.invalid(source, key + part, RawValue.show(culprit, sensitive), expected);
    }
  }

  /** {@code <key><part>: <problem> (expected: <expected>)}, for a fault that is not one value's text. */
  record Problem(String part, String problem, String expected) implements Refusal {
    @Override
    public ConfigException toException(String source, String key, boolean sensitive) {
      return ConfigException.problem(source, key + part, problem, expected);
    }
  }

  /**
   * {@code <key><part>.<name>: unknown key (expected one of: ...)}, for a field of a map item. The name
   * was typed where a field name belongs, yet it could be a pasted secret: see {@link RawValue#name}.
   */
  record UnknownField(String part, String name, List<String> known) implements Refusal {
    @Override
    public ConfigException toException(String source, String key, boolean sensitive) {
      return ConfigException.unknownKey(source, key + part + "." + RawValue.name(name, sensitive), known);
    }
  }
}
