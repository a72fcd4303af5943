package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML key file: every form it takes, and refusals whose messages never carry key material. */
class KeyFileTest {

  private static final String PUBLIC_PEM = TestKeys.resource("openssl-ed25519.pub.pem");

  @TempDir Path folder;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(folder.resolve(name), text);
  }

  @Test
  void load_hmacAndEd25519Keys_inFileOrder() throws Exception {
    write("e1.pub.pem", PUBLIC_PEM);
    Path file = write("keys.yaml", """
        keys:
          - id: k2
            hmac: "%s"
          - id: k1
            secret: "%s"
          - id: e1
            ed25519-public: e1.pub.pem
          - id: e2
            ed25519-public: |
        %s
        """.formatted(TestKeys.HMAC_2, TestKeys.HMAC_1, PUBLIC_PEM.indent(6).stripTrailing()));

    KeyRing ring = KeyRing.load(file);

    assertThat(ring.hmacKeyIds()).containsExactly("k2", "k1");
    assertThat(ring.primaryHmacKeyId()).contains("k2");
    assertThat(ring.ed25519KeyIds()).containsExactly("e1", "e2");
  }

  @Test
  void load_absolutePemPath_isRead() throws Exception {
    Path pem = write("elsewhere.pem", PUBLIC_PEM);
    Path file = write("keys.yaml", "keys:\n  - id: e1\n    ed25519-public: " + pem.toAbsolutePath() + "\n");

    assertThat(KeyRing.load(file).ed25519KeyIds()).containsExactly("e1");
  }

  @Test
  void load_configFieldNames_secretAndPublicKey_areAccepted() throws Exception {
    Path pem = write("e9.pem", PUBLIC_PEM);
    Path file = write("keys.yaml", "keys:\n  - id: k9\n    secret: \"" + "ab".repeat(32) + "\"\n"
        + "  - id: e9\n    public-key: " + pem.toAbsolutePath() + "\n");

    KeyRing ring = KeyRing.load(file);

    assertThat(ring.hmacKeyIds()).containsExactly("k9");
    assertThat(ring.ed25519KeyIds()).containsExactly("e9");
  }

  @Test
  void load_missingFile_namesIt() {
    Path missing = folder.resolve("nope.yaml");
    assertThatThrownBy(() -> KeyRing.load(missing))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("nope.yaml")
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void load_missingPem_namesTheEntry() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: e1\n    ed25519-public: gone.pem\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("keys[0].ed25519-public").hasMessageContaining("gone.pem");
  }

  @Test
  void load_badHexSecret_refusedWithoutEchoingIt() throws Exception {
    String secret = "52a152a152a152a152a152a152a152aZ";
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmac: \"" + secret + "\"\n");

    assertThatThrownBy(() -> KeyRing.load(file))
        .hasMessageContaining("keys[0]")
        .hasMessageContaining("not hex")
        .hasMessageNotContaining("52a1");
  }

  @Test
  void load_unquotedNumericSecret_refused() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmac: 1234567890123456\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("not a string").hasMessageNotContaining("1234567890");
  }

  @Test
  void load_yamlSyntaxErrorOnASecretLine_reportsPositionNotText() throws Exception {
    String secret = "52a152a152a152a152a152a152a152a1";
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmac: \"" + secret + "\n  - : [\n");

    assertThatThrownBy(() -> KeyRing.load(file))
        .hasMessageContaining("malformed YAML")
        .hasMessageContaining("line")
        .hasMessageNotContaining("52a1");
  }

  @Test
  void load_misindentedSecretAsFieldName_isNotEchoed() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    " + TestKeys.HMAC_1 + ": x\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("unknown field").hasMessageNotContaining("52a1");
  }

  @Test
  void load_entryWithTwoKeys_refused() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmac: \"" + TestKeys.HMAC_1 + "\"\n    secret: \""
        + TestKeys.HMAC_2 + "\"\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("more than one key");
  }

  @Test
  void load_entryWithoutKey_refused() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("no key");
  }

  @Test
  void load_unknownField_refused() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmca: \"" + TestKeys.HMAC_1 + "\"\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("keys[0].hmca: unknown field");
  }

  @Test
  void load_privateKeyWhereAPublicOneBelongs_refused() throws Exception {
    write("e1.pem", TestKeys.resource("openssl-ed25519.key.pem"));
    Path file = write("keys.yaml", "keys:\n  - id: e1\n    ed25519-public: e1.pem\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("not an Ed25519 public key").hasMessageNotContaining("MC4C");
  }

  @Test
  void load_duplicateIds_refused() throws Exception {
    Path file = write("keys.yaml", "keys:\n  - id: k1\n    hmac: \"" + TestKeys.HMAC_1 + "\"\n  - id: k1\n    hmac: \""
        + TestKeys.HMAC_2 + "\"\n");
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("keys[1]").hasMessageContaining("unique");
  }

  @Test
  void load_emptyOrShapelessFiles_refused() throws Exception {
    assertThatThrownBy(() -> KeyRing.load(write("a.yaml", ""))).hasMessageContaining("no keys");
    assertThatThrownBy(() -> KeyRing.load(write("b.yaml", "keys: []\n"))).hasMessageContaining("at least one entry");
    assertThatThrownBy(() -> KeyRing.load(write("c.yaml", "keys: x\n"))).hasMessageContaining("not a list");
    assertThatThrownBy(() -> KeyRing.load(write("d.yaml", "keys:\n  - k1\n"))).hasMessageContaining("not a mapping");
    assertThatThrownBy(() -> KeyRing.load(write("e.yaml", "keys:\n  - id: k1\n    hmac: \"" + TestKeys.HMAC_1
        + "\"\nextra: 1\n"))).hasMessageContaining("extra: unknown key");
  }

  @Test
  void load_notUtf8_refused() throws Exception {
    Path file = Files.write(folder.resolve("k.yaml"), new byte[] {'k', 'e', 'y', 's', ':', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("not UTF-8");
  }

  @Test
  void load_overSizeLimit_refused() throws Exception {
    Path file = write("big.yaml", "#".repeat(KeyFile.MAX_FILE_BYTES + 1));
    assertThatThrownBy(() -> KeyRing.load(file)).hasMessageContaining("over");
  }

  @Test
  void load_aliasBomb_refused() throws Exception {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'l'; c++) {
      char p = (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
          .append(p).append(", *").append(p).append("]\n");
    }
    Path file = write("bomb.yaml", yaml + "keys: [*l]\n");
    assertThatThrownBy(() -> KeyRing.load(file)).isInstanceOf(KeyFileException.class);
  }

  @Test
  void fromYaml_resolvesRelativePemAgainstGivenFolder() throws Exception {
    write("e1.pub.pem", PUBLIC_PEM);
    KeyRing ring = KeyRing.fromYaml("keys:\n  - id: e1\n    ed25519-public: e1.pub.pem\n", folder);
    assertThat(ring.ed25519KeyIds()).containsExactly("e1");
  }
}
