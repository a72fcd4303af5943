package media.edge.tls;

/**
 * A certificate or key file that cannot be used. The message is one line shaped
 * {@code key: path (expected: ...)}, naming the setting at fault; it never carries file contents,
 * so a key cannot reach a log through it.
 */
public final class TlsFileException extends Exception {
  private final String key;

  TlsFileException(String key, Object path, String expected) {
    this(key, path, expected, null);
  }

  TlsFileException(String key, Object path, String expected, Throwable cause) {
    super(key + ": " + (path == null ? "\"\"" : path) + " (expected: " + expected + ")", cause);
    this.key = key;
  }

  /** The setting at fault, such as {@code server.tls.key-file}. */
  public String key() {
    return key;
  }
}
