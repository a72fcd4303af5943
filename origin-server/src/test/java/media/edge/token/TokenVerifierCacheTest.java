package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The verdict cache: one signature check per token and ring, while everything that depends on the
 * request or the clock is still checked every time, and a reloaded ring is never answered from
 * verdicts reached under the old one.
 */
class TokenVerifierCacheTest {

  private static final long NOW = 1_767_225_600L;
  private static final long EXP = NOW + 3600;

  private final AtomicReference<KeyRing> ring = new AtomicReference<>(
      KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).ed25519("e1", TestKeys.ed25519Public(1)).build());
  private final TestClock clock = TestClock.at(Instant.ofEpochSecond(NOW));
  private final TokenVerifier verifier = TokenVerifier.builder(ring::get).clock(clock).cacheSize(100).build();
  private final EdgeAuthSigner hmac = EdgeAuthSigner.builder().keyHex(TestKeys.HMAC_1).build();
  private final Ed25519TokenSigner ed25519 = Ed25519TokenSigner.of("e1", TestKeys.ed25519(1));

  @Test
  void verify_sameTokenTwice_checksTheSignatureOnce() {
    String token = ed25519.sign(TokenClaims.acl("/vod/*").expires(EXP).build());

    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();
    assertThat(verifier.verify(token, "/vod/b.ts", null).accepted()).isTrue();
    assertThat(verifier.verify(token, "/vod/c.ts", null).accepted()).isTrue();
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void verify_cacheOff_checksTheSignatureEveryTime() {
    TokenVerifier uncached = TokenVerifier.builder(ring::get).clock(clock).cacheSize(0).build();
    String token = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).build());

    uncached.verify(token, "/vod/a.ts", null);
    uncached.verify(token, "/vod/a.ts", null);
    assertThat(uncached.signatureChecks()).isEqualTo(2);
  }

  @Test
  void verify_cachedToken_stillExpiresByTheClock() {
    String token = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();

    clock.set(Instant.ofEpochSecond(EXP));

    assertThat(verifier.verify(token, "/vod/a.ts", null).rejection()).isEqualTo(TokenRejection.EXPIRED);
  }

  @Test
  void verify_cachedToken_stillNotYetValidByTheClock() {
    String token = hmac.sign(TokenClaims.acl("/vod/*").startTime(NOW + 10).expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).rejection()).isEqualTo(TokenRejection.NOT_YET_VALID);
    clock.set(Instant.ofEpochSecond(NOW + 10));
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void verify_cachedToken_stillChecksAclPerPath() {
    String token = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();

    assertThat(verifier.verify(token, "/other/a.ts", null).rejection()).isEqualTo(TokenRejection.ACL_MISMATCH);
  }

  @Test
  void verify_cachedToken_stillChecksIpPerRequest() {
    String token = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).ip("192.0.2.1").build());
    assertThat(verifier.verify(token, "/vod/a.ts", "192.0.2.1").accepted()).isTrue();

    assertThat(verifier.verify(token, "/vod/a.ts", "192.0.2.2").rejection()).isEqualTo(TokenRejection.IP_MISMATCH);
  }

  @Test
  void verify_cachedUrlToken_isNotReusedForAnotherPath() {
    String token = hmac.sign(TokenClaims.url("/vod/a.ts").expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();

    assertThat(verifier.verify(token, "/vod/b.ts", null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();
  }

  @Test
  void verify_forgedToken_isNeverCached() {
    String forged = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).build()).replace("acl=/vod/*", "acl=/*");

    verifier.verify(forged, "/vod/a.ts", null);
    verifier.verify(forged, "/vod/a.ts", null);
    assertThat(verifier.signatureChecks()).isEqualTo(2);
  }

  @Test
  void verify_keyRemovedAfterCaching_rejectsAtOnce() {
    String token = hmac.sign(TokenClaims.acl("/vod/*").expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();

    ring.set(KeyRing.builder().hmacHex("k2", TestKeys.HMAC_2).build());

    assertThat(verifier.verify(token, "/vod/a.ts", null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  @Test
  void verify_ed25519KeyRemovedAfterCaching_rejectsAtOnce() {
    String token = ed25519.sign(TokenClaims.acl("/vod/*").expires(EXP).build());
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isTrue();

    ring.set(KeyRing.builder().hmacHex("k1", TestKeys.HMAC_1).build());

    assertThat(verifier.verify(token, "/vod/a.ts", null).rejection()).isEqualTo(TokenRejection.UNKNOWN_KEY);
  }
}
