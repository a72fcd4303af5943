package media.edge.token;

import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints EdgeAuth 2.0 tokens byte for byte as Akamai's public generators do with default options
 * (see {@link TokenFormat} for the exact strings): for the {@code sign} command, the demo and tests.
 * The result is the token alone, without the {@code hdnts=} (or other token name) prefix.
 *
 * <pre>{@code
 * EdgeAuthSigner signer = EdgeAuthSigner.builder().keyHex("52a1...").build();
 * String token = signer.sign(TokenClaims.acl("/vod/title/*").expires(now + 3600).build());
 * }</pre>
 *
 * <p>Immutable and thread-safe: the MAC is per thread ({@link TokenAlgorithm}). Never shows its key.
 */
public final class EdgeAuthSigner {

  private final SecretKeySpec key;
  private final TokenAlgorithm algorithm;
  private final String salt;

  private EdgeAuthSigner(Builder builder) {
    this.key = new SecretKeySpec(builder.key, builder.algorithm.macName());
    this.algorithm = builder.algorithm;
    this.salt = builder.salt;
  }

  /** A builder; the key is required, the algorithm defaults to SHA-256 and there is no salt. */
  public static Builder builder() {
    return new Builder();
  }

  /** The token for {@code claims}: {@code [ip=..~][st=..~]exp=..[~acl=..][~id=..][~data=..]~hmac=<hex>}. */
  public String sign(TokenClaims claims) {
    String fields = claims.fieldsText();
    byte[] mac = mac(TokenFormat.edgeAuthSigned(fields, claims.urlOrNull(), salt));
    return fields + TokenFormat.FIELD_DELIMITER + "hmac=" + HexFormat.of().formatHex(mac);
  }

  /** The algorithm this signer uses. */
  public TokenAlgorithm algorithm() {
    return algorithm;
  }

  private byte[] mac(byte[] message) {
    Mac mac = algorithm.threadMac();
    try {
      mac.init(key);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HMAC refused a raw secret key", e); // not reachable with SecretKeySpec
    }
    return mac.doFinal(message);
  }

  @Override
  public String toString() {
    return "EdgeAuthSigner[" + algorithm.configName() + (salt == null ? "" : ", salted") + "]";
  }

  /** Collects the key, algorithm and salt. Not thread-safe; build once. */
  public static final class Builder {
    private byte[] key;
    private TokenAlgorithm algorithm = TokenAlgorithm.SHA256;
    private String salt;

    private Builder() {}

    /** The shared secret as raw bytes (copied). */
    public Builder key(byte[] secret) {
      Objects.requireNonNull(secret, "key");
      if (secret.length == 0) {
        throw new IllegalArgumentException("key: empty (expected: at least one byte)");
      }
      this.key = secret.clone();
      return this;
    }

    /** The shared secret as hex digits, the form Akamai's tools and the key file use. */
    public Builder keyHex(String hex) {
      return key(KeyRing.decodeSecret(hex, "key"));
    }

    /** The HMAC algorithm; SHA-256 by default. */
    public Builder algorithm(TokenAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** A salt signed with every token but never written into one; null for none. */
    public Builder salt(String salt) {
      if (salt != null && salt.isEmpty()) {
        throw new IllegalArgumentException("salt: \"\" (expected: a non-empty salt, or none)");
      }
      this.salt = salt;
      return this;
    }

    /** The signer; fails when no key was given. */
    public EdgeAuthSigner build() {
      if (key == null) {
        throw new IllegalStateException("key: not set (expected: key(byte[]) or keyHex(String))");
      }
      return new EdgeAuthSigner(this);
    }
  }
}
