package media.edge.token;

import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Mints Ed25519 tokens: the EdgeAuth fields, then {@code ~kid=<keyId>~sig=<base64url>} (the signed
 * string is in {@link TokenFormat}). Only the backend holds the private key; edges verify with the
 * public key, so a compromised edge cannot mint tokens.
 *
 * <p>Immutable and thread-safe: each call uses its own {@link Ed25519Signer}, which is cheap to make
 * and not safe to share. Never shows its key.
 */
public final class Ed25519TokenSigner {

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String keyId;
  private final Ed25519PrivateKeyParameters key;

  private Ed25519TokenSigner(String keyId, Ed25519PrivateKeyParameters key) {
    this.keyId = KeyRing.requireKeyId(keyId);
    this.key = Objects.requireNonNull(key, "key");
  }

  /** A signer whose tokens name {@code keyId}, the id the edges' key ring holds the public key under. */
  public static Ed25519TokenSigner of(String keyId, Ed25519PrivateKeyParameters key) {
    return new Ed25519TokenSigner(keyId, key);
  }

  /** A signer from a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}, as {@code keygen} writes). */
  public static Ed25519TokenSigner fromPem(String keyId, String privateKeyPem) {
    return new Ed25519TokenSigner(keyId, Pem.readPrivate(privateKeyPem));
  }

  /** The token for {@code claims}: {@code <fields>~kid=<keyId>~sig=<base64url, no padding>}. */
  public String sign(TokenClaims claims) {
    String fields = claims.fieldsText() + TokenFormat.FIELD_DELIMITER + "kid=" + keyId;
    byte[] message = TokenFormat.ed25519Signed(fields, claims.urlOrNull());
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(message, 0, message.length);
    return fields + TokenFormat.FIELD_DELIMITER + "sig=" + BASE64URL.encodeToString(signer.generateSignature());
  }

  /** The key id written into every token. */
  public String keyId() {
    return keyId;
  }

  @Override
  public String toString() {
    return "Ed25519TokenSigner[kid=" + keyId + "]";
  }
}
