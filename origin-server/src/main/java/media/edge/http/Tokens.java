package media.edge.http;

/**
 * RFC 9110 section 5.6.2 tokens: the characters of a method or a field name.
 *
 * <p>Stateless; safe from any thread.
 */
final class Tokens {
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private Tokens() {}

  /** True for a byte that may appear in a token. */
  static boolean tchar(byte c) {
    return c >= 0 && TCHAR[c];
  }

  /** True when {@code text} is a non-empty token. */
  static boolean isToken(CharSequence text) {
    if (text.length() == 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 128 || !TCHAR[c]) {
        return false;
      }
    }
    return true;
  }
}
