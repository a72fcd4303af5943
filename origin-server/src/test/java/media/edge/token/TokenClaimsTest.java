package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Claims that would not parse back are refused when built; signers never show their keys. */
class TokenClaimsTest {

  @Test
  void build_withoutExpiry_fails() {
    assertThatThrownBy(() -> TokenClaims.acl("/*").build()).hasMessageContaining("exp");
  }

  @Test
  void build_startNotBeforeExpiry_fails() {
    assertThatThrownBy(() -> TokenClaims.acl("/*").startTime(200).expires(200).build()).hasMessageContaining("st");
  }

  @Test
  void fieldContainingDelimiter_fails() {
    assertThatThrownBy(() -> TokenClaims.acl("/a~b")).hasMessageContaining("'~'");
    assertThatThrownBy(() -> TokenClaims.acl("/*").data("x~y")).hasMessageContaining("'~'");
    assertThatThrownBy(() -> TokenClaims.acl("/*").id("x~y")).hasMessageContaining("'~'");
    assertThatThrownBy(() -> TokenClaims.acl("/*").ip("1~2")).hasMessageContaining("'~'");
  }

  @Test
  void aclContainingAclDelimiter_fails() {
    assertThatThrownBy(() -> TokenClaims.acl("/a!b")).hasMessageContaining("'!'");
  }

  @Test
  void emptyValues_fail() {
    assertThatThrownBy(() -> TokenClaims.acl(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> TokenClaims.acl("")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> TokenClaims.url("")).hasMessageContaining("url");
    assertThatThrownBy(() -> TokenClaims.acl("/*").data("")).hasMessageContaining("non-empty");
  }

  @Test
  void url_mayContainDelimiters_sinceItIsSignedButNotCarried() {
    TokenClaims claims = TokenClaims.url("/a~b!c").expires(100).build();
    assertThat(claims.url()).contains("/a~b!c");
    assertThat(claims.acls()).isEmpty();
  }

  @Test
  void accessors_reportWhatWasSet() {
    TokenClaims claims = TokenClaims.acl("/a/*", "/b/*").expires(200).startTime(100).ip("192.0.2.1").id("s").data("d")
        .build();
    assertThat(claims.acls()).containsExactly("/a/*", "/b/*");
    assertThat(claims.expires()).isEqualTo(200);
    assertThat(claims.startTime()).hasValue(100);
    assertThat(claims.ip()).contains("192.0.2.1");
    assertThat(claims.id()).contains("s");
    assertThat(claims.data()).contains("d");
    assertThat(claims.toString()).doesNotContain("/a/*", "192.0.2.1");
  }

  @Test
  void edgeAuthSigner_withoutKey_failsAndNeverShowsItsKey() {
    assertThatThrownBy(() -> EdgeAuthSigner.builder().build()).hasMessageContaining("key");
    EdgeAuthSigner signer = EdgeAuthSigner.builder().keyHex(TestKeys.HMAC_1).salt("pepper").build();
    assertThat(signer.toString()).isEqualTo("EdgeAuthSigner[sha256, salted]");
  }

  @Test
  void tokenAlgorithm_fromName_isCaseInsensitive() {
    assertThat(TokenAlgorithm.fromName("SHA256")).contains(TokenAlgorithm.SHA256);
    assertThat(TokenAlgorithm.fromName("md5")).contains(TokenAlgorithm.MD5);
    assertThat(TokenAlgorithm.fromName("sha512")).isEmpty();
    assertThat(TokenAlgorithm.fromName(null)).isEmpty();
    assertThat(TokenAlgorithm.SHA1.macName()).isEqualTo("HmacSHA1");
  }
}
