package media.edge.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a certificate chain and its private key from PEM, in the forms OpenSSL, certbot and
 * cert-manager write: {@code CERTIFICATE} blocks, leaf first; the key as PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}, with or
 * without the {@code EC PARAMETERS} block {@code openssl ecparam -genkey} puts before it). The key must
 * be unencrypted (the server restarts unattended) and must belong to the leaf, which is checked by
 * signing a random challenge, so a half-finished rotation (new key, old certificate) is refused here
 * rather than failing every handshake.
 *
 * <p>Failures are {@link TlsFileException}s with messages of our own: Bouncy Castle's are not passed
 * on, so no part of a key's text can reach a log. Stateless; safe from any thread.
 */
final class PemFiles {
  static final String CERT_KEY = "server.tls.cert-file";
  static final String KEY_KEY = "server.tls.key-file";

  /** The settings a pair of files comes from, which the messages name. */
  record Keys(String cert, String key) {
    /** The data port's certificate. */
    static final Keys SERVER = new Keys(CERT_KEY, KEY_KEY);
    /** The client certificate presented to upstreams. */
    static final Keys UPSTREAM = new Keys("upstream.tls.cert-file", "upstream.tls.key-file");
  }

  /** A usable pair: the chain, leaf first, and the leaf's private key. */
  record Credentials(List<X509Certificate> chain, PrivateKey key) {
    Credentials {
      chain = List.copyOf(chain);
    }

    X509Certificate leaf() {
      return chain.get(0);
    }
  }

  private PemFiles() {}

  /** Reads the data port's files and checks that they belong together. */
  static Credentials read(Path certFile, Path keyFile) throws TlsFileException {
    return read(certFile, keyFile, Keys.SERVER);
  }

  /** Reads both files and checks that they belong together; messages name the settings in {@code keys}. */
  static Credentials read(Path certFile, Path keyFile, Keys keys) throws TlsFileException {
    if (certFile == null) {
      throw new TlsFileException(keys.cert(), null, "a PEM certificate chain, since " + keys.key() + " is set");
    }
    if (keyFile == null) {
      throw new TlsFileException(keys.key(), null, "a PEM private key, since " + keys.cert() + " is set");
    }
    List<X509Certificate> chain = certificates(certFile, keys.cert());
    PrivateKey key = privateKey(keyFile, keys.key());
    if (!belongTogether(key, chain.get(0).getPublicKey())) {
      throw new TlsFileException(keys.key(), keyFile, "the private key of the first certificate in " + keys.cert());
    }
    return new Credentials(chain, key);
  }

  /** A chain, leaf first; {@code setting} is the key the file comes from, for messages. */
  private static List<X509Certificate> certificates(Path file, String setting) throws TlsFileException {
    return certificates(file, setting, "a PEM certificate chain, -----BEGIN CERTIFICATE-----, leaf first");
  }

  /** Certificates to trust, in any order (a CA bundle); {@code setting} names the file in messages. */
  static List<X509Certificate> trusted(Path file, String setting) throws TlsFileException {
    return certificates(file, setting, "PEM CA certificates, -----BEGIN CERTIFICATE-----");
  }

  private static List<X509Certificate> certificates(Path file, String setting, String expected) throws TlsFileException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new TlsFileException(setting, file, expected + "; " + reason(e), e);
    }
    if (chain.isEmpty()) {
      throw new TlsFileException(setting, file, expected + "; no certificate found");
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file, String setting) throws TlsFileException {
    String expected = "an unencrypted RSA or EC private key in PEM (PKCS#8, PKCS#1 or SEC1)";
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey key = null;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null && key == null; object = parser.readObject()) {
        if (object instanceof PEMKeyPair pair) {
          key = converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (object instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsFileException(setting, file, expected + "; this one is encrypted");
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new TlsFileException(setting, file, expected + "; " + reason(e), e);
    }
    if (key == null) {
      throw new TlsFileException(setting, file, expected + "; no private key found");
    }
    if (!"RSA".equals(key.getAlgorithm()) && !"EC".equals(key.getAlgorithm())) {
      throw new TlsFileException(setting, file, expected + "; this one is " + key.getAlgorithm());
    }
    return key;
  }

  /** True when {@code key} signs what {@code publicKey} verifies. */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** What kind of failure, without the library's message (which may quote the file). */
  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "not readable";
    }
    return "not valid PEM";
  }
}
