package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the parser takes apart, and every shape it refuses (null, never an exception). */
class ParsedTokenTest {

  private static final String HMAC = "~hmac=00ff";

  @Test
  void parse_generatorOrder_readsEveryField() {
    ParsedToken token = ParsedToken.parse("ip=192.0.2.1~st=100~exp=200~acl=/a/*!/b/*~id=s1~data=d=1" + HMAC);

    assertThat(token).isNotNull();
    assertThat(token.kind()).isEqualTo(ParsedToken.Kind.HMAC);
    assertThat(token.ip()).isEqualTo("192.0.2.1");
    assertThat(token.startTime()).isEqualTo(100);
    assertThat(token.expires()).isEqualTo(200);
    assertThat(token.acls()).containsExactly("/a/*", "/b/*");
    assertThat(token.urlMode()).isFalse();
    assertThat(token.signedFields()).isEqualTo("ip=192.0.2.1~st=100~exp=200~acl=/a/*!/b/*~id=s1~data=d=1");
    assertThat(token.signature()).containsExactly(0x00, 0xff);
  }

  @Test
  void parse_fieldsInAnotherOrder_signedFieldsAreTheTextAsReceived() {
    ParsedToken token = ParsedToken.parse("acl=/a/*~exp=200~ip=192.0.2.1" + HMAC);

    assertThat(token).isNotNull();
    assertThat(token.signedFields()).isEqualTo("acl=/a/*~exp=200~ip=192.0.2.1");
  }

  @Test
  void parse_noAcl_isUrlMode() {
    ParsedToken token = ParsedToken.parse("exp=200" + HMAC);

    assertThat(token.urlMode()).isTrue();
    assertThat(token.acls()).isEmpty();
  }

  @Test
  void parse_emptyIdAndData_areAllowed() {
    assertThat(ParsedToken.parse("exp=200~id=~data=" + HMAC)).isNotNull();
  }

  @Test
  void parse_ed25519_readsKeyIdAndSignature() {
    String sig = "A".repeat(85) + "A"; // 86 chars = 64 bytes of zeros
    ParsedToken token = ParsedToken.parse("exp=200~acl=/*~kid=e1~sig=" + sig);

    assertThat(token.kind()).isEqualTo(ParsedToken.Kind.ED25519);
    assertThat(token.keyId()).isEqualTo("e1");
    assertThat(token.signedFields()).isEqualTo("exp=200~acl=/*~kid=e1");
    assertThat(token.signature()).hasSize(64);
  }

  @Test
  void parse_undecodableHmac_isWellFormedWithoutSignature() {
    assertThat(ParsedToken.parse("exp=200~hmac=zz").signature()).isNull();
    assertThat(ParsedToken.parse("exp=200~hmac=abc").signature()).isNull();
    assertThat(ParsedToken.parse("exp=200~hmac=").signature()).isNull();
  }

  @Test
  void parse_upperCaseHmac_isWellFormedWithoutSignature() {
    assertThat(ParsedToken.parse("exp=200~hmac=abcdef").signature()).containsExactly(0xab, 0xcd, 0xef);
    assertThat(ParsedToken.parse("exp=200~hmac=ABCDEF").signature()).isNull();
  }

  @Test
  void parse_nonCanonicalOrWrongLengthSig_isWellFormedWithoutSignature() {
    assertThat(ParsedToken.parse("exp=200~kid=e1~sig=" + "A".repeat(85) + "B").signature()).isNull(); // stray low bits
    assertThat(ParsedToken.parse("exp=200~kid=e1~sig=" + "A".repeat(86) + "==").signature()).isNull(); // padding
    assertThat(ParsedToken.parse("exp=200~kid=e1~sig=AAAA").signature()).isNull(); // 3 bytes
    assertThat(ParsedToken.parse("exp=200~kid=e1~sig=" + "A".repeat(85) + "+").signature()).isNull(); // not url-safe
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "exp=200",                                  // no signature
      "hmac=00ff",                                // nothing signed
      "acl=/*" + HMAC,                            // no exp
      "exp=200~exp=300" + HMAC,                   // exp twice
      "exp=200~acl=/a~acl=/b" + HMAC,             // acl twice
      "exp=200~id=a~id=b" + HMAC,                 // id twice
      "exp=200~url=/a" + HMAC,                    // url is appended by the verifier, never carried
      "exp=200~salt=x" + HMAC,                    // so is salt
      "exp=200~foo=bar" + HMAC,                   // unknown field
      "exp=200~hmac=00~acl=/*",                   // signature not last
      "exp=200~hmac=00~hmac=00",                  // two signatures
      "exp=200~kid=e1" + HMAC,                    // kid belongs to Ed25519 tokens
      "exp=200~sig=AAAA",                         // Ed25519 without kid
      "exp=200~acl=" + HMAC,                      // empty acl
      "exp=200~acl=/a!!/b" + HMAC,                // empty ACL between delimiters
      "exp=200~acl=/a!" + HMAC,                   // trailing empty ACL
      "exp=200~ip=" + HMAC,                       // empty ip
      "exp=~acl=/*" + HMAC,                       // empty exp
      "exp=-1~acl=/*" + HMAC,                     // signed exp
      "exp=0~acl=/*" + HMAC,                      // zero exp
      "exp=+200" + HMAC,                          // plus sign
      "exp=1234567890123" + HMAC,                 // 13 digits
      "exp=２００" + HMAC,                         // non-ASCII digits
      "st=x~exp=200" + HMAC,                      // bad st
      "exp=200~~acl=/*" + HMAC,                   // empty field
      "exp=200~acl" + HMAC,                       // field without '='
      "exp=200~=x" + HMAC,                        // empty name
      "~exp=200" + HMAC,                          // leading delimiter
      "exp=200" + HMAC + "~",                     // trailing delimiter
      "EXP=200" + HMAC,                           // names are case-sensitive
  })
  void parse_malformed_returnsNull(String token) {
    assertThat(ParsedToken.parse(token)).isNull();
  }

  @Test
  void parse_null_returnsNull() {
    assertThat(ParsedToken.parse(null)).isNull();
  }

  @Test
  void parse_longerThanLimit_returnsNull() {
    String prefix = "exp=200~data=";
    String token = prefix + "x".repeat(TokenFormat.MAX_TOKEN_CHARS - prefix.length() - HMAC.length() + 1) + HMAC;
    assertThat(token).hasSize(TokenFormat.MAX_TOKEN_CHARS + 1);
    assertThat(ParsedToken.parse(token)).isNull();
    assertThat(ParsedToken.parse(prefix + "x".repeat(100) + HMAC)).isNotNull();
  }

  @Test
  void parse_atLimit_isAccepted() {
    String prefix = "exp=200~data=";
    String token = prefix + "x".repeat(TokenFormat.MAX_TOKEN_CHARS - prefix.length() - HMAC.length()) + HMAC;
    assertThat(token).hasSize(TokenFormat.MAX_TOKEN_CHARS);
    assertThat(ParsedToken.parse(token)).isNotNull();
  }

  @Test
  void toString_showsNoFieldValues() {
    ParsedToken token = ParsedToken.parse("ip=192.0.2.1~exp=200~acl=/secret/path/*~id=viewer" + HMAC);
    assertThat(token.toString()).doesNotContain("192.0.2.1", "/secret", "viewer", "00ff");
  }

  @Test
  void acls_areImmutable() {
    List<String> acls = ParsedToken.parse("exp=200~acl=/a!/b" + HMAC).acls();
    assertThatThrownBy(() -> acls.add("/c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
