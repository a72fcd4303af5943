package media.edge.config;

import java.util.function.Function;

/**
 * One configuration key of the {@link Settings} table.
 *
 * @param key the dotted, kebab-case name; YAML nesting and the environment name derive from it
 * @param type how a raw value is parsed and checked
 * @param read where the key's default sits in {@link ConfigLoader#defaults()}
 * @param sensitive true for keys whose value must never appear in a message ({@code tokens.keys},
 *     {@code tokens.salt}); see {@link RawValue#show}
 */
record Setting<T>(String key, ValueType<T> type, Function<EdgeConfig, T> read, boolean sensitive) {

  String envName() {
    return Settings.envName(key);
  }
}
