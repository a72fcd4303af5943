package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import media.edge.testing.TestClock;
import media.edge.token.TokenVerifier.Verdict;

/**
 * Fuzzes token parsing and verification (issue 15), EdgeAuth 2.0 (HMAC) and Ed25519 alike:
 *
 * <ul>
 *   <li>any text parses to null or to fields whose signed part is a prefix of the text, and the verifier
 *       answers it with a verdict, never an exception, and never acceptance without a key's signature;
 *   <li>a token minted from fuzzed claims verifies for a path its ACL names, and the same token with
 *       fuzzed edits is accepted only when what was signed is unchanged (a signature spelt another way,
 *       such as hex in upper case, may still verify).
 * </ul>
 *
 * <p>To fuzz (Jazzer fuzzes one method per run): {@code JAZZER_FUZZ=1 mvn -pl origin-server test
 *     -Dtest=TokenFuzzTest#verify_anyText_answersWithoutAcceptingForgeries}, or {@code #verify_edited...}.
 */
class TokenFuzzTest {
  private static final long NOW = 1_767_225_600L;

  private final KeyRing ring = KeyRing.builder()
      .hmacHex("k1", TestKeys.HMAC_1)
      .ed25519("e1", TestKeys.ed25519Public(1))
      .build();
  private final TokenVerifier verifier =
      TokenVerifier.builder(() -> ring).clock(TestClock.at(Instant.ofEpochSecond(NOW))).build();
  private final Ed25519TokenSigner ed25519 = Ed25519TokenSigner.of("e1", TestKeys.ed25519(1));

  @FuzzTest(maxDuration = "2m")
  void verify_anyText_answersWithoutAcceptingForgeries(FuzzedDataProvider data) {
    String path = "/" + data.consumeString(20);
    String ip = data.consumeBoolean() ? null : data.consumeString(20);
    String token = data.consumeRemainingAsString();

    ParsedToken parsed = ParsedToken.parse(token);
    if (parsed != null) {
      assertThat(token).startsWith(parsed.signedFields());
      assertThat(parsed.expires()).isNotNegative();
      assertThat(parsed.startTime()).isNotNegative();
    }
    Verdict verdict = verifier.verify(token, path, ip);
    assertThat(verdict).isNotNull();
    assertThat(verdict.accepted()).as("a token no key signed: %s", token).isFalse();
  }

  @FuzzTest(maxDuration = "2m")
  void verify_editedMintedToken_acceptedOnlyWhenTheSignedFieldsAreUnchanged(FuzzedDataProvider data) {
    boolean useEd25519 = data.consumeBoolean();
    String acl = "/" + data.consumeAsciiString(12).replace("~", "").replace("!", "") + "*";
    TokenClaims.Builder claims = TokenClaims.acl(acl).expires(NOW + data.consumeLong(1, 86_400));
    if (data.consumeBoolean()) {
      claims.startTime(NOW - data.consumeLong(0, 3_600));
    }
    TokenClaims minted;
    try {
      minted = claims.build();
    } catch (IllegalArgumentException refused) {
      return; // claims the signer refuses to mint, such as a control character in the ACL
    }
    String token = useEd25519 ? ed25519.sign(minted) : ring.signer().build().sign(minted);
    String path = acl.substring(0, acl.length() - 1);
    assertThat(verifier.verify(token, path, null).accepted()).as("minted %s", token).isTrue();

    StringBuilder edited = new StringBuilder(token);
    for (int i = data.consumeInt(1, 4); i > 0 && data.remainingBytes() > 0; i--) {
      int at = data.consumeInt(0, edited.length());
      switch (data.consumeInt(0, 2)) {
        case 0 -> edited.insert(at, data.consumeChar());
        case 1 -> { if (at < edited.length()) edited.deleteCharAt(at); }
        default -> { if (at < edited.length()) edited.setCharAt(at, data.consumeChar()); }
      }
    }
    String tampered = edited.toString();
    Verdict verdict = verifier.verify(tampered, path, null);
    if (verdict.accepted()) {
      assertThat(signedPart(tampered)).as("accepted %s edited from %s", tampered, token).isEqualTo(signedPart(token));
    }
  }

  private static String signedPart(String token) {
    List<String> parts = new ArrayList<>(List.of(token.split("~(hmac|sig)=", 2)));
    return parts.get(0);
  }
}
