package media.edge.token;

/**
 * A key file was refused. The message is one line, shaped
 * {@code <file>: <entry>: <problem> (expected: <what>)}, for example
 * {@code keys.yaml: keys[1].hmac: not hex (expected: an even number of hex digits)}; it never holds
 * key material, so it can be printed and logged as it is.
 *
 * <p>Checked: at start-up a bad key file must stop the server, and on reload the caller must decide
 * to keep the old keys; the compiler makes sure neither is forgotten.
 */
public final class KeyFileException extends Exception {

  KeyFileException(String message) {
    super(message.replaceAll("[\\r\\n]+", " "));
  }
}
