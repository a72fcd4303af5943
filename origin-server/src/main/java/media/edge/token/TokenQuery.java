package media.edge.token;

import java.nio.charset.StandardCharsets;

/**
 * A token as a query parameter value. EdgeAuth tokens use {@code = ~ ! * /}, which a query may hold
 * as they are (RFC 3986 section 3.4), so only what would end or change the parameter is escaped:
 * {@code &}, {@code #}, {@code %}, {@code +}, spaces and anything outside printable ASCII. The
 * result stays readable and is what Akamai's generators put in URLs with default options.
 */
public final class TokenQuery {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private TokenQuery() {}

  /** The escaped token; characters outside ASCII are escaped as their UTF-8 bytes. */
  public static String escape(String token) {
    StringBuilder out = null;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean plain = c > 0x20 && c < 0x7f && c != '&' && c != '#' && c != '%' && c != '+';
      if (!plain && out == null) {
        out = new StringBuilder(token.length() + 16).append(token, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (plain) {
        out.append(c);
        continue;
      }
      int end = Character.isHighSurrogate(c) && i + 1 < token.length() ? i + 2 : i + 1;
      for (byte b : token.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
      i = end - 1;
    }
    return out == null ? token : out.toString();
  }

  /** {@code base} with {@code name=token} added to its query. */
  public static String url(String base, String name, String token) {
    return base + (base.indexOf('?') < 0 ? '?' : '&') + name + '=' + escape(token);
  }
}
