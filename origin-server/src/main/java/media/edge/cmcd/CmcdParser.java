package media.edge.cmcd;

import java.util.ArrayList;
import java.util.List;

/**
 * A Structured Field Dictionary parser (RFC 8941 section 4.2.2), the syntax of every CMCD form: members
 * {@code key=value} or a bare {@code key} (true), separated by commas; values are integers, decimals,
 * strings, tokens, booleans, byte sequences, or inner lists of those (CMCD v2). Parameters
 * ({@code ;k=v}, such as CMCD v2's byte range on {@code nor}) are checked and dropped.
 *
 * <p>Why not a general library: the JDK has none, and the few Java ones build maps of objects per field;
 * this parser allocates only the values it returns, and it refuses the whole field on the first error,
 * as section 4.2 asks ("fail parsing ... ignore the field").
 *
 * <p>Stateless: the static method is safe to call from any thread.
 */
final class CmcdParser {
  /** RFC 8941's limits: 15 digits for an integer, 12 + 3 for a decimal. */
  private static final int INTEGER_DIGITS = 15;
  private static final int DECIMAL_INTEGER_DIGITS = 12;
  private static final int DECIMAL_FRACTION_DIGITS = 3;

  /** Why a field was refused. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final String text;
  private int at;

  private CmcdParser(String text) {
    this.text = text;
  }

  /**
   * The members of {@code text} into {@code into}, in order (a repeated key keeps its last value); nothing
   * is put when the field is malformed.
   */
  static void parse(String text, Cmcd.Builder into) throws Malformed {
    new CmcdParser(text).dictionary(into);
  }

  /** The value {@link #bareItem} parsed when it returned {@link Cmcd#INTEGER}. */
  private long integer;

  private void dictionary(Cmcd.Builder into) throws Malformed {
    skipSpaces();
    if (at == text.length()) {
      return; // an empty field is an empty dictionary
    }
    while (true) {
      String key = key();
      Object value;
      if (peek() == '=') {
        at++;
        value = peek() == '(' ? innerList() : bareItem();
      } else {
        value = Boolean.TRUE;
      }
      parameters();
      if (value == Cmcd.INTEGER) {
        into.putInteger(key, integer);
      } else {
        into.put(key, value);
      }
      skipOws();
      if (at == text.length()) {
        return;
      }
      if (text.charAt(at) != ',') {
        throw new Malformed("expected a comma after " + key);
      }
      at++;
      skipOws();
      if (at == text.length()) {
        throw new Malformed("trailing comma");
      }
    }
  }

  private List<Object> innerList() throws Malformed {
    at++; // (
    List<Object> items = new ArrayList<>(4);
    while (true) {
      skipSpaces();
      if (peek() == ')') {
        at++;
        return items;
      }
      Object item = bareItem();
      items.add(item == Cmcd.INTEGER ? Long.valueOf(integer) : item);
      parameters();
      char next = peek();
      if (next != ' ' && next != ')') {
        throw new Malformed("expected a space or ) in an inner list");
      }
    }
  }

  private void parameters() throws Malformed {
    while (peek() == ';') {
      at++;
      skipSpaces();
      key();
      if (peek() == '=') {
        at++;
        bareItem();
      }
    }
  }

  private String key() throws Malformed {
    int start = at;
    char first = peek();
    if (!(first >= 'a' && first <= 'z') && first != '*') {
      throw new Malformed("a key must start with a lower-case letter or *");
    }
    at++;
    while (at < text.length() && isKeyChar(text.charAt(at))) {
      at++;
    }
    return known(KNOWN_KEYS, start, at);
  }

  /** CTA-5004's keys (v1, and v2's most common), returned without a new string. */
  private static final String[] KNOWN_KEYS = {
    "br", "bl", "bs", "cid", "d", "dl", "mtp", "nor", "nrr", "ot", "pr", "rtp", "sf", "sid", "st", "su", "tb", "v",
    "sta", "sn", "ltc", "msd", "pb", "tpb", "e", "ts", "r"};
  /** CTA-5004's tokens (object types, formats, stream types). */
  private static final String[] KNOWN_TOKENS = {"v", "a", "av", "m", "i", "c", "tt", "k", "o", "h", "d", "s", "l"};
  private static final Cmcd.Token[] TOKENS = java.util.Arrays.stream(KNOWN_TOKENS).map(Cmcd.Token::new).toArray(Cmcd.Token[]::new);

