package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import media.edge.testing.TestClock;
import media.edge.token.TokenVerifier.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties over generated inputs: the parser and the verifier answer every string or byte
 * sequence without throwing; whatever the signers mint, the verifier accepts as minted; changing any
 * one character of a minted token gets it refused; the ACL matcher agrees with a regex reference.
 */
class TokenPropertiesTest {

  private static final long NOW = 1_767_225_600L;

  private final KeyRing ring = KeyRing.builder()
      .hmacHex("k1", TestKeys.HMAC_1)
      .hmacHex("k2", TestKeys.HMAC_2)
      .ed25519("e1", TestKeys.ed25519Public(1))
      .build();
  private final TokenVerifier verifier = TokenVerifier.builder(() -> ring).clock(TestClock.at(Instant.ofEpochSecond(NOW))).build();
  private final Ed25519TokenSigner ed25519 = Ed25519TokenSigner.of("e1", TestKeys.ed25519(1));

  // ---- no input makes anything throw --------------------------------------------------------

  /** Strings made of token syntax, so that generation reaches deep into the parser. */
  @Provide
  Arbitrary<String> tokenish() {
    Arbitrary<String> pieces = Arbitraries.of(
        "exp=", "st=", "acl=", "ip=", "id=", "data=", "kid=", "hmac=", "sig=", "url=", "~", "!", "=", "*", "?", "/",
        "1767229200", "0", "-1", "e1", "k1", "/vod/*", "ab", "AAAA", "%", "\u0000", "\uD800", "é", " ");
    return pieces.list().ofMaxSize(30).map(list -> String.join("", list));
  }

  @Property
  void parse_anyString_neverThrows(@ForAll String text) {
    ParsedToken.parse(text);
  }

  @Property
  void parse_tokenishString_neverThrows(@ForAll("tokenish") String text) {
    ParsedToken.parse(text);
  }

  @Property
  void verify_anyStrings_neverThrowAndAlwaysAnswer(
      @ForAll("tokenish") String token, @ForAll String path, @ForAll String clientIp) {
    Verdict verdict = verifier.verify(token, path, clientIp);
    assertThat(verdict).isNotNull();
    assertThat(verdict.accepted()).isFalse();
  }

  @Property
  void verify_anyBytes_neverThrow(@ForAll @Size(max = 600) byte[] bytes, @ForAll @Size(max = 64) byte[] ip) {
    for (String token : List.of(new String(bytes, StandardCharsets.UTF_8), new String(bytes, StandardCharsets.ISO_8859_1))) {
      Verdict verdict = verifier.verify(token, "/vod/a.ts", new String(ip, StandardCharsets.ISO_8859_1));
      assertThat(verdict.accepted()).isFalse();
    }
  }

  @Property(tries = 200)
  void verify_forgedValidLookingToken_neverAccepted(@ForAll("tokenish") String fields, @ForAll @Size(32) byte[] mac) {
    String token = fields + "~hmac=" + HexFormat.of().formatHex(mac);
    assertThat(verifier.verify(token, "/vod/a.ts", null).accepted()).isFalse();
  }

  // ---- what is minted verifies as minted ----------------------------------------------------

