package media.edge.server;

/** A start-up failure with a one-line message for the operator (no stack trace is printed). */
public final class StartupException extends Exception {
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
