package media.edge.upstream;

/** Short, single-line descriptions of failures for {@link UpstreamListener#onError} messages. */
final class ErrorText {
  /** Longer texts are cut: a decoder's message may quote a whole garbage line from the upstream. */
  private static final int MAX_LENGTH = 160;

  private ErrorText() {}

  /** The exception's simple class name and message, on one line and at most 160 characters. */
  static String of(Throwable cause) {
    if (cause == null) {
      return "unknown cause";
    }
    String message = cause.getMessage();
    String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    text = text.replaceAll("[\\r\\n]+", " ");
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "...";
  }
}