  /** A field value the format can carry: anything but the field delimiter, not empty. */
  @Provide
  Arbitrary<String> fieldValue() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).filter(s -> s.indexOf('~') < 0);
  }

  @Provide
  Arbitrary<String> aclPattern() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).filter(s -> s.indexOf('~') < 0 && s.indexOf('!') < 0);
  }

  @Provide
  Arbitrary<TokenClaims> claims() {
    Arbitrary<List<String>> acls = aclPattern().list().ofMinSize(1).ofMaxSize(4);
    Arbitrary<Long> expires = Arbitraries.longs().between(NOW + 1, TokenFormat.MAX_EPOCH_SECONDS);
    Arbitrary<Long> start = Arbitraries.longs().between(1, NOW).injectNull(0.5);
    Arbitrary<String> optional = fieldValue().injectNull(0.5);
    return Combinators.combine(acls, expires, start, optional, optional, optional)
        .as((aclList, exp, st, ip, id, data) -> {
          TokenClaims.Builder builder = TokenClaims.acl(aclList).expires(exp);
          if (st != null) {
            builder.startTime(st);
          }
          if (ip != null) {
            builder.ip(ip);
          }
          if (id != null) {
            builder.id(id);
          }
          if (data != null) {
            builder.data(data);
          }
          return builder.build();
        });
  }

  /** A path that the claims' first ACL matches: each '*' matching nothing, each '?' one 'x'. */
  private static String pathFor(TokenClaims claims) {
    return claims.acls().get(0).replace("*", "").replace('?', 'x');
  }

  @Property(tries = 300)
  void signThenVerify_edgeAuth_roundTrips(
      @ForAll("claims") TokenClaims claims, @ForAll TokenAlgorithm algorithm, @ForAll("fieldValue") String salt,
      @ForAll boolean salted) {
    String saltOrNull = salted ? salt : null;
    String token = EdgeAuthSigner.builder().keyHex(TestKeys.HMAC_2).algorithm(algorithm).salt(saltOrNull).build()
        .sign(claims);
    TokenVerifier verifier = TokenVerifier.builder(() -> ring).algorithm(algorithm).salt(saltOrNull)
        .clock(TestClock.at(Instant.ofEpochSecond(NOW))).build();

    Verdict verdict = verifier.verify(token, pathFor(claims), claims.ip().orElse(null));

    assertThat(verdict.rejection()).isNull();
    assertThat(verdict.expiresEpochSeconds()).isEqualTo(claims.expires());
    assertThat(verdict.acls()).isEqualTo(claims.acls());
  }

  @Property(tries = 200)
  void signThenVerify_ed25519_roundTrips(@ForAll("claims") TokenClaims claims) {
    String token = ed25519.sign(claims);

    Verdict verdict = verifier.verify(token, pathFor(claims), claims.ip().orElse(null));

    assertThat(verdict.rejection()).isNull();
    assertThat(verdict.acls()).isEqualTo(claims.acls());
  }

  @Property(tries = 200)
  void signThenVerify_urlMode_roundTripsForThatPathOnly(@ForAll("fieldValue") String url, @ForAll boolean useEd25519) {
    TokenClaims claims = TokenClaims.url(url).expires(NOW + 60).build();
    String token = useEd25519 ? ed25519.sign(claims) : ring.signer().build().sign(claims);

    assertThat(verifier.verify(token, url, null).rejection()).isNull();
    assertThat(verifier.verify(token, url + "x", null).rejection()).isEqualTo(TokenRejection.BAD_SIGNATURE);
  }

  // ---- any one-character change is refused --------------------------------------------------

  @Property(tries = 500)
  void verify_anySingleCharacterChanged_isRefused(
      @ForAll("claims") TokenClaims claims, @ForAll boolean useEd25519, @ForAll @IntRange(max = 10_000) int where,
      @ForAll char replacement) {
    String token = useEd25519 ? ed25519.sign(claims) : ring.signer().build().sign(claims);
    int i = where % token.length();
    if (token.charAt(i) == replacement) {
      return;
    }
    String tampered = token.substring(0, i) + replacement + token.substring(i + 1);

    assertThat(verifier.verify(tampered, pathFor(claims), claims.ip().orElse(null)).accepted())
        .as("changed index %d of %s", i, token).isFalse();
  }

  // ---- ACL matcher against a reference ------------------------------------------------------

  @Provide
  Arbitrary<String> smallPattern() {
    return Arbitraries.strings().withChars('a', 'b', '/', '*', '?').ofMaxLength(8);
  }

  @Provide
  Arbitrary<String> smallPath() {
    return Arbitraries.strings().withChars('a', 'b', '/').ofMaxLength(10);
  }

  @Property(tries = 2000)
  void aclMatcher_agreesWithRegexReference(@ForAll("smallPattern") String pattern, @ForAll("smallPath") String path) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    boolean expected = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(path).matches();

    assertThat(AclMatcher.matches(pattern, path)).isEqualTo(expected);
  }
}
