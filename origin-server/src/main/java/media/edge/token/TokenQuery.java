package media.edge.token;

/**
 * A token as a query parameter value. EdgeAuth tokens use {@code = ~ ! * /}, which a query may hold
 * as they are (RFC 3986 section 3.4), so only what would end or change the parameter is escaped:
 * {@code &}, {@code #}, {@code %}, {@code +}, spaces and anything outside printable ASCII. The
 * result stays readable and is what Akamai's generators put in URLs with default options.
 */
public final class TokenQuery {
  private TokenQuery() {}

  /** The escaped token. */
  public static String escape(String token) {
    StringBuilder out = null;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean plain = c > 0x20 && c < 0x7f && c != '&' && c != '#' && c != '%' && c != '+';
      if (!plain && out == null) {
        out = new StringBuilder(token.length() + 16).append(token, 0, i);
      }
      if (out != null) {
        if (plain) {
          out.append(c);
        } else {
          out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
    }
    return out == null ? token : out.toString();
  }

  /** {@code base} with {@code name=token} added to its query. */
  public static String url(String base, String name, String token) {
    return base + (base.indexOf('?') < 0 ? '?' : '&') + name + '=' + escape(token);
  }
}
