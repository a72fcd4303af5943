package media.edge.token;

import java.nio.charset.StandardCharsets;

/**
 * The wire format both token kinds share, and the exact bytes each one signs. Kept in one place so
 * that the signers and the verifier cannot drift apart.
 *
 * <p><b>EdgeAuth 2.0 (HMAC)</b>, as built by Akamai's public generators with default options
 * ({@code akamai/EdgeAuth-Token-Java} {@code EdgeAuth.generateToken}, {@code -Python}
 * {@code EdgeAuth._generate_token}, {@code -Node} {@code EdgeAuth._generateToken}; escapeEarly off,
 * field delimiter {@code ~}, ACL delimiter {@code !}):
 *
 * <pre>
 * fields = [ip=IP~] [st=ST~] exp=EXP [~acl=ACL1!ACL2...] [~id=ID] [~data=DATA]   (acl only in ACL mode)
 * signed = fields [~url=PATH] [~salt=SALT]                                          (url only in URL mode)
 * token  = fields ~hmac=lowercase-hex(HMAC(key, UTF-8(signed)))
 * </pre>
 *
 * The verifier does not rebuild {@code fields}: it signs the received text before {@code ~hmac=} as
 * it is, so a token whose fields come in another order is checked over exactly the bytes its minter
 * signed.
 *
 * <p><b>Ed25519</b> (this project's own), the same fields followed by the key id:
 *
 * <pre>
 * signed = fields ~kid=KEYID [~url=PATH]
 * token  = fields ~kid=KEYID ~sig=base64url-without-padding(Ed25519(privateKey, UTF-8(signed)))
 * </pre>
 *
 * That is, the signed string is the token text before {@code ~sig=}, plus {@code ~url=PATH} in URL
 * mode; there is no salt (the salt of EdgeAuth is a second shared secret, which a public-key scheme
 * does not need).
 */
final class TokenFormat {

  /** Between fields; the generators' {@code fieldDelimiter} default. */
  static final char FIELD_DELIMITER = '~';

  /** Between ACLs in the {@code acl} field; the generators' {@code aclDelimiter} default. */
  static final char ACL_DELIMITER = '!';

  static final String ACL_DELIMITER_TEXT = "!";

  /** Longer tokens are refused unread: far above any real one, far below what would cost a parser. */
  static final int MAX_TOKEN_CHARS = 4096;

  /** Twelve digits, year 33658: larger times are refused, so adding a skew never overflows. */
  static final long MAX_EPOCH_SECONDS = 999_999_999_999L;

  /** Key ids travel in {@code kid=}: no delimiters, no spaces, short. */
  static final String KEY_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";

  private TokenFormat() {}

  /** The bytes an EdgeAuth HMAC covers; {@code url} and {@code salt} may be null. */
  static byte[] edgeAuthSigned(String fields, String url, String salt) {
    if (url == null && salt == null) {
      return fields.getBytes(StandardCharsets.UTF_8);
    }
    StringBuilder signed = new StringBuilder(fields.length() + 64).append(fields);
    if (url != null) {
      signed.append(FIELD_DELIMITER).append("url=").append(url);
    }
    if (salt != null) {
      signed.append(FIELD_DELIMITER).append("salt=").append(salt);
    }
    return signed.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes an Ed25519 signature covers: the fields through {@code kid=}, then the URL in URL mode. */
  static byte[] ed25519Signed(String fieldsWithKeyId, String url) {
    String signed = url == null ? fieldsWithKeyId : fieldsWithKeyId + FIELD_DELIMITER + "url=" + url;
    return signed.getBytes(StandardCharsets.UTF_8);
  }
}
