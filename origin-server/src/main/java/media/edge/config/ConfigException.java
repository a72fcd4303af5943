package media.edge.config;

import java.util.List;
import java.util.Optional;

/**
 * A setting was refused at start-up. The message is always one line, shaped
 * {@code <source> <key>: <value> (expected: <what>)}, for example
 * {@code EDGE_SERVER_PORT server.port: "abc" (expected: an integer port 0-65535)}, so the caller can
 * print it as is and exit without a stack trace.
 *
 * <p>Checked on purpose: a bad configuration should stop start-up, and the compiler makes sure the
 * caller decides how (print the message, exit non-zero) instead of letting a stack trace escape.
 */
public final class ConfigException extends Exception {

  private final String key;

  private ConfigException(String key, String message) {
    // A path or YAML problem text could carry a line break; the one-line promise holds regardless.
    super(message.replaceAll("[\\r\\n]+", " "));
    this.key = key;
  }

  /** The dotted key that was refused ({@code server.port}), or empty when the file as a whole was. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** {@code <source> <key>: <value> (expected: <expected>)}; {@code value} is already rendered or redacted. */
  static ConfigException invalid(String source, String key, String value, String expected) {
    return new ConfigException(key, source + " " + key + ": " + value + " (expected: " + expected + ")");
  }

  /** {@code <source> <key>: unknown key (expected one of: a, b, c)}. */
  static ConfigException unknownKey(String source, String key, List<String> known) {
    return new ConfigException(
        key, source + " " + key + ": unknown key (expected one of: " + String.join(", ", known) + ")");
  }

  /** {@code <source> <key>: <problem> (expected: <expected>)}, for refusals that are not about the value. */
  static ConfigException problem(String source, String key, String problem, String expected) {
    return new ConfigException(key, source + " " + key + ": " + problem + " (expected: " + expected + ")");
  }

  /** {@code <file>: <problem>}, for a file that cannot be read or parsed at all. */
  static ConfigException file(String file, String problem) {
    return new ConfigException(null, file + ": " + problem);
  }
}
