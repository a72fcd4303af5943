package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Sources, precedence and the refusals that are not about one value's form (see {@link ConfigValueFormsTest}). */
class ConfigLoaderTest {

  @TempDir Path dir;
  private Path library;
  private Path yaml;

  @BeforeEach
  void createLibrary() throws IOException {
    library = Files.createDirectory(dir.resolve("library"));
    yaml = dir.resolve("edge.yaml");
  }

  // ---- defaults and precedence -------------------------------------------------------------------

  @Test
  void defaults_haveDocumentedValues() {
    EdgeConfig c = ConfigLoader.defaults();

    assertThat(c.server()).isEqualTo(new ServerConfig(
        "0.0.0.0", 8080, 8081, "127.0.0.1", Duration.ofSeconds(60), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(30), 0, 8192, 16384, 0, 4, List.of(), false, TlsConfig.NONE, "auto"));
    assertThat(c.library().root()).isEqualTo(Path.of("./library"));
    assertThat(c.cache()).isEqualTo(new CacheConfig(536_870_912L, 16_777_216L, Duration.ofSeconds(1), 262_144L, Duration.ofMinutes(1), 4096));
    assertThat(c.http().gzipPlaylists()).isTrue();
    assertThat(c.http().cacheControl()).isEqualTo(new CacheControlConfig(
        "public, max-age=31536000, immutable",
        "public, max-age=31536000, immutable",
        "public, max-age=86400",
        "public, max-age=60",
        0.5,
        "private, no-store",
        "public, max-age=31536000, immutable",
        "public, max-age=3600",
        "no-store"));
    assertThat(c.http().cors().allowedOrigins()).containsExactly("*");
    assertThat(c.http().cors().maxAge()).isEqualTo(Duration.ofSeconds(86400));
    assertThat(c.log().access()).isTrue();
  }

  @Test
  void load_noFileNoEnvironment_returnsDefaults() throws Exception {
    EdgeConfig c = ConfigLoader.load(null, Map.of(), withLibrary(Map.of()));

    assertThat(c).isEqualTo(defaultsWithLibrary());
  }

