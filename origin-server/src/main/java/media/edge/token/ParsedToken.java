package media.edge.token;

import java.util.Base64;
import java.util.List;

/**
 * A token split into its fields, before any signature check. {@link #parse} is the only way in: it
 * never throws, and returns null for anything that is not a token.
 *
 * <p>What it accepts, following what Akamai's edge signs rather than how the generators happen to
 * order things: fields in any order, each {@code name=value} split at the first {@code =}, since the
 * signature covers the received text as it is. What it refuses, because each would let bytes that
 * were never signed, or were signed with another meaning, decide anything:
 *
 * <ul>
 *   <li>more than {@value TokenFormat#MAX_TOKEN_CHARS} characters;
 *   <li>a field other than {@code ip st exp acl id data} and {@code hmac}, or {@code kid} and
 *       {@code sig}: in particular a {@code url=} or {@code salt=} field, which could otherwise be
 *       spliced against the suffix the verifier appends;
 *   <li>a field twice (two readers could pick different ones), or the signature anywhere but last;
 *   <li>no {@code exp}, or an {@code exp}/{@code st} that is not 1 to 12 ASCII digits;
 *   <li>an empty {@code acl}, {@code ip} or {@code kid}, or an empty ACL between two {@code !}.
 * </ul>
 *
 * A signature value that does not decode (not lower-case hex, not canonical unpadded base64url of
 * 64 bytes) is
 * not a parse failure: the token is well formed but its signature is wrong, so {@link #signature()}
 * is null and the verifier answers {@link TokenRejection#BAD_SIGNATURE}.
 *
 * <p>Immutable. {@link #toString()} shows no field values.
 */
final class ParsedToken {

  /** Which signature the token carries. */
  enum Kind {
    HMAC,
    ED25519
  }

  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
  private static final Base64.Encoder BASE64URL_NO_PADDING = Base64.getUrlEncoder().withoutPadding();
  private static final int ED25519_SIGNATURE_BYTES = 64;

  private final Kind kind;
  private final String signedFields;
  private final long expires;
  private final long startTime;
  private final List<String> acls;
  private final String ip;
  private final String keyId;
  private final byte[] signature;

  private ParsedToken(Fields f, Kind kind, String signedFields, byte[] signature) {
    this.kind = kind;
    this.signedFields = signedFields;
    this.expires = f.expires;
    this.startTime = f.startTime;
    this.acls = f.acls;
    this.ip = f.ip;
    this.keyId = f.keyId;
    this.signature = signature;
  }

  /** The token's fields, or null when {@code token} is not a well-formed token (including null). */
  static ParsedToken parse(String token) {
    if (token == null || token.isEmpty() || token.length() > TokenFormat.MAX_TOKEN_CHARS) {
      return null;
    }
    Fields fields = new Fields();
    int start = 0;
    while (true) {
      int end = token.indexOf(TokenFormat.FIELD_DELIMITER, start);
      boolean last = end < 0;
      if (last) {
        end = token.length();
      }
      int equals = token.indexOf('=', start);
      if (equals < 0 || equals >= end || equals == start) {
        return null;
      }
      String name = token.substring(start, equals);
      if (name.equals("hmac") || name.equals("sig")) {
        if (!last || start == 0) {
          return null; // the signature must close the token and follow at least one field
        }
        return finish(fields, name, token.substring(0, start - 1), token.substring(equals + 1));
      }
      if (last || !fields.set(name, token, equals + 1, end)) {
        return null;
      }
      start = end + 1;
    }
  }

  private static ParsedToken finish(Fields fields, String signatureName, String signedFields, String value) {
    if (fields.expires < 0) {
      return null;
    }
    if (signatureName.equals("hmac")) {
      return fields.keyId != null ? null : new ParsedToken(fields, Kind.HMAC, signedFields, decodeHex(value));
    }
    return fields.keyId == null ? null : new ParsedToken(fields, Kind.ED25519, signedFields, decodeSignature(value));
  }

  /** The token text before {@code ~hmac=} or {@code ~sig=}: what was signed, before any suffix. */
  String signedFields() {
    return signedFields;
  }

