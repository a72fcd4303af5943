package media.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM forms operators have (openssl, certbot, cert-manager), and the mistakes they make. */
class PemFilesTest {
  private static KeyPair rsa;
  private static KeyPair ec;
  private static X509Certificate rsaCert;
  private static X509Certificate ecCert;

  @TempDir Path dir;

  @BeforeAll
  static void makeKeys() throws Exception {
    KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
    rsaGenerator.initialize(2048);
    rsa = rsaGenerator.generateKeyPair();
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGenerator.generateKeyPair();
    Instant now = Instant.now();
    rsaCert = DevelopmentCertificate.selfSigned(rsa, now, now.plus(1, ChronoUnit.DAYS));
    ecCert = DevelopmentCertificate.selfSigned(ec, now, now.plus(1, ChronoUnit.DAYS));
  }

  /** Bouncy Castle writes a bare private key in OpenSSL's traditional form: PKCS#1 or SEC1. */
  private static String traditional(Object key) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(key);
    }
    return text.toString();
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void read_rsaPkcs1Key_matchesItsCertificate() throws Exception {
    String pem = traditional(rsa.getPrivate());
    assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    PemFiles.Credentials read = PemFiles.read(write("c.pem", DevelopmentCertificate.pem(rsaCert)), write("k.pem", pem));

    assertThat(read.leaf()).isEqualTo(rsaCert);
    assertThat(read.key().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void read_rsaPkcs8Key() throws Exception {
    String pem = DevelopmentCertificate.pem(rsa.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");

    assertThat(PemFiles.read(write("c.pem", DevelopmentCertificate.pem(rsaCert)), write("k.pem", pem)).leaf())
        .isEqualTo(rsaCert);
  }

  @Test
  void read_ecSec1KeyAfterItsParameters_asOpensslEcparamWritesIt() throws Exception {
    // Bouncy Castle's own EC keys, like OpenSSL's, carry the curve inside the SEC1 structure too.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    X509Certificate certificate = DevelopmentCertificate.selfSigned(pair, Instant.now(), Instant.now().plus(1, ChronoUnit.DAYS));
    String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + traditional(pair.getPrivate());
    assertThat(pem).contains("-----BEGIN EC PRIVATE KEY-----");

    assertThat(PemFiles.read(write("c.pem", DevelopmentCertificate.pem(certificate)), write("k.pem", pem)).key().getAlgorithm())
        .isEqualTo("EC");
  }

  @Test
  void read_chain_keepsOrderLeafFirst() throws Exception {
    Path chain = write("c.pem", DevelopmentCertificate.pem(ecCert) + DevelopmentCertificate.pem(rsaCert));

    PemFiles.Credentials read = PemFiles.read(chain, write("k.pem", DevelopmentCertificate.pem(ec.getPrivate())));

    assertThat(read.chain()).containsExactly(ecCert, rsaCert);
  }

  @Test
  void read_keyOfAnotherCertificate_isRefusedNamingTheKeyFile() throws Exception {
    Path cert = write("c.pem", DevelopmentCertificate.pem(ecCert));
    Path key = write("k.pem", DevelopmentCertificate.pem(rsa.getPrivate()));

    assertThatThrownBy(() -> PemFiles.read(cert, key))
        .isInstanceOf(TlsFileException.class)
        .hasMessage("server.tls.key-file: " + key + " (expected: the private key of the first certificate in server.tls.cert-file)")
        .satisfies(e -> assertThat(((TlsFileException) e).key()).isEqualTo("server.tls.key-file"));
  }

  @Test
  void read_encryptedKey_isRefused() throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(ec.getPrivate(),
          new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
              .setPassword("secret".toCharArray()).build()));
    }
    Path key = write("k.pem", text.toString());

    assertThatThrownBy(() -> PemFiles.read(write("c.pem", DevelopmentCertificate.pem(ecCert)), key))
        .hasMessageStartingWith("server.tls.key-file: " + key + " (expected: an unencrypted")
        .hasMessageEndingWith("this one is encrypted)");
  }

  @Test
  void read_certificateFileWithoutCertificate_isRefusedNamingTheCertFile() throws Exception {
    Path cert = write("c.pem", "hello\n");

    assertThatThrownBy(() -> PemFiles.read(cert, write("k.pem", DevelopmentCertificate.pem(ec.getPrivate()))))
        .hasMessage("server.tls.cert-file: " + cert
            + " (expected: a PEM certificate chain, -----BEGIN CERTIFICATE-----, leaf first; no certificate found)");
  }

  @Test
  void read_corruptPem_isRefusedWithoutQuotingIt() throws Exception {
    Path cert = write("c.pem", "-----BEGIN CERTIFICATE-----\nnot*base64SECRET\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> PemFiles.read(cert, write("k.pem", DevelopmentCertificate.pem(ec.getPrivate()))))
        .hasMessageStartingWith("server.tls.cert-file: " + cert)
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void read_keyFileWithACertificateOnly_isRefused() throws Exception {
    Path key = write("k.pem", DevelopmentCertificate.pem(ecCert));

    assertThatThrownBy(() -> PemFiles.read(write("c.pem", DevelopmentCertificate.pem(ecCert)), key))
        .hasMessageEndingWith("no private key found)");
  }

  @Test
  void read_onlyOneFileConfigured_namesTheMissingOne() throws Exception {
    Path cert = write("c.pem", DevelopmentCertificate.pem(ecCert));

    assertThatThrownBy(() -> PemFiles.read(cert, null))
        .hasMessage("server.tls.key-file: \"\" (expected: a PEM private key, since server.tls.cert-file is set)");
    assertThatThrownBy(() -> PemFiles.read(null, cert))
        .hasMessage("server.tls.cert-file: \"\" (expected: a PEM certificate chain, since server.tls.key-file is set)");
  }
}
