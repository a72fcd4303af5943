package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import media.edge.config.TokenConfig;
import media.edge.config.TokenKey;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inline keys and a key file together: both verify, the file's first key signs, reloads keep the inline keys. */
class TokenKeysTest {
  private static final String INLINE = "11".repeat(32);
  private static final String FILE_A = "22".repeat(32);
  private static final String FILE_B = "33".repeat(32);

  @TempDir Path dir;

  private TokenConfig config(Path keysFile) {
    return new TokenConfig(true, "hdnts", "sha256", List.of(TokenKey.hmac("inline", INLINE)), keysFile, "",
        Duration.ZERO, List.of("query"), List.of(), false);
  }

  private static String token(String hex) {
    return EdgeAuthSigner.builder().keyHex(hex).build()
        .sign(TokenClaims.acl("/*").expires(Instant.now().plusSeconds(600)).build());
  }

  private Path keyFile(String id, String hex) throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(file, "keys:\n  - id: " + id + "\n    hmac: \"" + hex + "\"\n");
    return file;
  }

  @Test
  void fileAndInlineKeys_bothVerify_andTheFileSigns() throws Exception {
    try (TokenKeys keys = TokenKeys.open(config(keyFile("a", FILE_A)), Clock.systemUTC(), null)) {
      assertThat(keys.verifier().verify(token(FILE_A), "/x.ts", "127.0.0.1").accepted()).isTrue();
      assertThat(keys.verifier().verify(token(INLINE), "/x.ts", "127.0.0.1").accepted()).isTrue();
      assertThat(keys.ring().primaryHmacKeyId()).contains("a");
    }
  }

  @Test
  void reload_swapsTheFileKeysAndKeepsTheInlineOnes() throws Exception {
    try (TokenKeys keys = TokenKeys.open(config(keyFile("a", FILE_A)), Clock.systemUTC(), null)) {
      keyFile("b", FILE_B);
      keys.reload();

      assertThat(keys.verifier().verify(token(FILE_B), "/x.ts", "127.0.0.1").accepted()).isTrue();
      assertThat(keys.verifier().verify(token(FILE_A), "/x.ts", "127.0.0.1").accepted()).isFalse();
      assertThat(keys.verifier().verify(token(INLINE), "/x.ts", "127.0.0.1").accepted()).isTrue();
    }
  }

  @Test
  void fileReusingAnInlineId_failsStartUpNamingTheKey() throws Exception {
    Path file = keyFile("inline", FILE_A);

    assertThatThrownBy(() -> TokenKeys.open(config(file), Clock.systemUTC(), null))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("tokens.keys-file")
        .hasMessageContaining("inline")
        .hasMessageNotContaining(FILE_A);
  }
}
