package media.edge.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One key of the token key ring: an HMAC secret, which can sign and verify EdgeAuth tokens, or the path
 * of an Ed25519 public key, which can only verify, so that an edge holding it cannot mint tokens.
 * Exactly one of {@code secret} and {@code publicKey} is set.
 *
 * <p>{@link #toString()} never prints the secret, so a key can be logged or shown in a test failure.
 *
 * @param id names the key in tokens ({@code kid}) and in logs; 1-64 of {@code A-Z a-z 0-9 _ . -}
 *     ({@code tokens.keys[].id})
 * @param secret the HMAC key as an even number of hex digits, 16-128 of them (64, i.e. 256 bits, is
 *     what {@code keygen} writes; 16 is accepted for keys shared with an existing EdgeAuth setup), or
 *     {@code null} for an Ed25519 key ({@code tokens.keys[].secret})
 * @param publicKey an Ed25519 public key PEM file, read by the token package, or {@code null} for an
 *     HMAC key ({@code tokens.keys[].public-key})
 */
public record TokenKey(String id, String secret, Path publicKey) {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  static final Pattern SECRET = Pattern.compile("(?:[0-9A-Fa-f]{2}){8,64}");

  /** Fails fast on a key that the loader would have refused; the message never contains the secret. */
  public TokenKey {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("key id: expected 1-64 of A-Z a-z 0-9 _ . -");
    }
    if ((secret == null) == (publicKey == null)) {
      throw new IllegalArgumentException("key " + id + ": expected exactly one of secret or publicKey");
    }
    if (secret != null && !SECRET.matcher(secret).matches()) {
      throw new IllegalArgumentException("key " + id + ": expected a secret of 16-128 hex digits, an even number");
    }
  }

  /** An HMAC key; {@code hexSecret} as in {@code tokens.keys[].secret}. */
  public static TokenKey hmac(String id, String hexSecret) {
    return new TokenKey(id, Objects.requireNonNull(hexSecret, "hexSecret"), null);
  }

  /** An Ed25519 verifying key read from {@code publicKey}. */
  public static TokenKey ed25519(String id, Path publicKey) {
    return new TokenKey(id, null, Objects.requireNonNull(publicKey, "publicKey"));
  }

  /** True for an HMAC key (which can sign), false for an Ed25519 public key (which only verifies). */
  public boolean isHmac() {
    return secret != null;
  }

  /** {@code TokenKey[id=k1, secret=<redacted>]} or {@code TokenKey[id=e1, publicKey=/etc/edge/e1.pub.pem]}. */
  @Override
  public String toString() {
    return isHmac()
        ? "TokenKey[id=" + id + ", secret=" + RawValue.REDACTED + "]"
        : "TokenKey[id=" + id + ", publicKey=" + publicKey + "]";
  }
}
