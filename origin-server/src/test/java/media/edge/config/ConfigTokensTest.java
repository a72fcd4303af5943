package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signed-URL settings of issue 3 ({@code tokens.*}, {@code server.trusted-proxies}): their forms, the
 * key list in YAML and as {@code id:hexsecret} entries, the rule that required tokens need a key, and
 * that no message ever shows a key secret or the salt.
 */
class ConfigTokensTest {

  /** Every secret below contains this, so "the secret is not in the message" is one assertion. */
  private static final String MARK = "5ec12e7";
  // Literals, not repeat(): annotation arguments below are built from them.
  private static final String SECRET = MARK + "0" + "abababababababababababababababababababababababababababab"; // 64
  private static final String SECRET2 = MARK + "1" + "cdcdcdcdcdcdcdcdcdcdcdcd"; // 32 hex digits

  private static final String KEYS_EXPECTED = "a list of keys, each a map of id and either secret (hex) or"
      + " public-key (a PEM file); id:hexsecret entries, comma-separated outside YAML";
  private static final String ITEM_EXPECTED = "a map of id and either secret or public-key";
  private static final String ENTRY_EXPECTED = "an entry id:hexsecret";
  private static final String ID_EXPECTED = "a key id of 1-64 letters, digits, '_', '.' or '-'";
  private static final String SECRET_EXPECTED =
      "an HMAC key as an even number of hex digits, 16-128 of them (64 recommended)";
  private static final String ONE_OF_EXPECTED = "exactly one of secret or public-key";
  private static final String NEEDS_A_KEY =
      "<redacted> (expected: at least one key, or tokens.keys-file, when tokens.required is true)";
  private static final String PROXIES_EXPECTED =
      "a list of IP addresses or CIDR blocks such as 10.0.0.0/8, 192.168.1.7 or fd00::/8"
          + " (IPv4 or IPv6, no host bits set after the /, ::ffff:a.b.c.d written as a.b.c.d;"
          + " comma-separated outside YAML)";
  private static final String SOURCES_EXPECTED = "a non-empty list of query, cookie, header, each at most once,"
      + " in the order to look (comma-separated outside YAML)";
  private static final String PREFIXES_EXPECTED = "a list of path prefixes such as /public/, each starting with /"
      + " (printable ASCII without spaces, ? or #, no . or .. segment; comma-separated outside YAML)";

  private static final String NAME_OF_65 = "x" + "0123456789012345678901234567890123456789012345678901234567890123";

  @TempDir Path dir;
  private Path library;
  private Path yaml;
  private Path publicKey;

  @BeforeEach
  void createFiles() throws IOException {
    library = Files.createDirectory(dir.resolve("library"));
    yaml = dir.resolve("edge.yaml");
    // The loader checks only that the file is there; the token package parses it.
    publicKey = Files.writeString(dir.resolve("e1.pub.pem"), "-----BEGIN PUBLIC KEY-----\n");
  }

  // ---- defaults and the rule across keys ----------------------------------------------------------

  @Test
  void defaults_tokensAndTrustedProxies_haveDocumentedValues() {
    EdgeConfig c = ConfigLoader.defaults();

    assertThat(c.tokens()).isEqualTo(new TokenConfig(true, "hdnts", "sha256", List.of(), null, "",
        Duration.ofSeconds(5), List.of("query", "cookie", "header"), List.of(), false));
    assertThat(c.server().trustedProxies()).isEmpty();
  }

  @Test
  void envName_ofTokenKeys_isTheDocumentedOne() {
    assertThat(Settings.envName("tokens.required")).isEqualTo("EDGE_TOKENS_REQUIRED");
    assertThat(Settings.envName("tokens.keys")).isEqualTo("EDGE_TOKENS_KEYS");
    assertThat(Settings.envName("tokens.keys-file")).isEqualTo("EDGE_TOKENS_KEYS_FILE");
    assertThat(Settings.envName("server.trusted-proxies")).isEqualTo("EDGE_SERVER_TRUSTED_PROXIES");
  }

