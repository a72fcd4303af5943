package media.edge.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate for trying HTTPS and HTTP/2 on a workstation ({@code --tls-self-signed}):
 * a fresh EC P-256 key made for this run (there is no built-in key to leak), a certificate for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1} valid for {@link #VALIDITY}, written as PEM to
 * a private folder so that the ordinary {@code server.tls.*} path serves it and a client can be
 * pointed at it ({@code curl --cacert}). Browsers will still warn: nothing they trust signed it.
 *
 * @param certFile the certificate, PEM
 * @param keyFile the private key, PKCS#8 PEM, readable by the owner only
 * @param sha256 the certificate's SHA-256 fingerprint, colon-separated upper-case hex as browsers show it
 * @param notAfter when it expires
 */
public record DevelopmentCertificate(Path certFile, Path keyFile, String sha256, Instant notAfter) {
  /** Short on purpose: a development certificate that leaks is useless within days. */
  public static final Duration VALIDITY = Duration.ofDays(7);

  /** Makes a key and certificate and writes them into {@code dir} (created if missing, owner-only). */
  public static DevelopmentCertificate generate(Path dir, Clock clock) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      Instant now = clock.instant();
      Instant notAfter = now.plus(VALIDITY);
      X509Certificate certificate = selfSigned(pair, now, notAfter);

      Files.createDirectories(dir);
      ownerOnly(dir, "rwx------");
      Path certFile = dir.resolve("dev-cert.pem");
      Path keyFile = dir.resolve("dev-key.pem");
      Files.writeString(keyFile, "");
      ownerOnly(keyFile, "rw-------");
      Files.writeString(keyFile, pem(pair.getPrivate()), StandardCharsets.US_ASCII);
      Files.writeString(certFile, pem(certificate), StandardCharsets.US_ASCII);
      return new DevelopmentCertificate(certFile, keyFile, fingerprint(certificate), notAfter);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a development certificate: " + e.getMessage(), e);
    }
  }

  /** A certificate for localhost, 127.0.0.1 and ::1 signed by its own key (EC or RSA). */
  static X509Certificate selfSigned(KeyPair pair, Instant now, Instant notAfter)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Name name = new X500Name("CN=localhost, O=origin-server development");
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, new SecureRandom()).setBit(63),
            Date.from(now.minus(Duration.ofMinutes(5))), // a little slack for a client clock behind ours
            Date.from(notAfter),
            name,
            pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1"),
        }));
    String signature = "RSA".equals(pair.getPrivate().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
  }

  /** SHA-256 of the DER encoding, as {@code AB:CD:...}. */
  static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
  }

  /** PEM text: a private key as PKCS#8, anything else as Bouncy Castle writes it. */
  static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object instanceof java.security.PrivateKey key
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)
          : object);
    }
    return text.toString();
  }

  private static void ownerOnly(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): the folder's default access applies
    }
  }
}
