package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen's keys: usable at once by the signers and the key ring, written owner-only, never overwritten. */
class TokenKeyGeneratorTest {

  private static final long NOW = 1_767_225_600L;

  @TempDir Path folder;

  private final SecureRandom random = new SecureRandom();

  @Test
  void hmacHex_is32RandomBytesInHex() {
    String a = TokenKeyGenerator.hmacHex(random);
    String b = TokenKeyGenerator.hmacHex(random);

    assertThat(a).matches("[0-9a-f]{64}");
    assertThat(a).isNotEqualTo(b);
    assertThat(KeyRing.builder().hmacHex("k", a).build().hmacKeyIds()).containsExactly("k");
  }

  @Test
  void ed25519_pairSignsAndVerifiesThroughPem() {
    TokenKeyGenerator.Ed25519KeyPair pair = TokenKeyGenerator.ed25519(random);
    String token = Ed25519TokenSigner.fromPem("e1", pair.privateKeyPem())
        .sign(TokenClaims.acl("/*").expires(NOW + 60).build());
    KeyRing ring = KeyRing.builder().ed25519Pem("e1", pair.publicKeyPem()).build();

    assertThat(pair.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(pair.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(TokenVerifier.builder(() -> ring).clock(TestClock.at(Instant.ofEpochSecond(NOW))).build().verify(token, "/a", null).accepted())
        .isTrue();
  }

  @Test
  void ed25519_toStringHidesThePrivateKey() {
    TokenKeyGenerator.Ed25519KeyPair pair = TokenKeyGenerator.ed25519(random);
    String body = pair.privateKeyPem().lines().skip(1).findFirst().orElseThrow();

    assertThat(pair.toString()).doesNotContain(body).doesNotContain("PRIVATE");
  }

  @Test
  void writeTo_writesPrivateOwnerOnlyAndPublicBeside() throws Exception {
    TokenKeyGenerator.Ed25519KeyPair pair = TokenKeyGenerator.ed25519(random);

    Path publicFile = pair.writeTo(folder, "e1");

    Path privateFile = folder.resolve("e1.key.pem");
    assertThat(publicFile).isEqualTo(folder.resolve("e1.pub.pem")).hasContent(pair.publicKeyPem().strip());
    assertThat(Files.readString(privateFile)).isEqualTo(pair.privateKeyPem());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
  }

  @Test
  void writeTo_existingFiles_refusesToOverwrite() throws Exception {
    TokenKeyGenerator.ed25519(random).writeTo(folder, "e1");
    String before = Files.readString(folder.resolve("e1.key.pem"));

    assertThatThrownBy(() -> TokenKeyGenerator.ed25519(random).writeTo(folder, "e1"))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(folder.resolve("e1.key.pem"))).isEqualTo(before);
  }

  @Test
  void writeSecret_isOwnerOnlyAndRefusesToOverwrite() throws Exception {
    Path file = folder.resolve("k1.hex");
    TokenKeyGenerator.writeSecret(file, TokenKeyGenerator.hmacHex(random));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThatThrownBy(() -> TokenKeyGenerator.writeSecret(file, "x")).isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void opensslKeyPair_isReadable() {
    KeyRing ring = KeyRing.builder().ed25519Pem("o", TestKeys.resource("openssl-ed25519.pub.pem")).build();
    assertThat(ring.ed25519KeyIds()).containsExactly("o");
    assertThat(Ed25519TokenSigner.fromPem("o", TestKeys.resource("openssl-ed25519.key.pem")).keyId()).isEqualTo("o");
  }
}