  @Test
  void load_tokensRequiredByDefaultWithoutAKey_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), libraryOnly()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("default tokens.keys: " + NEEDS_A_KEY)
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("tokens.keys"));
  }

  @Test
  void load_emptyKeyListInYamlWhileRequired_blamesTheFile() throws IOException {
    Files.writeString(yaml, "tokens:\n  required: true\n  keys: []\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), libraryOnly()))
        .hasMessage(yaml + ":3:9 tokens.keys: " + NEEDS_A_KEY);
  }

  @Test
  void load_tokensRequiredWithAnInlineKey_isAccepted() throws Exception {
    EdgeConfig c = ConfigLoader.load(null, Map.of("EDGE_TOKENS_KEYS", "k1:" + SECRET), libraryOnly());

    assertThat(c.tokens().required()).isTrue();
    assertThat(c.tokens().keys()).containsExactly(TokenKey.hmac("k1", SECRET));
  }

  @Test
  void load_tokensRequiredWithOnlyAKeysFile_isAccepted() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.yaml"), "");

    EdgeConfig c = ConfigLoader.load(null, Map.of("EDGE_TOKENS_KEYS_FILE", keys.toString()), libraryOnly());

    assertThat(c.tokens().keysFile()).isEqualTo(keys);
    assertThat(c.tokens().keys()).isEmpty();
  }

  @Test
  void load_tokensNotRequired_needsNoKey() throws Exception {
    EdgeConfig c = ConfigLoader.load(null, Map.of("EDGE_TOKENS_REQUIRED", "false"), libraryOnly());

    assertThat(c.tokens().required()).isFalse();
    assertThat(c.tokens().keys()).isEmpty();
    assertThat(c.tokens().keysFile()).isNull();
  }

  // ---- tokens.keys as id:hexsecret entries (environment, flags, YAML scalar) ----------------------

  @Test
  void load_keysFromEnvironment_areCommaSeparatedEntriesInOrder() throws Exception {
    EdgeConfig c = ConfigLoader.load(null, Map.of("EDGE_TOKENS_KEYS", "k1:" + SECRET + ", k.2_b-c:" + SECRET2),
        flags());

    assertThat(c.tokens().keys())
        .containsExactly(TokenKey.hmac("k1", SECRET), TokenKey.hmac("k.2_b-c", SECRET2))
        .allSatisfy(key -> assertThat(key.isHmac()).isTrue());
  }

  @Test
  void load_keysAsYamlScalar_areReadAsEntries() throws Exception {
    Files.writeString(yaml, "tokens:\n  keys: k1:" + SECRET + "\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).tokens().keys()).containsExactly(TokenKey.hmac("k1", SECRET));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0123456789abcdef", "0123456789ABCDEF", "0123456789aBcDeF0123456789aBcDeF"})
  void load_secretOfAtLeast16HexDigitsInEitherCase_isAccepted(String secret) throws Exception {
    assertThat(load("tokens.keys", "k1:" + secret).tokens().keys()).containsExactly(TokenKey.hmac("k1", secret));
  }

  @Test
  void load_secretOf128HexDigits_isAccepted() throws Exception {
    String secret = MARK + "0".repeat(121);

    assertThat(load("tokens.keys", "k1:" + secret).tokens().keys()).containsExactly(TokenKey.hmac("k1", secret));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    // entries                                      | part       | expected
    "k1" + MARK + "                                 | [0]        | " + ENTRY_EXPECTED,
    "k1:" + SECRET + ",,k2:" + SECRET2 + "          | [1]        | " + ENTRY_EXPECTED,
    ":" + SECRET + "                                | [0].id     | " + ID_EXPECTED,
    "k 1:" + SECRET + "                             | [0].id     | " + ID_EXPECTED,
    "k1:" + MARK + "                                | [0].secret | " + SECRET_EXPECTED,
    "k1:" + MARK + "0ab                             | [0].secret | " + SECRET_EXPECTED,
    "k1:" + MARK + "0abcdef                         | [0].secret | " + SECRET_EXPECTED,
    "k1:" + MARK + "zzzzzzzzzzzzzzzzzzzzzzzz0       | [0].secret | " + SECRET_EXPECTED,
    "k1:0x" + MARK + "0abcdefabcdefabcdef           | [0].secret | " + SECRET_EXPECTED,
    "k1:" + SECRET + ",k1:" + SECRET2 + "           | [1].id     | an id that no earlier key has",
  })
  void load_badKeyEntry_namesTheEntryAndFieldButNotTheSecret(String entries, String part, String expected) {
    assertThatThrownBy(() -> load("tokens.keys", entries))
        .hasMessage("command line tokens.keys" + part + ": <redacted> (expected: " + expected + ")")
        .hasMessageNotContaining(MARK)
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("tokens.keys" + part));
  }

  @Test
  void load_secretOver128HexDigits_fails() {
    assertThatThrownBy(() -> load("tokens.keys", "k1:" + MARK + "0".repeat(123)))
        .hasMessage("command line tokens.keys[0].secret: <redacted> (expected: " + SECRET_EXPECTED + ")");
  }

  @Test
  void load_idOf65Characters_fails() {
    assertThatThrownBy(() -> load("tokens.keys", "k".repeat(65) + ":" + SECRET))
        .hasMessage("command line tokens.keys[0].id: <redacted> (expected: " + ID_EXPECTED + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void load_blankKeysFromEnvironment_fails(String text) {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_TOKENS_KEYS", text), flags()))
        .hasMessage("EDGE_TOKENS_KEYS tokens.keys: <redacted> (expected: " + KEYS_EXPECTED + ")");
  }

  // ---- tokens.keys as a YAML list of maps -------------------------------------------------------

  @Test
  void load_yamlKeyList_readsHmacAndEd25519KeysInOrder() throws Exception {
    Files.writeString(yaml, """
        tokens:
          required: true
          keys:
            - id: k1
              secret: "%s"
            - id: e1
              public-key: %s
        """.formatted(SECRET, publicKey));

    EdgeConfig c = ConfigLoader.load(yaml, Map.of(), libraryOnly());

    assertThat(c.tokens().keys()).containsExactly(TokenKey.hmac("k1", SECRET), TokenKey.ed25519("e1", publicKey));
    assertThat(c.tokens().keys().get(1).isHmac()).isFalse();
  }

  @Test
  void load_emptyYamlKeyList_isNoKeys() throws Exception {
    Files.writeString(yaml, "tokens:\n  keys: []\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).tokens().keys()).isEmpty();
  }

  @Test
  void load_unknownFieldInAKey_namesItWithoutTheValue() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secert: \"" + SECRET + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].secert: unknown key (expected one of: id, secret, public-key)")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_secretWhereAFieldNameBelongs_isNotEchoed() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  " + SECRET + ": x"));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].<redacted>: unknown key (expected one of: id, secret, public-key)");
  }

  @Test
  void load_keyWithoutId_fails() throws IOException {
    Files.writeString(yaml, keyList("- secret: \"" + SECRET + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].id: missing (expected: " + ID_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_keyWithBadIdAndGoodSecret_showsNeither() throws IOException {
    Files.writeString(yaml, keyList("- id: \"k/1\"", "  secret: \"" + SECRET + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].id: <redacted> (expected: " + ID_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_keyWithSecretAndPublicKey_fails() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret: \"" + SECRET + "\"", "  public-key: " + publicKey));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0]: both secret and public-key (expected: " + ONE_OF_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_keyWithNeitherSecretNorPublicKey_fails() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "- id: k2"));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0]: neither secret nor public-key (expected: " + ONE_OF_EXPECTED + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {MARK, MARK + "0", MARK + "g" + "abababababababababababab",
      "\"" + MARK + "0 ab ab ab ab ab ab\"", "\"\""})
  void load_yamlSecretNotEvenHex_failsWithoutShowingIt(String secret) throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret: \"" + SECRET + "\"", "- id: k2", "  secret: " + secret));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[1].secret: <redacted> (expected: " + SECRET_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_yamlNullSecret_saysNull() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret: ~"));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].secret: null (expected: " + SECRET_EXPECTED + ")");
  }

  @Test
  void load_duplicateKeyIds_fail() throws IOException {
    Files.writeString(yaml, keyList(
        "- id: k1", "  secret: \"" + SECRET + "\"", "- id: k1", "  public-key: " + publicKey));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[1].id: <redacted> (expected: an id that no earlier key has)")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_fieldRepeatedInAKey_fails() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret: \"" + SECRET + "\"", "  secret: \"" + SECRET2 + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":5:7 tokens.keys[0].secret: duplicate key (expected: each key once)")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_mapInsideAKey_isShownAsAShape() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret:", "    hex: \"" + SECRET + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].secret: <map> (expected: " + SECRET_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_listInsideAKey_isShownAsAShape() throws IOException {
    Files.writeString(yaml, keyList("- id: [k1, k2]", "  secret: \"" + SECRET + "\""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].id: <list> (expected: " + ID_EXPECTED + ")");
  }

  @Test
  void load_stringItemInYamlKeyList_fails() throws IOException {
    Files.writeString(yaml, keyList("- k1:" + SECRET));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0]: <redacted> (expected: " + ITEM_EXPECTED + ")")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_listItemInYamlKeyList_fails() throws IOException {
    Files.writeString(yaml, keyList("- [k1, \"" + SECRET + "\"]"));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0]: <list> (expected: " + ITEM_EXPECTED + ")");
  }

  @Test
  void load_keysAsAMap_fails() throws IOException {
    Files.writeString(yaml, "tokens:\n  keys:\n    id: k1\n    secret: \"" + SECRET + "\"\n");

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys: <map> (expected: " + KEYS_EXPECTED + ")");
  }

  @Test
  void load_missingPublicKeyFile_failsWithoutShowingThePath() throws IOException {
    Path missing = dir.resolve("nope-" + MARK + ".pem");
    Files.writeString(yaml, keyList("- id: e1", "  public-key: " + missing));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].public-key: <redacted> (expected: an existing, readable PEM file)")
        .hasMessageNotContaining(MARK);
  }

  @Test
  void load_publicKeyThatIsADirectory_fails() throws IOException {
    Files.writeString(yaml, keyList("- id: k1", "  secret: \"" + SECRET + "\"", "- id: e1", "  public-key: " + dir));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[1].public-key: <redacted> (expected: an existing, readable PEM file)");
  }

  @Test
  void load_blankPublicKey_fails() throws IOException {
    Files.writeString(yaml, keyList("- id: e1", "  public-key: \" \""));

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":3:5 tokens.keys[0].public-key: <redacted>"
            + " (expected: a non-blank path to an Ed25519 public key PEM file)");
  }

  // ---- the other tokens.* keys --------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"hdnts", "__token__", "a-b_C9", "x"})
  void load_tokenName_acceptsLettersDigitsUnderscoreDash(String name) throws Exception {
    assertThat(load("tokens.name", name).tokens().name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "tok=en", "hdnts;", "t\u00f6ken", "a.b", NAME_OF_65})
  void load_tokenNameThatIsNotAToken_fails(String name) {
    assertThatThrownBy(() -> load("tokens.name", name))
        .hasMessage("command line tokens.name: \"" + name + "\""
            + " (expected: a name of 1-64 letters, digits, '_' or '-')");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sha256", "sha1", "md5"})
  void load_algorithm_acceptsTheThreeDigests(String algorithm) throws Exception {
    assertThat(load("tokens.algorithm", algorithm).tokens().algorithm()).isEqualTo(algorithm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA256", "sha512", "hmac-sha256", "sha-256", ""})
  void load_otherAlgorithm_fails(String algorithm) {
    assertThatThrownBy(() -> load("tokens.algorithm", algorithm))
        .hasMessage("command line tokens.algorithm: \"" + algorithm + "\" (expected: one of sha256, sha1, md5)");
  }

  @Test
  void load_keysFile_isAcceptedWhenItExists() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.yaml"), "");

    assertThat(load("tokens.keys-file", keys.toString()).tokens().keysFile()).isEqualTo(keys);
  }

  @Test
  void load_emptyKeysFile_meansNone() throws Exception {
    assertThat(load("tokens.keys-file", "").tokens().keysFile()).isNull();
  }

  @Test
  void load_yamlNullKeysFile_meansNone() throws Exception {
    Files.writeString(yaml, "tokens:\n  keys-file: ~\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).tokens().keysFile()).isNull();
  }

  @Test
  void load_missingKeysFile_fails() {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_TOKENS_KEYS_FILE", missing.toString()), flags()))
        .hasMessage("EDGE_TOKENS_KEYS_FILE tokens.keys-file: \"" + missing + "\""
            + " (expected: an existing, readable file)");
  }

  @Test
  void load_keysFileThatIsADirectory_fails() {
    assertThatThrownBy(() -> load("tokens.keys-file", dir.toString()))
        .hasMessage("command line tokens.keys-file: \"" + dir + "\" (expected: an existing, readable file)");
  }

  @Test
  void load_blankKeysFile_fails() {
    assertThatThrownBy(() -> load("tokens.keys-file", " "))
        .hasMessage("command line tokens.keys-file: \" \" (expected: a non-blank file path, or \"\" or null for none)");
  }

  @Test
  void load_salt_isKeptAndRedactedFromToString() throws Exception {
    TokenConfig tokens = load("tokens.salt", "pepper-" + MARK).tokens();

    assertThat(tokens.salt()).isEqualTo("pepper-" + MARK);
    assertThat(tokens.toString()).contains("salt=<redacted>").doesNotContain(MARK);
  }

  @ParameterizedTest
  @ValueSource(strings = {MARK + "\n", MARK + "\t", MARK + "\u00e9"})
  void load_saltNotPrintableAscii_failsWithoutShowingIt(String salt) {
    assertThatThrownBy(() -> load("tokens.salt", salt))
        .hasMessage("command line tokens.salt: <redacted> (expected: printable ASCII text, or \"\" for none)");
  }

  @Test
  void load_clockSkew_acceptsZeroAndRefusesNegative() throws Exception {
    assertThat(load("tokens.clock-skew", "0").tokens().clockSkew()).isZero();
    assertThatThrownBy(() -> load("tokens.clock-skew", "-1s"))
        .hasMessage("command line tokens.clock-skew: \"-1s\" (expected: a duration >= 0"
            + " such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds))");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"query | query", "header, query | header,query",
      "cookie,header,query | cookie,header,query"})
  void load_sources_keepTheirOrder(String text, String expected) throws Exception {
    assertThat(load("tokens.sources", text).tokens().sources()).containsExactly(expected.split(","));
  }

  @Test
  void load_sourcesFromYamlList_areRead() throws Exception {
    Files.writeString(yaml, "tokens:\n  sources: [cookie, query]\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).tokens().sources()).containsExactly("cookie", "query");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"query,query | query", "query,body | body", "Query | Query",
      "query,,cookie | ''", "'' | ''", "path | path"})
  void load_badSources_failNamingTheItem(String text, String culprit) {
    assertThatThrownBy(() -> load("tokens.sources", text))
        .hasMessage("command line tokens.sources: \"" + culprit + "\" (expected: " + SOURCES_EXPECTED + ")");
  }

  @Test
  void load_emptySourcesList_fails() throws IOException {
    Files.writeString(yaml, "tokens:\n  sources: []\n");

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":2:12 tokens.sources: [] (expected: " + SOURCES_EXPECTED + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/public/", "/", "/vod/trailer-", "/public/,/trailers/", "/a/b.c/%20x"})
  void load_exemptPrefixes_acceptPathPrefixes(String text) throws Exception {
    assertThat(load("tokens.exempt-prefixes", text).tokens().exemptPrefixes()).containsExactly(text.split(","));
  }

  @ParameterizedTest
  @ValueSource(strings = {"public/", "/a b", "/x?y", "/x#y", "/a/../b", "/./", "/..", "", "http://h/x",
      "/caf\u00e9"})
  void load_exemptPrefixThatIsNoPathPrefix_fails(String prefix) {
    assertThatThrownBy(() -> load("tokens.exempt-prefixes", "/ok/," + prefix))
        .hasMessage("command line tokens.exempt-prefixes: \"" + prefix + "\" (expected: " + PREFIXES_EXPECTED + ")");
  }

  @Test
  void load_emptyExemptPrefixList_isAccepted() throws Exception {
    Files.writeString(yaml, "tokens:\n  exempt-prefixes: []\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).tokens().exemptPrefixes()).isEmpty();
  }

  @Test
  void load_unknownTokensKey_listsTheTokensKeys() throws IOException {
    Files.writeString(yaml, "tokens:\n  requird: true\n");

    assertThatThrownBy(() -> loadYaml())
        .hasMessage(yaml + ":2:3 tokens.requird: unknown key (expected one of: required, name, algorithm, keys,"
            + " keys-file, salt, clock-skew, sources, exempt-prefixes, set-cookie)");
  }

  // ---- server.trusted-proxies ---------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8", "0.0.0.0/0", "::/0", "::",
      "192.168.1.7/32", "2001:db8::/32", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1::", "::10.0.0.1",
      "::fffe:10.0.0.0/104", "fe80::1:2/128", "10.0.0.0/8, 172.16.0.0/12, fd00::/8"})
  void load_trustedProxies_acceptAddressesAndBlocks(String text) throws Exception {
    assertThat(load("server.trusted-proxies", text).server().trustedProxies())
        .containsExactly(text.split(", "));
  }

  @Test
  void load_trustedProxiesFromYamlList_areRead() throws Exception {
    Files.writeString(yaml, "server:\n  trusted-proxies:\n    - 10.0.0.0/8\n    - fd00::/8\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), flags()).server().trustedProxies())
        .containsExactly("10.0.0.0/8", "fd00::/8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "300.1.1.1", "abc", "localhost", "10.0.0.1/8", "10.1", "010.0.0.1",
      "10.0.0.0/", "/8", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/8/8", "1.2.3.4.5", "::1/129", "fd00::/7x",
      "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":::", ":1::", "1:", "12345::", "[::1]", "fe80::1%eth0",
      "::10.0.0.1.2", "10.0.0.1::", "::ffff:10.0.0.1", "::ffff:10.0.0.0/104", "0:0:0:0:0:ffff:a00:1",
      " ", ""})
  void load_trustedProxyThatIsNoAddressOrBlock_failsNamingIt(String text) {
    assertThatThrownBy(() -> load("server.trusted-proxies", "10.0.0.0/8," + text))
        .hasMessage("command line server.trusted-proxies: \"" + text.trim() + "\""
            + " (expected: " + PROXIES_EXPECTED + ")");
  }

  @Test
  void load_blankTrustedProxies_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_SERVER_TRUSTED_PROXIES", ""), flags()))
        .hasMessage("EDGE_SERVER_TRUSTED_PROXIES server.trusted-proxies: \"\" (expected: " + PROXIES_EXPECTED + ")");
  }

  // ---- the records ----------------------------------------------------------------------------------

  @Test
  void tokenKey_toString_showsIdNotSecret() {
    assertThat(TokenKey.hmac("k1", SECRET).toString())
        .isEqualTo("TokenKey[id=k1, secret=<redacted>]");
    assertThat(TokenKey.ed25519("e1", publicKey).toString()).isEqualTo("TokenKey[id=e1, publicKey=" + publicKey + "]");
    assertThat(ConfigLoader.defaults().tokens().withKeys(List.of(TokenKey.hmac("k1", SECRET))).toString())
        .contains("TokenKey[id=k1, secret=<redacted>]")
        .doesNotContain(MARK);
  }

  @Test
  void tokenKey_refusesBadKeysWithoutShowingTheSecret() {
    assertThatThrownBy(() -> new TokenKey("k1", SECRET, publicKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(MARK);
    assertThatThrownBy(() -> new TokenKey("k1", null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenKey.hmac("k1", MARK)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(MARK);
    assertThatThrownBy(() -> TokenKey.hmac("k 1", SECRET)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(MARK);
  }

  @Test
  void tokenConfig_copies_changeOneComponent() {
    TokenConfig defaults = ConfigLoader.defaults().tokens();
    List<TokenKey> keys = List.of(TokenKey.hmac("k1", SECRET));

    assertThat(defaults.withRequired(false)).isEqualTo(new TokenConfig(false, "hdnts", "sha256", List.of(), null,
        "", Duration.ofSeconds(5), List.of("query", "cookie", "header"), List.of(), false));
    assertThat(defaults.withKeys(keys).keys()).isEqualTo(keys);
    assertThat(defaults.withKeys(keys).withKeys(List.of())).isEqualTo(defaults);
  }

  @Test
  void serverConfig_copies_keepTrustedProxies() throws Exception {
    ServerConfig server = load("server.trusted-proxies", "10.0.0.0/8").server();

    assertThat(server.withPorts(0, 0).withBind("127.0.0.1").withIdleTimeout(Duration.ofSeconds(1))
        .withDrainTimeout(Duration.ofSeconds(2)).trustedProxies()).containsExactly("10.0.0.0/8");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** Only library.root: tokens.required stays at its default, true. */
  private Map<String, String> libraryOnly() {
    return Map.of("library.root", library.toString());
  }

  /** library.root and tokens.required=false, so that a test of one token key needs no other. */
  private Map<String, String> flags() {
    return Map.of("library.root", library.toString(), "tokens.required", "false");
  }

  private EdgeConfig load(String key, String value) throws ConfigException {
    Map<String, String> flags = new HashMap<>(flags());
    flags.put(key, value);
    return ConfigLoader.load(null, Map.of(), flags);
  }

  private EdgeConfig loadYaml() throws ConfigException {
    return ConfigLoader.load(yaml, Map.of(), flags());
  }

  /** {@code tokens: keys:} with {@code lines} as the list, indented under it (the list starts at 3:5). */
  private static String keyList(String... lines) {
    StringBuilder text = new StringBuilder("tokens:\n  keys:\n");
    for (String line : lines) {
      text.append("    ").append(line).append('\n');
    }
    return text.toString();
  }
}