  /** The entry of {@code known} equal to {@code text[start, end)}, or a new string. */
  private String known(String[] known, int start, int end) {
    int length = end - start;
    for (String candidate : known) {
      if (candidate.length() == length && text.regionMatches(start, candidate, 0, length)) {
        return candidate;
      }
    }
    return text.substring(start, end);
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*';
  }

  private Object bareItem() throws Malformed {
    char c = peek();
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    if (c == '"') {
      return string();
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
      return token();
    }
    if (c == '?') {
      return bool();
    }
    if (c == ':') {
      return byteSequence();
    }
    throw new Malformed("no value");
  }

  private Object number() throws Malformed {
    int start = at;
    boolean negative = peek() == '-';
    if (negative) {
      at++;
    }
    int digitsStart = at;
    long value = 0;
    char c;
    int end = Math.min(text.length(), digitsStart + INTEGER_DIGITS + 1);
    while (at < end && (c = text.charAt(at)) >= '0' && c <= '9') {
      value = value * 10 + (c - '0'); // 16 digits at most cannot overflow; 16 is refused below
      at++;
    }
    int integerDigits = at - digitsStart;
    if (integerDigits > INTEGER_DIGITS) {
      throw new Malformed("a number of more than 15 digits");
    }
    if (integerDigits == 0) {
      throw new Malformed("a number without digits");
    }
    if (peek() != '.') {
      integer = negative ? -value : value;
      return Cmcd.INTEGER;
    }
    if (integerDigits > DECIMAL_INTEGER_DIGITS) {
      throw new Malformed("a decimal of more than 12 integer digits");
    }
    at++;
    int fractionStart = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    int fractionDigits = at - fractionStart;
    if (fractionDigits == 0 || fractionDigits > DECIMAL_FRACTION_DIGITS) {
      throw new Malformed("a decimal needs 1-3 fraction digits");
    }
    return Double.parseDouble(text.substring(start, at));
  }

  private String string() throws Malformed {
    at++; // "
    StringBuilder value = null;
    int start = at;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '\\') {
        if (at + 1 == text.length() || (text.charAt(at + 1) != '"' && text.charAt(at + 1) != '\\')) {
          throw new Malformed("a string with a bad escape");
        }
        if (value == null) {
          value = new StringBuilder(text.length() - start);
        }
        value.append(text, start, at).append(text.charAt(at + 1));
        at += 2;
        start = at;
      } else if (c == '"') {
        String result = value == null ? text.substring(start, at) : value.append(text, start, at).toString();
        at++;
        return result;
      } else if (c < 0x20 || c > 0x7e) {
        throw new Malformed("a string with a character outside printable ASCII");
      } else {
        at++;
      }
    }
    throw new Malformed("an unterminated string");
  }

  private Cmcd.Token token() {
    int start = at;
    at++;
    while (at < text.length() && isTokenChar(text.charAt(at))) {
      at++;
    }
    int length = at - start;
    for (int i = 0; i < KNOWN_TOKENS.length; i++) {
      if (KNOWN_TOKENS[i].length() == length && text.regionMatches(start, KNOWN_TOKENS[i], 0, length)) {
        return TOKENS[i];
      }
    }
    return new Cmcd.Token(text.substring(start, at));
  }

  /** tchar (RFC 9110) plus {@code :} and {@code /}. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
  }

  private Boolean bool() throws Malformed {
    at++; // ?
    char c = peek();
    if (c != '0' && c != '1') {
      throw new Malformed("a boolean must be ?0 or ?1");
    }
    at++;
    return c == '1';
  }

  /** Kept as its base64 text: no CMCD key has this type, and the log shows it as sent. */
  private String byteSequence() throws Malformed {
    int start = ++at;
    while (at < text.length() && text.charAt(at) != ':') {
      char c = text.charAt(at);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=')) {
        throw new Malformed("a byte sequence outside base64");
      }
      at++;
    }
    if (at == text.length()) {
      throw new Malformed("an unterminated byte sequence");
    }
    return text.substring(start, at++);
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void skipSpaces() {
    while (at < text.length() && text.charAt(at) == ' ') {
      at++;
    }
  }

  private void skipOws() {
    while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
      at++;
    }
  }
}
