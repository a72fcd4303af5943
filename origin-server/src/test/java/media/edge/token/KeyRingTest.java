package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;

/** Rotation through the ring, and the builder's refusals (none of which may echo a secret). */
class KeyRingTest {

  private static final long NOW = 1_767_225_600L;
  private static final String PATH = "/vod/a.ts";

  private final TestClock clock = TestClock.at(Instant.ofEpochSecond(NOW));
  private final TokenClaims claims = TokenClaims.acl("/vod/*").expires(NOW + 3600).build();

  @Test
  void rotation_oldAndNewKeysBothVerify_thenRemovingOldRefusesItsTokens() {
    KeyRing before = KeyRing.builder().hmacHex("old", TestKeys.HMAC_1).build();
    AtomicReference<KeyRing> current = new AtomicReference<>(before);
    TokenVerifier verifier = TokenVerifier.builder(current::get).clock(clock).build();
    String oldToken = before.signer().build().sign(claims);

    // Step 1: the new key is added second, the old one still signs.
    current.set(KeyRing.builder().hmacHex("old", TestKeys.HMAC_1).hmacHex("new", TestKeys.HMAC_2).build());
    assertThat(verifier.verify(oldToken, PATH, null).accepted()).isTrue();

    // Step 2: the new key becomes primary; tokens of both keys verify.
    current.set(KeyRing.builder().hmacHex("new", TestKeys.HMAC_2).hmacHex("old", TestKeys.HMAC_1).build());
    String newToken = current.get().signer().build().sign(claims);
    assertThat(newToken).isNotEqualTo(oldToken);
    assertThat(verifier.verify(oldToken, PATH, null).accepted()).isTrue();
    assertThat(verifier.verify(newToken, PATH, null).accepted()).isTrue();

    // Step 3: the old key is removed; its tokens are refused, the new ones still pass.
    current.set(KeyRing.builder().hmacHex("new", TestKeys.HMAC_2).build());
    assertThat(verifier.verify(oldToken, PATH, null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(verifier.verify(newToken, PATH, null).accepted()).isTrue();
  }

  @Test
  void signer_usesThePrimaryKey() {
    KeyRing ring = KeyRing.builder().hmacHex("b", TestKeys.HMAC_2).hmacHex("a", TestKeys.HMAC_1).build();

    assertThat(ring.primaryHmacKeyId()).contains("b");
    assertThat(ring.signer().build().sign(claims))
        .isEqualTo(EdgeAuthSigner.builder().keyHex(TestKeys.HMAC_2).build().sign(claims));
    assertThat(ring.signer("a").build().sign(claims))
        .isEqualTo(EdgeAuthSigner.builder().keyHex(TestKeys.HMAC_1).build().sign(claims));
  }

  @Test
  void signer_unknownIdOrNoHmacKey_fails() {
    KeyRing ring = KeyRing.builder().hmacHex("a", TestKeys.HMAC_1).build();
    assertThatThrownBy(() -> ring.signer("zz")).hasMessageContaining("expected one of the HMAC keys: [a]");

    KeyRing onlyEd = KeyRing.builder().ed25519("e1", TestKeys.ed25519Public(1)).build();
    assertThat(onlyEd.primaryHmacKeyId()).isEmpty();
    assertThatThrownBy(onlyEd::signer).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void build_empty_fails() {
    assertThatThrownBy(() -> KeyRing.builder().build()).hasMessageContaining("at least one");
  }

  @Test
  void builder_repeatedIdAcrossKinds_fails() {
    KeyRing.Builder builder = KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1);
    assertThatThrownBy(() -> builder.ed25519("k1", TestKeys.ed25519Public(1))).hasMessageContaining("unique");
  }

  @Test
  void builder_badSecrets_failWithoutEchoingThem() {
    String notHex = "zz" + TestKeys.HMAC_1;
    String odd = TestKeys.HMAC_1 + "a";
    String shortKey = "0011223344556677"; // 8 bytes: the minimum, accepted
    assertThatThrownBy(() -> KeyRing.builder().hmacHex("k", notHex))
        .hasMessageContaining("not hex").hasMessageNotContaining(TestKeys.HMAC_1);
    assertThatThrownBy(() -> KeyRing.builder().hmacHex("k", odd))
        .hasMessageContaining("not hex").hasMessageNotContaining(TestKeys.HMAC_1);
    assertThatThrownBy(() -> KeyRing.builder().hmacHex("k", "00112233445566"))
        .hasMessageContaining("at least 8 bytes").hasMessageNotContaining("00112233445566");
    assertThat(KeyRing.builder().hmacHex("k", shortKey).build().hmacKeyIds()).containsExactly("k");
  }

  @Test
  void builder_badIds_failWithoutEchoingThem() {
    assertThatThrownBy(() -> KeyRing.builder().hmacHex("a~b", TestKeys.HMAC_1)).hasMessageNotContaining("a~b");
    assertThatThrownBy(() -> KeyRing.builder().hmacHex("x".repeat(65), TestKeys.HMAC_1))
        .hasMessageContaining("expected");
    assertThatThrownBy(() -> KeyRing.builder().hmacHex(null, TestKeys.HMAC_1)).hasMessageContaining("missing");
  }

  @Test
  void toString_listsIdsOnly() {
    KeyRing ring = KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).ed25519("e1", TestKeys.ed25519Public(1)).build();

    assertThat(ring.toString()).isEqualTo("KeyRing[hmac=[k1], ed25519=[e1]]");
  }

  @Test
  void generation_isUniquePerRing() {
    KeyRing a = KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).build();
    KeyRing b = KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).build();

    assertThat(a.generation()).isNotEqualTo(b.generation());
  }
}
