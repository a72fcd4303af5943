package media.edge.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * New keys for {@code keygen}: a 32-byte HMAC secret in hex, or an Ed25519 key pair in PEM
 * (PKCS#8 private, SubjectPublicKeyInfo public, readable by OpenSSL and by {@link KeyRing}).
 *
 * <p>Stateless; safe from any thread. Pass a {@link SecureRandom}: the default one in production,
 * a seeded one only in tests.
 */
public final class TokenKeyGenerator {

  /** 256 bits: the HMAC-SHA256 block size would allow more, but nothing more is gained. */
  public static final int HMAC_SECRET_BYTES = 32;

  private TokenKeyGenerator() {}

  /** A new HMAC secret: {@value #HMAC_SECRET_BYTES} random bytes as 64 lower-case hex digits. */
  public static String hmacHex(SecureRandom random) {
    byte[] secret = new byte[HMAC_SECRET_BYTES];
    random.nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  /** A new Ed25519 key pair. */
  public static Ed25519KeyPair ed25519(SecureRandom random) {
    Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(Objects.requireNonNull(random, "random"));
    return new Ed25519KeyPair(Pem.writePrivate(privateKey), Pem.writePublic(privateKey.generatePublicKey()));
  }

  /**
   * Writes {@code text} (a secret) to a new file readable only by its owner; refuses to overwrite.
   *
   * @throws FileAlreadyExistsException when {@code file} exists
   */
  public static void writeSecret(Path file, String text) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system: the folder's permissions must protect it
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** An Ed25519 key pair as PEM text. {@link #toString()} never shows the private key. */
  public static final class Ed25519KeyPair {
    private final String privateKeyPem;
    private final String publicKeyPem;

    private Ed25519KeyPair(String privateKeyPem, String publicKeyPem) {
      this.privateKeyPem = privateKeyPem;
      this.publicKeyPem = publicKeyPem;
    }

    /** {@code -----BEGIN PRIVATE KEY-----}: for the signing backend only, never for an edge. */
    public String privateKeyPem() {
      return privateKeyPem;
    }

    /** {@code -----BEGIN PUBLIC KEY-----}: for the edges' key file. */
    public String publicKeyPem() {
      return publicKeyPem;
    }

    /**
     * Writes {@code <keyId>.key.pem} (owner-only) and {@code <keyId>.pub.pem} into {@code folder}.
     * Refuses to overwrite either, and writes the public half only once the private one is safely
     * written.
     *
     * @return the public key file, the one to name in a key file
     */
    public Path writeTo(Path folder, String keyId) throws IOException {
      KeyRing.requireKeyId(keyId);
      Path publicFile = folder.resolve(keyId + ".pub.pem");
      if (Files.exists(publicFile)) {
        throw new FileAlreadyExistsException(publicFile.toString());
      }
      writeSecret(folder.resolve(keyId + ".key.pem"), privateKeyPem);
      Files.writeString(publicFile, publicKeyPem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
      return publicFile;
    }

    @Override
    public String toString() {
      return "Ed25519KeyPair[public only: " + publicKeyPem.length() + " chars]";
    }
  }
}