  Kind kind() {
    return kind;
  }

  /** {@code exp}, epoch seconds. */
  long expires() {
    return expires;
  }

  /** {@code st}, epoch seconds, or 0 when absent. */
  long startTime() {
    return startTime;
  }

  /** The ACL patterns, or an empty list for a URL-mode token. Immutable. */
  List<String> acls() {
    return acls;
  }

  /** True when the token has no {@code acl}: it was signed for one URL path, which is not in the text. */
  boolean urlMode() {
    return acls.isEmpty();
  }

  /** {@code ip}, or null. */
  String ip() {
    return ip;
  }

  /** {@code kid} of an Ed25519 token, or null. */
  String keyId() {
    return keyId;
  }

  /** The decoded signature, or null when the value did not decode. Not copied: callers only read it. */
  byte[] signature() {
    return signature;
  }

  @Override
  public String toString() {
    return "ParsedToken[" + kind + ", exp=" + expires + ", " + (urlMode() ? "url" : acls.size() + " acl(s)") + "]";
  }

  private static byte[] decodeHex(String hex) {
    int length = hex.length();
    if (length == 0 || (length & 1) != 0) {
      return null;
    }
    byte[] bytes = new byte[length / 2];
    for (int i = 0; i < length; i += 2) {
      int high = hexValue(hex.charAt(i));
      int low = hexValue(hex.charAt(i + 1));
      if (high < 0 || low < 0) {
        return null;
      }
      bytes[i / 2] = (byte) ((high << 4) | low);
    }
    return bytes;
  }

  /**
   * Lower-case ASCII hex only, as every generator writes it: one text per HMAC, so no character of a
   * token can change without the token being refused (Character.digit would also take upper case
   * and other scripts' digits).
   */
  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static byte[] decodeSignature(String text) {
    byte[] bytes;
    try {
      bytes = BASE64URL.decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // One text per signature: the decoder ignores stray low bits and accepts padding.
    if (bytes.length != ED25519_SIGNATURE_BYTES || !BASE64URL_NO_PADDING.encodeToString(bytes).equals(text)) {
      return null;
    }
    return bytes;
  }

  /** The fields met so far; each setter refuses a repeat or a bad value. */
  private static final class Fields {
    long expires = -1;
    long startTime;
    boolean startSeen;
    List<String> acls = List.of();
    boolean aclSeen;
    String ip;
    boolean idSeen;
    boolean dataSeen;
    String keyId;

    /** Records {@code name=token[from, to)}; false when the name is unknown, repeated or its value bad. */
    boolean set(String name, String token, int from, int to) {
      switch (name) {
        case "exp":
          if (expires >= 0) {
            return false;
          }
          expires = epochSeconds(token, from, to);
          return expires > 0;
        case "st":
          if (startSeen) {
            return false;
          }
          startSeen = true;
          startTime = epochSeconds(token, from, to);
          return startTime > 0;
        case "acl":
          if (aclSeen || from == to) {
            return false;
          }
          aclSeen = true;
          acls = splitAcls(token.substring(from, to));
          return acls != null;
        case "ip":
          if (ip != null || from == to) {
            return false;
          }
          ip = token.substring(from, to);
          return true;
        case "id":
          return !idSeen && (idSeen = true);
        case "data":
          return !dataSeen && (dataSeen = true);
        case "kid":
          if (keyId != null || from == to) {
            return false;
          }
          keyId = token.substring(from, to);
          return true;
        default:
          return false;
      }
    }

    /** 1 to 12 ASCII digits as a number, or -1. */
    private static long epochSeconds(String token, int from, int to) {
      if (from == to || to - from > 12) {
        return -1;
      }
      long value = 0;
      for (int i = from; i < to; i++) {
        char c = token.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }

    private static List<String> splitAcls(String value) {
      if (value.indexOf(TokenFormat.ACL_DELIMITER) < 0) {
        return List.of(value);
      }
      String[] parts = value.split(TokenFormat.ACL_DELIMITER_TEXT, -1);
      for (String part : parts) {
        if (part.isEmpty()) {
          return null;
        }
      }
      return List.of(parts);
    }
  }
}