  @Test
  void load_emptyFile_returnsDefaults() throws Exception {
    Files.writeString(yaml, "");

    assertThat(ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of()))).isEqualTo(defaultsWithLibrary());
  }

  @Test
  void load_fileOfCommentsAndEmptySections_returnsDefaults() throws Exception {
    Files.writeString(yaml, "# nothing changed\nserver:\n  # port: 9000\nhttp:\n  cors:\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of()))).isEqualTo(defaultsWithLibrary());
  }

  @Test
  void load_yamlValues_overrideDefaultsAndKeepTheRest() throws Exception {
    Files.writeString(yaml, """
        server:
          port: 9000
          idle-timeout: 2m
        library:
          root: %s
        cache:
          memory-bytes: 1GiB
        http:
          cors:
            allowed-origins:
              - https://player.example.com
              - http://localhost:3000
        """.formatted(library));

    EdgeConfig c = ConfigLoader.load(yaml, Map.of(), tokensOff(Map.of()));

    assertThat(c.server().port()).isEqualTo(9000);
    assertThat(c.server().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.server().adminPort()).isEqualTo(8081);
    assertThat(c.library().root()).isEqualTo(library);
    assertThat(c.cache().memoryBytes()).isEqualTo(1L << 30);
    assertThat(c.cache().memoryMaxObjectBytes()).isEqualTo(16L << 20);
    assertThat(c.http().cors().allowedOrigins())
        .containsExactly("https://player.example.com", "http://localhost:3000");
  }

  @Test
  void load_environment_overridesYaml() throws Exception {
    Files.writeString(yaml, "server:\n  port: 9000\n  admin-port: 9001\n");

    EdgeConfig c = ConfigLoader.load(yaml, Map.of("EDGE_SERVER_PORT", "9100"), withLibrary(Map.of()));

    assertThat(c.server().port()).isEqualTo(9100);
    assertThat(c.server().adminPort()).isEqualTo(9001);
  }

  @Test
  void load_flags_overrideEnvironment() throws Exception {
    Files.writeString(yaml, "server:\n  port: 9000\n");
    Path other = Files.createDirectory(dir.resolve("other"));

    EdgeConfig c = ConfigLoader.load(
        yaml,
        Map.of("EDGE_SERVER_PORT", "9100", "EDGE_LIBRARY_ROOT", library.toString()),
        tokensOff(Map.of("server.port", "0", "library.root", other.toString())));

    assertThat(c.server().port()).isZero();
    assertThat(c.library().root()).isEqualTo(other);
  }

  @Test
  void load_environmentNames_followTheKeyRule() throws Exception {
    Map<String, String> env = Map.of(
        "EDGE_SERVER_ADMIN_PORT", "9001",
        "EDGE_CACHE_MEMORY_MAX_OBJECT_BYTES", "1MiB",
        "EDGE_HTTP_CACHE_CONTROL_LIVE_PLAYLIST_TARGET_FRACTION", "0.25",
        "EDGE_LIBRARY_ROOT", library.toString());

    EdgeConfig c = ConfigLoader.load(null, env, tokensOff(Map.of()));

    assertThat(c.server().adminPort()).isEqualTo(9001);
    assertThat(c.cache().memoryMaxObjectBytes()).isEqualTo(1 << 20);
    assertThat(c.http().cacheControl().livePlaylistTargetFraction()).isEqualTo(0.25);
    assertThat(c.library().root()).isEqualTo(library);
    assertThat(Settings.envName("http.cors.allowed-origins")).isEqualTo("EDGE_HTTP_CORS_ALLOWED_ORIGINS");
  }

  @Test
  void load_commaListInEnvironment_becomesOrigins() throws Exception {
    Map<String, String> env =
        Map.of("EDGE_HTTP_CORS_ALLOWED_ORIGINS", "https://a.example.com, https://b.example.com:8443");

    EdgeConfig c = ConfigLoader.load(null, env, withLibrary(Map.of()));

    assertThat(c.http().cors().allowedOrigins())
        .containsExactly("https://a.example.com", "https://b.example.com:8443");
    assertThat(c.http().cors().allowsAnyOrigin()).isFalse();
  }

  @Test
  void load_emptyYamlList_allowsNoOrigin() throws Exception {
    Files.writeString(yaml, "http:\n  cors:\n    allowed-origins: []\n");

    assertThat(ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())).http().cors().allowedOrigins()).isEmpty();
  }

  @Test
  void load_variablesWithoutEdgePrefix_areIgnored() throws Exception {
    Map<String, String> env = Map.of("PATH", "/usr/bin", "edge_server_port", "abc", "SERVER_PORT", "abc");

    assertThat(ConfigLoader.load(null, env, withLibrary(Map.of())).server().port()).isEqualTo(8080);
  }

  @Test
  void load_unknownEdgeVariable_warnsNamingVariableNotValue() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ConfigLoader.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      EdgeConfig c = ConfigLoader.load(null, Map.of("EDGE_SERVER_PROT", "s3cr3t-value"), withLibrary(Map.of()));

      assertThat(c.server().port()).isEqualTo(8080);
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("EDGE_SERVER_PROT").doesNotContain("s3cr3t");
    });
  }

  // ---- where an error came from -------------------------------------------------------------------

  @Test
  void load_badYamlValue_namesFileLineKeyValueAndExpectation() throws IOException {
    Files.writeString(yaml, "server:\n  port: abc\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(yaml + ":2:9 server.port: \"abc\" (expected: an integer port 0-65535)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("server.port"));
  }

  @Test
  void load_badEnvironmentValue_namesVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_SERVER_PORT", "65536"), withLibrary(Map.of())))
        .hasMessage("EDGE_SERVER_PORT server.port: \"65536\" (expected: an integer port 0-65535)");
  }

  @Test
  void load_badFlagValue_namesCommandLine() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), withLibrary(Map.of("server.port", "-1"))))
        .hasMessage("command line server.port: \"-1\" (expected: an integer port 0-65535)");
  }

  @Test
  void load_badYamlValueOverriddenByFlag_stillFails() throws IOException {
    // A broken file stays broken: every source is checked as it is read, not only the winning value.
    Files.writeString(yaml, "server:\n  port: abc\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of("server.port", "9000"))))
        .hasMessageStartingWith(yaml + ":2:9 server.port:");
  }

  @Test
  void load_valueWithLineBreak_isEscapedSoTheMessageStaysOneLine() {
    Map<String, String> flags = withLibrary(Map.of("http.cache-control.key", "no-store\r\nX-Injected: 1"));

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), flags))
        .hasMessage("command line http.cache-control.key: \"no-store\\r\\nX-Injected: 1\""
            + " (expected: a non-blank header value of printable ASCII)");
  }

  @Test
  void show_sensitiveValue_isRedacted() {
    assertThat(RawValue.show("hunter2", true)).isEqualTo("<redacted>");
    assertThat(RawValue.show("hunter2", false)).isEqualTo("\"hunter2\"");
  }

  // ---- rules across keys --------------------------------------------------------------------------

  @Test
  void load_maxObjectAboveMemory_namesBothValuesAndSources() {
    Map<String, String> env = Map.of("EDGE_CACHE_MEMORY_BYTES", "8MiB");

    assertThatThrownBy(() -> ConfigLoader.load(null, env, withLibrary(Map.of())))
        .hasMessage("default cache.memory-max-object-bytes: 16777216"
            + " (expected: at most cache.memory-bytes, which is \"8MiB\" from EDGE_CACHE_MEMORY_BYTES)");
  }

  @Test
  void load_maxObjectEqualToMemory_isAccepted() throws Exception {
    Map<String, String> flags =
        withLibrary(Map.of("cache.memory-bytes", "16MiB", "cache.memory-max-object-bytes", "16777216"));

    assertThat(ConfigLoader.load(null, Map.of(), flags).cache().memoryMaxObjectBytes()).isEqualTo(16L << 20);
  }

  @Test
  void load_adminPortEqualToPort_fails() {
    Map<String, String> flags = withLibrary(Map.of("server.port", "9000", "server.admin-port", "9000"));

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), flags))
        .hasMessage("command line server.admin-port: \"9000\""
            + " (expected: 0 or a port other than server.port, which is \"9000\" from command line)");
  }

  @Test
  void load_bothPortsEphemeral_isAccepted() throws Exception {
    Map<String, String> flags = withLibrary(Map.of("server.port", "0", "server.admin-port", "0"));

    assertThat(ConfigLoader.load(null, Map.of(), flags).server().port()).isZero();
  }

  @Test
  void load_missingLibraryFolder_fails() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_LIBRARY_ROOT", missing.toString()), Map.of()))
        .hasMessage("EDGE_LIBRARY_ROOT library.root: \"" + missing + "\" (expected: an existing, readable directory)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("library.root"));
  }

  @Test
  void load_libraryRootIsAFile_fails() throws IOException {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("library.root", file.toString())))
        .hasMessage("command line library.root: \"" + file + "\" (expected: an existing, readable directory)");
  }

  @Test
  void load_defaultLibraryMissing_blamesTheDefault() {
    assumeThat(Path.of("./library")).doesNotExist();

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of()))
        .hasMessage("default library.root: \"./library\" (expected: an existing, readable directory)");
  }

  @Test
  void load_missingTlsCertFile_namesTheKey() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), withLibrary(Map.of("server.tls.cert-file", missing.toString()))))
        .hasMessage("command line server.tls.cert-file: \"" + missing + "\" (expected: an existing, readable PEM file)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("server.tls.cert-file"));
  }

  @Test
  void load_tlsKeyFileFromEnvironment_landsInTlsConfig() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "");

    EdgeConfig c = ConfigLoader.load(
        null, Map.of("EDGE_SERVER_TLS_KEY_FILE", key.toString(), "EDGE_SERVER_TLS_CERT_FILE", cert.toString()),
        withLibrary(Map.of("server.tls.reload-interval", "0s")));

    assertThat(c.server().tls()).isEqualTo(new TlsConfig(cert, key, Duration.ZERO));
    assertThat(c.server().tls().enabled()).isTrue();
  }

  // ---- keys and shapes ----------------------------------------------------------------------------

  @Test
  void load_unknownYamlKey_namesFullKeyAndSiblings() throws IOException {
    Files.writeString(yaml, "server:\n  prot: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":2:3 server.prot: unknown key (expected one of: bind, port, admin-port, admin-bind, idle-timeout,"
            + " drain-timeout, header-timeout, send-timeout, max-connections, max-uri-bytes, max-header-bytes, io-threads, file-threads, trusted-proxies, proxy-protocol, transport, tls)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).hasValue("server.prot"));
  }

  @Test
  void load_unknownTopLevelKey_listsSections() throws IOException {
    Files.writeString(yaml, "servers:\n  port: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":1:1 servers: unknown key (expected one of: server, library, cache, http, tokens, log, cmcd, admin, upstream)");
  }

  @Test
  void load_unknownNestedKey_namesDottedPath() throws IOException {
    Files.writeString(yaml, "http:\n  cors:\n    origins: [\"*\"]\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":3:5 http.cors.origins: unknown key (expected one of: allowed-origins, max-age)");
  }

  @Test
  void load_unknownFlagKey_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), withLibrary(Map.of("server.prot", "1"))))
        .hasMessageStartingWith("command line server.prot: unknown key (expected one of: server.bind, server.port,")
        .hasMessageEndingWith(", log.access, log.access-file, log.access-buffer, log.access-flush, cmcd.enabled, cmcd.prefetch,"
                + " cmcd.prefetch-max-buffer, cmcd.prefetch-concurrency, cmcd.audience-window, cmcd.audience-max-sessions, admin.token,"
                + " admin.token-file, upstream.urls, upstream.parents, upstream.connect-timeout,"
            + " upstream.response-timeout, upstream.idle-timeout, upstream.max-connections, upstream.health-interval,"
            + " upstream.health-path, upstream.node-name, upstream.hold-timeout, upstream.tls.ca-file,"
            + " upstream.tls.cert-file, upstream.tls.key-file, upstream.tls.insecure, upstream.dns.servers,"
            + " upstream.dns.stale-for)");
  }

  @Test
  void load_duplicateYamlKey_fails() throws IOException {
    Files.writeString(yaml, "server:\n  port: 9000\n  port: 9001\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":3:3 server.port: duplicate key (expected: each key once)");
  }

  @Test
  void load_mapWhereScalarExpected_fails() throws IOException {
    Files.writeString(yaml, "server:\n  port:\n    value: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":3:5 server.port: <map> (expected: an integer port 0-65535)");
  }

  @Test
  void load_listWhereStringExpected_fails() throws IOException {
    Files.writeString(yaml, "http:\n  cache-control:\n    segment: [public, immutable]\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":3:14 http.cache-control.segment: [\"public\", \"immutable\"]"
            + " (expected: a non-blank header value of printable ASCII)");
  }

  @Test
  void load_scalarWhereSectionExpected_fails() throws IOException {
    Files.writeString(yaml, "log: true\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":1:6 log: \"true\" (expected: a map with keys access, access-file, access-buffer, access-flush)");
  }

  @Test
  void load_mapInsideOriginList_fails() throws IOException {
    Files.writeString(yaml, "http:\n  cors:\n    allowed-origins:\n      - https://a.example.com\n      - {x: 1}\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ":4:7 http.cors.allowed-origins: <map> (expected: a list of \"*\" or origins");
  }

  @Test
  void load_yamlNullValue_fails() throws IOException {
    Files.writeString(yaml, "server:\n  port: ~\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ":2:9 server.port: null (expected: an integer port 0-65535)");
  }

  @Test
  void load_topLevelList_fails() throws IOException {
    Files.writeString(yaml, "- server\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ": [\"server\"] (expected: a map with keys server, library, cache, http, tokens, log, cmcd, admin, upstream)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEmpty());
  }

  // ---- the file itself ----------------------------------------------------------------------------

  @Test
  void load_missingFile_namesFile() {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), withLibrary(Map.of())))
        .hasMessage(missing + ": no such file (expected: a readable YAML file)")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEmpty());
  }

  @Test
  void load_directoryAsFile_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(library, Map.of(), Map.of()))
        .hasMessage(library + ": is a directory (expected: a YAML file)");
  }

  @Test
  void load_malformedYaml_namesFileLineAndColumnOnOneLine() throws IOException {
    Files.writeString(yaml, "server:\n  port: [9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ": malformed YAML at line 3, column 1: ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void load_tabIndentation_isMalformed() throws IOException {
    Files.writeString(yaml, "server:\n\tport: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ": malformed YAML at line 2, column 1: ");
  }

  @Test
  void load_twoDocuments_isMalformed() throws IOException {
    Files.writeString(yaml, "server:\n  port: 1\n---\nserver:\n  port: 2\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ": malformed YAML at line 3, column 1: ");
  }

  @Test
  void load_javaTypeTag_isRefused() throws IOException {
    Files.writeString(yaml, "library:\n  root: !!java.io.File /tmp\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ": malformed YAML at line 2, column 9: ");
  }

  @Test
  void load_aliasBomb_isRefused() throws IOException {
    StringBuilder doc = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      String prev = "*a" + (i - 1);
      doc.append("a").append(i).append(": &a").append(i).append(" [")
          .append(String.join(", ", List.of(prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)))
          .append("]\n");
    }
    Files.writeString(yaml, doc);

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessageStartingWith(yaml + ": malformed YAML: Number of aliases for non-scalar nodes exceeds");
  }

  @Test
  void load_fileOverOneMebibyte_isRefusedUnparsed() throws IOException {
    Files.writeString(yaml, "# " + "x".repeat(YamlFile.MAX_FILE_BYTES) + "\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ": more than 1048576 bytes (expected: a YAML file of at most 1 MiB)");
  }

  @Test
  void load_fileOfExactlyOneMebibyte_isAccepted() throws Exception {
    String line = "server:\n  port: 9000\n";
    Files.writeString(yaml, line + "#".repeat(YamlFile.MAX_FILE_BYTES - line.length()));

    assertThat(ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())).server().port()).isEqualTo(9000);
  }

  @Test
  void load_notUtf8_fails() throws IOException {
    Files.write(yaml, "server:\n  bind: \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), withLibrary(Map.of())))
        .hasMessage(yaml + ": not UTF-8 text (expected: a UTF-8 YAML file)");
  }

  /** {@code flags} plus library.root and, like {@link #tokensOff}, tokens.required=false. */
  private Map<String, String> withLibrary(Map<String, String> flags) {
    Map<String, String> all = tokensOff(flags);
    all.putIfAbsent("library.root", library.toString());
    return all;
  }

  /**
   * {@code flags} plus tokens.required=false, without which load() refuses a configuration that has no
   * token key; these tests are about other keys ({@link ConfigTokensTest} covers tokens).
   */
  private static Map<String, String> tokensOff(Map<String, String> flags) {
    Map<String, String> all = new HashMap<>(flags);
    all.putIfAbsent("tokens.required", "false");
    return all;
  }

  /** What a load with {@link #withLibrary} and nothing else gives. */
  private EdgeConfig defaultsWithLibrary() {
    EdgeConfig defaults = ConfigLoader.defaults();
    return defaults.withLibrary(ConfigLoader.defaults().library().withRoot(library)).withTokens(defaults.tokens().withRequired(false));
  }
}
