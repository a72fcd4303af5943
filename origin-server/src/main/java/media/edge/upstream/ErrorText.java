package media.edge.upstream;

/** Short, single-line descriptions of failures for {@link UpstreamListener#onError} messages. */
final class ErrorText {
  /** Longer texts are cut: a decoder's message may quote a whole garbage line from the upstream. */
  private static final int MAX_LENGTH = 160;

  private ErrorText() {}

  /**
   * Why a TLS handshake failed: the innermost security exception in the chain when there is one (it says
   * "No subject alternative DNS name matching ... found" or "NotAfter: ..." where the handshake exception
   * only says CERTIFICATE_VERIFY_FAILED), else the exception itself; as {@link #of}.
   */
  static String tls(Throwable cause) {
    Throwable innermost = null;
    Throwable t = cause;
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (t instanceof java.security.GeneralSecurityException) {
        innermost = t;
      }
    }
    return innermost == null ? of(cause) : "certificate not accepted: " + of(innermost);
  }

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
