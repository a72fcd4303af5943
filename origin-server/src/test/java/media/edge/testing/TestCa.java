package media.edge.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority made with Bouncy Castle for one test class, shaped like a real one: a
 * root that only signs an intermediate, and an intermediate that signs leaves. A leaf's certificate file
 * holds the chain as servers send it (leaf, then intermediate); {@link #certFile()} holds the root alone,
 * which is what {@code upstream.tls.ca-file} names. Keys are EC P-256, made fresh, written as PEM to the
 * folder given.
 *
 * <p>Thread-safe after construction: issuing writes new files only.
 */
public final class TestCa {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate the CA issued, with its key, and the JDK SSL context that presents it. */
  public record Issued(Path certFile, Path keyFile, X509Certificate certificate, List<X509Certificate> chain, PrivateKey key) {}

  private final Path dir;
  private final KeyPair rootKey;
  private final X509Certificate root;
  private final KeyPair intermediateKey;
  private final X509Certificate intermediate;
  private final Path certFile;
  private final AtomicInteger serials = new AtomicInteger();

  private TestCa(Path dir, String name) throws IOException, GeneralSecurityException {
    this.dir = Files.createDirectories(dir);
    Instant now = Instant.now();
    rootKey = keyPair();
    X500Name rootName = new X500Name("CN=" + name + " Root CA, O=origin-server tests");
    root = sign(rootName, rootKey, rootName, rootKey.getPublic(), now, now.plus(Duration.ofDays(30)),
        new BasicConstraints(1), KeyUsage.keyCertSign | KeyUsage.cRLSign, null, List.of());
    intermediateKey = keyPair();
    intermediate = sign(rootName, rootKey, new X500Name("CN=" + name + " Intermediate CA, O=origin-server tests"),
        intermediateKey.getPublic(), now, now.plus(Duration.ofDays(30)),
        new BasicConstraints(0), KeyUsage.keyCertSign | KeyUsage.cRLSign, null, List.of());
    certFile = dir.resolve(name + "-root.pem");
    Files.writeString(certFile, pem(root), StandardCharsets.US_ASCII);
  }

  /** A new CA named {@code name}, writing its files into {@code dir}. */
  public static TestCa create(Path dir, String name) {
    try {
      return new TestCa(dir, name);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  /** The root certificate, PEM: the file to trust. */
  public Path certFile() {
    return certFile;
  }

  public X509Certificate root() {
    return root;
  }

  /** A server certificate for these DNS names and IP literals, valid from a minute ago for a day. */
  public Issued server(String... names) {
    Instant now = Instant.now();
    return issue(names.length == 0 ? "server" : names[0], List.of(names), KeyPurposeId.id_kp_serverAuth,
        now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)));
  }

  /** A server certificate for {@code names} that expired an hour ago. */
  public Issued expiredServer(String... names) {
    Instant now = Instant.now();
    return issue(names[0], List.of(names), KeyPurposeId.id_kp_serverAuth, now.minus(Duration.ofDays(2)),
        now.minus(Duration.ofHours(1)));
  }

  /** A client certificate for mutual TLS, its subject {@code CN=commonName}. */
  public Issued client(String commonName) {
    Instant now = Instant.now();
    return issue(commonName, List.of(), KeyPurposeId.id_kp_clientAuth, now.minus(Duration.ofMinutes(1)),
        now.plus(Duration.ofDays(1)));
  }

  private Issued issue(String commonName, List<String> names, KeyPurposeId purpose, Instant from, Instant until) {
    try {
      KeyPair pair = keyPair();
      List<GeneralName> alternatives = new ArrayList<>();
      for (String name : names) {
        boolean ip = name.matches("[0-9.]+") || name.contains(":");
        alternatives.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      X509Certificate leaf = sign(X500Name.getInstance(intermediate.getSubjectX500Principal().getEncoded()),
          intermediateKey, new X500Name("CN=" + commonName + ", O=origin-server tests"), pair.getPublic(), from, until,
          new BasicConstraints(false), KeyUsage.digitalSignature | KeyUsage.keyEncipherment, purpose, alternatives);
      int serial = serials.incrementAndGet();
      String base = commonName.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + serial;
      Path cert = dir.resolve(base + "-chain.pem");
      Path key = dir.resolve(base + "-key.pem");
      Files.writeString(cert, pem(leaf) + pem(intermediate), StandardCharsets.US_ASCII);
      Files.writeString(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), StandardCharsets.US_ASCII);
      return new Issued(cert, key, leaf, List.of(leaf, intermediate), pair.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  /**
   * A JDK SSL context presenting {@code identity} (with its chain) and, for peers that send one, trusting
   * client certificates issued by this CA.
   */
  public SSLContext sslContext(Issued identity) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("identity", identity.key(), new char[0], identity.chain().toArray(new X509Certificate[0]));
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, new char[0]);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("root", root);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), RANDOM);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an SSL context", e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name issuer, KeyPair issuerKey, X500Name subject, java.security.PublicKey subjectKey, Instant from, Instant until,
      BasicConstraints constraints, int keyUsage, KeyPurposeId purpose, List<GeneralName> alternatives)
      throws GeneralSecurityException, IOException {
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          issuer, new BigInteger(64, RANDOM).setBit(63), Date.from(from), Date.from(until), subject, subjectKey);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, constraints);
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuerKey.getPublic()));
      if (purpose != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (!alternatives.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(new GeneralName[0])));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }
}
