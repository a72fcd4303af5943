package media.edge.token;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 keys to and from PEM, in the standard containers OpenSSL reads and writes
 * ({@code openssl genpkey -algorithm ed25519}): SubjectPublicKeyInfo ({@code PUBLIC KEY}) and
 * unencrypted PKCS#8 ({@code PRIVATE KEY}).
 *
 * <p>Failures are {@link IllegalArgumentException}s with a message of our own: Bouncy Castle's
 * messages are not passed on, so no part of a key's text can reach a log through them.
 *
 * <p>Stateless; safe from any thread.
 */
final class Pem {

  private static final String PUBLIC_EXPECTED = "expected: an Ed25519 public key in PEM, -----BEGIN PUBLIC KEY-----";
  private static final String PRIVATE_EXPECTED =
      "expected: an unencrypted Ed25519 private key in PEM, -----BEGIN PRIVATE KEY-----";

  private Pem() {}

  /** The Ed25519 public key in {@code pem}. */
  static Ed25519PublicKeyParameters readPublic(String pem) {
    Object object = readObject(pem);
    try {
      if (object instanceof SubjectPublicKeyInfo info
          && PublicKeyFactory.createKey(info) instanceof Ed25519PublicKeyParameters key) {
        return key;
      }
    } catch (IOException | RuntimeException e) {
      // the same answer whatever was wrong inside
    }
    throw new IllegalArgumentException("not an Ed25519 public key (" + PUBLIC_EXPECTED + ")");
  }

  /** The Ed25519 private key in {@code pem}. */
  static Ed25519PrivateKeyParameters readPrivate(String pem) {
    Object object = readObject(pem);
    try {
      if (object instanceof PrivateKeyInfo info
          && PrivateKeyFactory.createKey(info) instanceof Ed25519PrivateKeyParameters key) {
        return key;
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    throw new IllegalArgumentException("not an unencrypted Ed25519 private key (" + PRIVATE_EXPECTED + ")");
  }

  static String writePublic(Ed25519PublicKeyParameters key) {
    try {
      return write("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String writePrivate(Ed25519PrivateKeyParameters key) {
    try {
      return write("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first PEM object in {@code pem}, or null when there is none or it does not parse. */
  private static Object readObject(String pem) {
    if (pem == null) {
      return null;
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return parser.readObject();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String write(String type, byte[] der) throws IOException {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject(type, der));
    }
    return text.toString();
  }
}
