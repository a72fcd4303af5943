package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import media.edge.testing.TestClock;
import media.edge.token.TokenVerifier.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each rejection reason of an EdgeAuth token, produced by the smallest change to a good token, and
 * the clock-skew edges. The cache is off here ({@link TokenVerifierCacheTest} covers it), so every
 * call runs every check.
 */
class TokenVerifierTest {

  private static final String KEY = TestKeys.HMAC_1;
  private static final long NOW = 1_767_225_600L;
  private static final long EXP = NOW + 3600;
  private static final String PATH = "/vod/title/720p/seg_1.ts";
  private static final String CLIENT = "203.0.113.7";

  private final KeyRing ring = KeyRing.builder().hmacHex("k1", KEY).build();
  private final TestClock clock = TestClock.at(Instant.ofEpochSecond(NOW));
  private final EdgeAuthSigner signer = EdgeAuthSigner.builder().keyHex(KEY).build();

  private TokenVerifier verifier() {
    return TokenVerifier.builder(() -> ring).clock(clock).cacheSize(0).build();
  }

  private String aclToken() {
    return signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).build());
  }

  private TokenRejection rejection(String token) {
    return verifier().verify(token, PATH, CLIENT).rejection();
  }

  @Test
  void verify_goodToken_acceptsWithExpiryAndAcls() {
    Verdict verdict = verifier().verify(aclToken(), PATH, CLIENT);

    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.expiresEpochSeconds()).isEqualTo(EXP);
    assertThat(verdict.acls()).containsExactly("/vod/title/*");
  }

  @Test
  void verify_nullOrEmptyToken_rejectsMissing() {
    assertThat(rejection(null)).isEqualTo(TokenRejection.MISSING);
    assertThat(rejection("")).isEqualTo(TokenRejection.MISSING);
  }

  @Test
  void verify_garbage_rejectsMalformed() {
    assertThat(rejection("not a token")).isEqualTo(TokenRejection.MALFORMED);
  }

  @Test
  void verify_everySingleHmacCharacterChanged_rejectsBadSignature() {
    String token = aclToken();
    int start = token.indexOf("hmac=") + 5;
    TokenVerifier verifier = verifier();
    for (int i = start; i < token.length(); i++) {
      char original = token.charAt(i);
      char replacement = original == '0' ? '1' : '0';
      String tampered = token.substring(0, i) + replacement + token.substring(i + 1);
      assertThat(verifier.verify(tampered, PATH, CLIENT).rejection()).as("hmac char %d", i - start)
          .isEqualTo(TokenRejection.BAD_SIGNATURE);
    }
  }

  @Test
  void verify_hmacTruncatedOrExtended_rejectsBadSignature() {
    String token = aclToken();
    assertThat(rejection(token.substring(0, token.length() - 2))).isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(rejection(token + "00")).isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(rejection(token.substring(0, token.length() - 1) + "g")).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_hmacInUpperCase_rejectsBadSignature() {
    String token = aclToken();
    int start = token.indexOf("hmac=") + 5;
    String upper = token.substring(0, start) + token.substring(start).toUpperCase(Locale.ROOT);
    assertThat(rejection(upper)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_expiryExtended_rejectsBadSignature() {
    String token = aclToken().replace("exp=" + EXP, "exp=" + (EXP + 86_400));
    assertThat(rejection(token)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_aclWidened_rejectsBadSignature() {
    String token = aclToken().replace("acl=/vod/title/*", "acl=/*");
    assertThat(rejection(token)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_aclAppended_rejectsBadSignature() {
    String token = aclToken().replace("acl=/vod/title/*", "acl=/vod/title/*!/other/*");
    assertThat(rejection(token)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_ipFieldAddedToUnboundToken_rejectsBadSignature() {
    assertThat(rejection("ip=" + CLIENT + "~" + aclToken())).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_ipFieldRemovedFromBoundToken_rejectsBadSignature() {
    String bound = signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip("198.51.100.1").build());
    assertThat(rejection(bound.substring(bound.indexOf('~') + 1))).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_otherSalt_rejectsBadSignature() {
    String salted = EdgeAuthSigner.builder().keyHex(KEY).salt("pepper").build()
        .sign(TokenClaims.acl("/vod/title/*").expires(EXP).build());
    TokenVerifier verifier = TokenVerifier.builder(() -> ring).clock(clock).salt("paprika").cacheSize(0).build();
    TokenVerifier unsalted = verifier();

    assertThat(verifier.verify(salted, PATH, CLIENT).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(unsalted.verify(salted, PATH, CLIENT).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @EnumSource(value = TokenAlgorithm.class, names = {"SHA1", "MD5"})
  void verify_tokenOfAnotherAlgorithm_rejectsBadSignature(TokenAlgorithm algorithm) {
    String token = EdgeAuthSigner.builder().keyHex(KEY).algorithm(algorithm).build()
        .sign(TokenClaims.acl("/vod/title/*").expires(EXP).build());
    assertThat(rejection(token)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_ringWithoutHmacKeys_rejectsUnknownKey() {
    KeyRing onlyEd25519 = KeyRing.builder()
        .ed25519("e1", TestKeys.ed25519Public(1))
        .build();
    TokenVerifier verifier = TokenVerifier.builder(() -> onlyEd25519).clock(clock).build();

    assertThat(verifier.verify(aclToken(), PATH, CLIENT).rejection()).isEqualTo(TokenRejection.UNKNOWN_KEY);
  }

  // ---- time ---------------------------------------------------------------------------------

  @Test
  void verify_oneSecondBeforeExp_accepts() {
    clock.set(Instant.ofEpochSecond(EXP - 1));
    assertThat(rejection(aclToken())).isNull();
  }

  @Test
  void verify_atExp_rejectsExpired() {
    clock.set(Instant.ofEpochSecond(EXP));
    assertThat(rejection(aclToken())).isEqualTo(TokenRejection.EXPIRED);
  }

  @Test
  void verify_pastExpWithinSkew_accepts() {
    TokenVerifier verifier = TokenVerifier.builder(() -> ring).clock(clock).clockSkew(Duration.ofSeconds(30)).build();
    clock.set(Instant.ofEpochSecond(EXP + 29));
    assertThat(verifier.verify(aclToken(), PATH, CLIENT).rejection()).isNull();
    clock.set(Instant.ofEpochSecond(EXP + 30));
    assertThat(verifier.verify(aclToken(), PATH, CLIENT).rejection()).isEqualTo(TokenRejection.EXPIRED);
  }

  @Test
  void verify_beforeStart_rejectsNotYetValid() {
    String token = signer.sign(TokenClaims.acl("/vod/title/*").startTime(NOW + 60).expires(EXP).build());
    assertThat(rejection(token)).isEqualTo(TokenRejection.NOT_YET_VALID);
    clock.set(Instant.ofEpochSecond(NOW + 60));
    assertThat(rejection(token)).isNull();
  }

  @Test
  void verify_beforeStartWithinSkew_accepts() {
    String token = signer.sign(TokenClaims.acl("/vod/title/*").startTime(NOW + 60).expires(EXP).build());
    TokenVerifier verifier = TokenVerifier.builder(() -> ring).clock(clock).clockSkew(Duration.ofSeconds(60)).build();

    assertThat(verifier.verify(token, PATH, CLIENT).rejection()).isNull();
    clock.set(Instant.ofEpochSecond(NOW - 1));
    assertThat(verifier.verify(token, PATH, CLIENT).rejection()).isEqualTo(TokenRejection.NOT_YET_VALID);
  }

  @Test
  void verify_expiredAndForged_reportsTheSignatureFirst() {
    clock.set(Instant.ofEpochSecond(EXP + 1));
    String forged = aclToken().replace("acl=/vod/title/*", "acl=/*");
    assertThat(rejection(forged)).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  // ---- ip -----------------------------------------------------------------------------------

  @Test
  void verify_boundToAnotherAddress_rejectsIpMismatch() {
    String token = signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip("198.51.100.1").build());
    assertThat(rejection(token)).isEqualTo(TokenRejection.IP_MISMATCH);
  }

  @Test
  void verify_boundToken_unknownClient_rejectsIpMismatch() {
    String token = signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip(CLIENT).build());
    assertThat(verifier().verify(token, PATH, null).rejection()).isEqualTo(TokenRejection.IP_MISMATCH);
  }

  @Test
  void verify_boundToClient_acceptsEveryFormOfItsAddress() {
    String v4 = signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip(CLIENT).build());
    String v6 = signer.sign(TokenClaims.acl("/vod/title/*").expires(EXP).ip("2001:db8::1").build());
    TokenVerifier verifier = verifier();

    assertThat(verifier.verify(v4, PATH, CLIENT).accepted()).isTrue();
    assertThat(verifier.verify(v4, PATH, "::ffff:" + CLIENT).accepted()).isTrue();
    assertThat(verifier.verify(v6, PATH, "2001:DB8:0:0:0:0:0:1").accepted()).isTrue();
    assertThat(verifier.verify(v6, PATH, "2001:db8::2").rejection()).isEqualTo(TokenRejection.IP_MISMATCH);
  }

  // ---- acl and url --------------------------------------------------------------------------

  @Test
  void verify_pathOutsideAcl_rejectsAclMismatch() {
    assertThat(verifier().verify(aclToken(), "/vod/other/seg_1.ts", CLIENT).rejection())
        .isEqualTo(TokenRejection.ACL_MISMATCH);
  }

  @Test
  void verify_secondAclOfList_accepts() {
    String token = signer.sign(TokenClaims.acl(List.of("/vod/a/*", "/keys/k.key")).expires(EXP).build());
    assertThat(verifier().verify(token, "/keys/k.key", CLIENT).accepted()).isTrue();
    assertThat(verifier().verify(token, "/keys/other.key", CLIENT).rejection()).isEqualTo(TokenRejection.ACL_MISMATCH);
  }

  @Test
  void verify_urlToken_opensOnlyItsPath() {
    String token = signer.sign(TokenClaims.url("/vod/title/master.m3u8").expires(EXP).build());
    TokenVerifier verifier = verifier();

    Verdict verdict = verifier.verify(token, "/vod/title/master.m3u8", CLIENT);
    assertThat(verdict.accepted()).isTrue();
    assertThat(verdict.acls()).isEmpty();
    assertThat(verifier.verify(token, "/vod/title/other.m3u8", CLIENT).rejection())
        .isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_nullPath_rejectsWithoutThrowing() {
    assertThat(verifier().verify(aclToken(), null, CLIENT).rejection()).isEqualTo(TokenRejection.ACL_MISMATCH);
  }

  @Test
  void rejectionTags_areLowerCaseMetricValues() {
    assertThat(TokenRejection.values()).extracting(TokenRejection::tag).containsExactlyInAnyOrder(
        "missing", "malformed", "expired", "not_yet_valid", "bad_signature", "acl_mismatch", "ip_mismatch",
        "unknown_key");
  }

  @Test
  void builder_negativeOrHugeSkew_fails() {
    assertThatThrownBy(
            () -> TokenVerifier.builder(() -> ring).clockSkew(Duration.ofSeconds(-1)))
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(
            () -> TokenVerifier.builder(() -> ring).clockSkew(Duration.ofDays(2)))
        .hasMessageContaining("expected");
  }
}
