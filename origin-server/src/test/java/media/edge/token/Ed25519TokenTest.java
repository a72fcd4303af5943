package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import media.edge.testing.TestClock;
import media.edge.token.TokenVerifier.Verdict;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** Ed25519 tokens: the documented signed string, round trips, and each way to get one wrong. */
class Ed25519TokenTest {

  private static final long NOW = 1_767_225_600L;
  private static final long EXP = NOW + 3600;
  private static final String PATH = "/vod/title/720p/seg_1.ts";

  private final Ed25519TokenSigner signer = Ed25519TokenSigner.of("e1", TestKeys.ed25519(1));
  private final KeyRing ring = KeyRing.builder().ed25519("e1", TestKeys.ed25519Public(1)).build();
  private final TestClock clock = TestClock.at(Instant.ofEpochSecond(NOW));
  private final TokenVerifier verifier = TokenVerifier.builder(() -> ring).clock(clock).cacheSize(0).build();

  private String aclToken() {
    return signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip("192.0.2.1").id("s1").data("d1").build());
  }

  @Test
  void sign_layout_isEdgeAuthFieldsThenKidThenSig() {
    String token = aclToken();

    assertThat(token).startsWith("ip=192.0.2.1~exp=" + EXP + "~acl=/vod/title/*~id=s1~data=d1~kid=e1~sig=");
    assertThat(token.substring(token.indexOf("~sig=") + 5)).hasSize(86).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void sign_signedString_isTheTokenTextBeforeSig() {
    String token = aclToken();
    String signed = token.substring(0, token.indexOf("~sig="));
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.indexOf("~sig=") + 5));

    Ed25519Signer check = new Ed25519Signer();
    check.init(false, TestKeys.ed25519Public(1));
    byte[] message = signed.getBytes(StandardCharsets.UTF_8);
    check.update(message, 0, message.length);
    assertThat(check.verifySignature(signature)).isTrue();
  }

  @Test
  void sign_urlMode_signsTokenTextPlusUrl() {
    String token = signer.sign(TokenClaims.url("/vod/title/master.m3u8").expires(EXP).build());
    String signed = token.substring(0, token.indexOf("~sig=")) + "~url=/vod/title/master.m3u8";
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(token.indexOf("~sig=") + 5));

    assertThat(token).startsWith("exp=" + EXP + "~kid=e1~sig=");
    Ed25519Signer check = new Ed25519Signer();
    check.init(false, TestKeys.ed25519Public(1));
    byte[] message = signed.getBytes(StandardCharsets.UTF_8);
    check.update(message, 0, message.length);
    assertThat(check.verifySignature(signature)).isTrue();
  }

  @Test
  void verify_roundTrip_accepts() {
    Verdict verdict = verifier.verify(aclToken(), PATH, "192.0.2.1");

    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.expiresEpochSeconds()).isEqualTo(EXP);
    assertThat(verdict.acls()).containsExactly("/vod/title/*");
  }

  @Test
  void verify_urlModeRoundTrip_acceptsOnlyThatPath() {
    String token = signer.sign(TokenClaims.url("/vod/title/master.m3u8").expires(EXP).build());

    assertThat(verifier.verify(token, "/vod/title/master.m3u8", null).accepted()).isTrue();
    assertThat(verifier.verify(token, "/vod/title/other.m3u8", null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_signedByAnotherPrivateKey_rejectsBadSignature() {
    String token = Ed25519TokenSigner.of("e1", TestKeys.ed25519(2))
        .sign(TokenClaims.acl("/vod/title/*").expires(EXP).build());

    assertThat(verifier.verify(token, PATH, null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_unknownKid_rejectsUnknownKey() {
    String token = Ed25519TokenSigner.of("e9", TestKeys.ed25519(1))
        .sign(TokenClaims.acl("/vod/title/*").expires(EXP).build());

    assertThat(verifier.verify(token, PATH, null).rejection()).isEqualTo(TokenRejection.UNKNOWN_KEY);
  }

  @Test
  void verify_kidRewrittenToAnotherKnownKey_rejectsBadSignature() {
    KeyRing two = KeyRing.builder()
        .ed25519("e1", TestKeys.ed25519Public(1))
        .ed25519("e2", TestKeys.ed25519Public(2))
        .build();
    TokenVerifier verifier = TokenVerifier.builder(() -> two).clock(clock).build();

    String token = aclToken().replace("~kid=e1~", "~kid=e2~");
    assertThat(verifier.verify(token, PATH, "192.0.2.1").rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_anyFieldTampered_rejectsBadSignature() {
    String token = aclToken();
    assertThat(verifier.verify(token.replace("acl=/vod/title/*", "acl=/*"), PATH, "192.0.2.1").rejection())
        .isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(verifier.verify(token.replace("exp=" + EXP, "exp=" + (EXP + 1)), PATH, "192.0.2.1").rejection())
        .isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(verifier.verify(token.replace("data=d1", "data=d2"), PATH, "192.0.2.1").rejection())
        .isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_everySignatureCharacterChanged_rejectsBadSignature() {
    String token = aclToken();
    int start = token.indexOf("~sig=") + 5;
    for (int i = start; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String tampered = token.substring(0, i) + replacement + token.substring(i + 1);
      assertThat(verifier.verify(tampered, PATH, "192.0.2.1").rejection()).as("sig char %d", i - start)
          .isEqualTo(TokenRejection.BAD_SIGNATURE);
    }
  }

  @Test
  void verify_hmacRingDoesNotAcceptEd25519Tokens() {
    KeyRing hmacOnly = KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).build();
    TokenVerifier verifier = TokenVerifier.builder(() -> hmacOnly).clock(clock).build();

    assertThat(verifier.verify(aclToken(), PATH, "192.0.2.1").rejection()).isEqualTo(TokenRejection.UNKNOWN_KEY);
  }

  @Test
  void verify_expired_rejectsExpired() {
    clock.set(Instant.ofEpochSecond(EXP));
    assertThat(verifier.verify(aclToken(), PATH, "192.0.2.1").rejection()).isEqualTo(TokenRejection.EXPIRED);
  }

  @Test
  void verify_tokenSignedByOpenSsl_accepts() {
    // openssl genpkey -algorithm ed25519; the message signed with
    // openssl pkeyutl -sign -rawin, then base64url without padding. Ed25519 is deterministic.
    String openSslToken = "exp=1767229200~acl=/vod/*~kid=ossl~sig="
        + "m16zn2nfL97kPdC8MMT0H6AETFRo9L4LWha3cUJHcqoYqQmGxiKclo8dM9QdiFyEwCCVHmnq0SeQZU-RVC1ZBg";
    KeyRing openSsl = KeyRing.builder().ed25519Pem("ossl", TestKeys.resource("openssl-ed25519.pub.pem")).build();
    TokenVerifier verifier = TokenVerifier.builder(() -> openSsl).clock(clock).build();

    assertThat(verifier.verify(openSslToken, "/vod/x.ts", null).accepted()).isTrue();
    assertThat(Ed25519TokenSigner.fromPem("ossl", TestKeys.resource("openssl-ed25519.key.pem"))
        .sign(TokenClaims.acl("/vod/*").expires(1767229200).build())).isEqualTo(openSslToken);
  }

  @Test
  void fromPem_publicKeyOrGarbage_failsWithoutEchoingIt() {
    String publicPem = TestKeys.resource("openssl-ed25519.pub.pem");
    assertThatThrownBy(() -> Ed25519TokenSigner.fromPem("e1", publicPem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected")
        .hasMessageNotContaining("MCow");
    assertThatThrownBy(() -> Ed25519TokenSigner.fromPem("e1", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("AAAA");
  }

  @Test
  void signer_invalidKeyId_fails() {
    Ed25519PrivateKeyParameters key = TestKeys.ed25519(1);
    assertThatThrownBy(() -> Ed25519TokenSigner.of("a~b", key)).hasMessageContaining("expected");
    assertThatThrownBy(() -> Ed25519TokenSigner.of("", key)).hasMessageContaining("expected");
  }

  @Test
  void toString_neverShowsTheKey() {
    assertThat(signer.toString()).isEqualTo("Ed25519TokenSigner[kid=e1]");
  }
}
