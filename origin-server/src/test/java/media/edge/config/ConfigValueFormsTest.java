package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What each value type accepts and refuses; values come in as flags, which parse like env and YAML text. */
class ConfigValueFormsTest {

  private static final String SIZE_EXPECTED = "a byte size > 0 such as 536870912 or 512MiB"
      + " (units B, KiB, MiB, GiB, KB, MB, GB)";
  private static final String POSITIVE_DURATION_EXPECTED =
      "a duration > 0 such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds)";
  private static final String ORIGINS_EXPECTED = "a list of \"*\" or origins such as https://player.example.com"
      + " (scheme://host[:port], lower case, no path; comma-separated outside YAML)";

  @TempDir Path dir;
  private Path library;

  @BeforeEach
  void createLibrary() throws IOException {
    library = Files.createDirectory(dir.resolve("library"));
  }

  // ---- byte sizes ---------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "123, 123",
    "100B, 100",
    "64KiB, 65536",
    "64 KiB, 65536",
    "512MiB, 536870912",
    "1GiB, 1073741824",
    "1KB, 1000",
    "2MB, 2000000",
    "1GB, 1000000000",
    "8589934592, 8589934592",
  })
  void load_byteSize_acceptsBinaryAndDecimalSuffixes(String text, long bytes) throws Exception {
    EdgeConfig c = load("cache.memory-bytes", text, "cache.memory-max-object-bytes", "100B");

    assertThat(c.cache().memoryBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1.5MiB", "1mb", "1M", "-1", "1TiB", "MiB", "", " 1", "99999999999999999999",
      "9999999999GiB"})
  void load_byteSize_refusesOtherForms(String text) {
    assertThatThrownBy(() -> load("cache.memory-bytes", text))
        .isInstanceOf(ConfigException.class)
        .hasMessage("command line cache.memory-bytes: \"" + text + "\" (expected: " + SIZE_EXPECTED + ")");
  }

  @Test
  void load_maxObjectAboveIntRange_fails() {
    assertThatThrownBy(() -> load("cache.memory-bytes", "4GiB", "cache.memory-max-object-bytes", "2GiB"))
        .hasMessage("command line cache.memory-max-object-bytes: \"2GiB\""
            + " (expected: a byte size 1-2147483647 such as 16MiB (units B, KiB, MiB, GiB, KB, MB, GB))");
  }

  @Test
  void load_maxObjectAtIntMax_isAccepted() throws Exception {
    EdgeConfig c = load("cache.memory-bytes", "4GiB", "cache.memory-max-object-bytes", "2147483647");

    assertThat(c.cache().memoryMaxObjectBytes()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void load_zeroMaxObject_fails() {
    assertThatThrownBy(() -> load("cache.memory-max-object-bytes", "0"))
        .hasMessageStartingWith("command line cache.memory-max-object-bytes: \"0\" (expected: a byte size 1-");
  }

  @ParameterizedTest
  @CsvSource({"server.max-uri-bytes, 256", "server.max-uri-bytes, 1MiB", "server.max-header-bytes, 1048576",
      "server.max-header-bytes, 1KiB"})
  void load_requestLimitAtBounds_isAccepted(String key, String text) throws Exception {
    assertThat(load(key, text)).isNotNull();
  }

  @ParameterizedTest
  @CsvSource({"server.max-uri-bytes, 255", "server.max-uri-bytes, 1025KiB", "server.max-header-bytes, 1048577",
      "server.max-header-bytes, 0"})
  void load_requestLimitOutOfBounds_fails(String key, String text) {
    assertThatThrownBy(() -> load(key, text))
        .hasMessage("command line " + key + ": \"" + text + "\""
            + " (expected: a byte size 256-1048576 such as 8192 or 8KiB)");
  }

  // ---- durations ----------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"500ms, 500", "10s, 10000", "5m, 300000", "1h, 3600000", "1d, 86400000", "30, 30000",
      "2 s, 2000"})
  void load_duration_acceptsSuffixesAndBareSeconds(String text, long millis) throws Exception {
    assertThat(load("server.idle-timeout", text).server().idleTimeout()).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0s", "1.5s", "10sec", "-1s", "1w", "", "PT10S", "99999999999999999d"})
  void load_duration_refusesOtherFormsAndZeroTimeouts(String text) {
    assertThatThrownBy(() -> load("server.drain-timeout", text))
        .hasMessage("command line server.drain-timeout: \"" + text + "\" (expected: "
            + POSITIVE_DURATION_EXPECTED + ")");
  }

  @Test
  void load_zeroIdleTimeout_fails() {
    assertThatThrownBy(() -> load("server.idle-timeout", "0ms"))
        .hasMessage("command line server.idle-timeout: \"0ms\" (expected: " + POSITIVE_DURATION_EXPECTED + ")");
  }

  @Test
  void load_zeroRevalidate_isAccepted() throws Exception {
    assertThat(load("cache.memory-revalidate", "0").cache().memoryRevalidate()).isZero();
  }

  @Test
  void load_negativeRevalidate_fails() {
    assertThatThrownBy(() -> load("cache.memory-revalidate", "-1s"))
        .hasMessage("command line cache.memory-revalidate: \"-1s\" (expected: a duration >= 0"
            + " such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds))");
  }

  // ---- integers, booleans, fractions, strings -----------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"abc", "65536", "-1", "80.0", "0x50", "99999999999"})
  void load_badPort_fails(String text) {
    assertThatThrownBy(() -> load("server.admin-port", text))
        .hasMessage("command line server.admin-port: \"" + text + "\" (expected: an integer port 0-65535)");
  }

  @Test
  void load_negativeIoThreads_fails() {
    assertThatThrownBy(() -> load("server.io-threads", "-1"))
        .hasMessage("command line server.io-threads: \"-1\" (expected: an integer >= 0 (0 means one per core))");
  }

  @Test
  void load_zeroFileThreads_fails() {
    assertThatThrownBy(() -> load("server.file-threads", "0"))
        .hasMessage("command line server.file-threads: \"0\" (expected: an integer >= 1)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "no", "on", "True", "FALSE", "1", ""})
  void load_booleanOtherThanTrueOrFalse_fails(String text) {
    assertThatThrownBy(() -> load("log.access", text))
        .hasMessage("command line log.access: \"" + text + "\" (expected: true or false)");
  }

  @Test
  void load_booleanFromYaml_acceptsOnlyTrueAndFalse() throws Exception {
    Path yaml = Files.writeString(dir.resolve("edge.yaml"), "http:\n  gzip-playlists: false\nlog:\n  access: yes\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), Map.of("library.root", library.toString())))
        .hasMessage(yaml + ":4:11 log.access: \"yes\" (expected: true or false)");
  }

  @ParameterizedTest
  @CsvSource({"1, 1.0", "0.5, 0.5", ".25, 0.25", "1.0, 1.0", "0.001, 0.001"})
  void load_fraction_acceptsZeroToOneExclusiveOfZero(String text, double value) throws Exception {
    assertThat(load("http.cache-control.live-playlist-target-fraction", text)
        .http().cacheControl().livePlaylistTargetFraction()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.0", "1.5", "-0.5", "NaN", "Infinity", "5e-1", "half"})
  void load_fractionOutsideRange_fails(String text) {
    assertThatThrownBy(() -> load("http.cache-control.live-playlist-target-fraction", text))
        .hasMessage("command line http.cache-control.live-playlist-target-fraction: \"" + text + "\""
            + " (expected: a number in (0, 1] such as 0.5)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "no-store\n", "max-age=60\u00e9"})
  void load_blankOrNonAsciiCacheControl_fails(String text) {
    assertThatThrownBy(() -> load("http.cache-control.error", text))
        .hasMessageStartingWith("command line http.cache-control.error: \"")
        .hasMessageEndingWith(" (expected: a non-blank header value of printable ASCII)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "0.0.0.0 "})
  void load_blankBind_fails(String text) {
    assertThatThrownBy(() -> load("server.bind", text))
        .hasMessage("command line server.bind: \"" + text + "\""
            + " (expected: a host name or IP address (non-blank, no spaces))");
  }

  @Test
  void load_blankLibraryRoot_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDGE_LIBRARY_ROOT", " "), Map.of()))
        .hasMessage("EDGE_LIBRARY_ROOT library.root: \" \" (expected: a directory path, or \"\" for none (edge mode only))");
  }

  // ---- origins ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"*", "https://player.example.com", "http://localhost:3000", "https://a.example.com:8443",
      "http://127.0.0.1:8080", "https://[::1]:8443", "https://a.example.com,*"})
  void load_origin_acceptsStarAndSerializedOrigins(String text) throws Exception {
    assertThat(load("http.cors.allowed-origins", text).http().cors().allowedOrigins()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://player.example.com/", "https://player.example.com/live", "HTTPS://a.example.com",
      "https://A.example.com", "https://a.example.com:443", "http://a.example.com:80", "ftp://a.example.com",
      "player.example.com", "https://a.example.com:0", "https://a.example.com:70000", "https://", "**"})
  void load_originThatNoBrowserSends_failsNamingIt(String text) {
    assertThatThrownBy(() -> load("http.cors.allowed-origins", "https://ok.example.com," + text))
        .hasMessage("command line http.cors.allowed-origins: \"" + text + "\" (expected: " + ORIGINS_EXPECTED + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "https://a.example.com,", "https://a.example.com,,https://b.example.com"})
  void load_blankOriginListOrItem_fails(String text) {
    assertThatThrownBy(() -> load("http.cors.allowed-origins", text))
        .hasMessageStartingWith("command line http.cors.allowed-origins: \"")
        .hasMessageEndingWith("(expected: " + ORIGINS_EXPECTED + ")");
  }

  @Test
  void load_originsAsYamlScalar_isReadAsCommaList() throws Exception {
    Path yaml = Files.writeString(dir.resolve("edge.yaml"),
        "http:\n  cors:\n    allowed-origins: https://a.example.com, https://b.example.com\n");

    EdgeConfig c = ConfigLoader.load(
        yaml, Map.of(), Map.of("library.root", library.toString(), "tokens.required", "false"));

    assertThat(c.http().cors().allowedOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
  }

  @Test
  void load_originsFromYamlList_pointAtTheBadItem() throws Exception {
    Path yaml = Files.writeString(dir.resolve("edge.yaml"),
        "http:\n  cors:\n    allowed-origins: [\"*\", \"https://a.example.com/\"]\n");

    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), Map.of("library.root", library.toString())))
        .hasMessage(yaml + ":3:22 http.cors.allowed-origins: \"https://a.example.com/\" (expected: "
            + ORIGINS_EXPECTED + ")");
  }

  // ---- upstreams over TLS, and their DNS --------------------------------------------------------

  private static final String DNS_SERVERS_EXPECTED = "a list of DNS server IP addresses, each optionally with :port"
      + " (53 if not), such as 10.0.0.2, 10.0.0.3:5353 or [fd00::53]:53 (no host names; comma-separated outside YAML)";

  @Test
  void load_httpsUpstreams_areAccepted() throws Exception {
    EdgeConfig c = load("upstream.urls", "https://origin.example,https://10.0.0.5:8443/base",
        "upstream.parents", "https://shield-0:8443");

    assertThat(c.upstream().urls()).containsExactly(
        java.net.URI.create("https://origin.example"), java.net.URI.create("https://10.0.0.5:8443/base"));
    assertThat(c.upstream().usesTls()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://origin.example", "https://origin.example/?q=1", "https://user@origin.example", "origin"})
  void load_otherUpstreamUrls_areRefused(String text) {
    assertThatThrownBy(() -> load("upstream.urls", text))
        .hasMessageStartingWith("command line upstream.urls: \"" + text + "\" (expected: a list of http:// or https:// URLs");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "10.0.0.2|10.0.0.2|53",
    "10.0.0.2:5353|10.0.0.2|5353",
    "fd00::53|fd00::53|53",
    "[fd00::53]|fd00::53|53",
    "[::1]:5300|::1|5300",
  })
  void load_dnsServer_takesIpAndOptionalPort(String text, String ip, int port) throws Exception {
    EdgeConfig c = load("upstream.dns.servers", text);

    assertThat(c.upstream().dns().servers())
        .containsExactly(new java.net.InetSocketAddress(java.net.InetAddress.getByName(ip), port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dns.example", "10.0.0.2:0", "10.0.0.2:70000", "10.0.0.2:053", "[fd00::53", "[fd00::53]x",
      "10.0.0.256", "10.0.0.2:", "[::1]:"})
  void load_dnsServer_refusesNamesAndBadPorts(String text) {
    assertThatThrownBy(() -> load("upstream.dns.servers", text))
        .hasMessage("command line upstream.dns.servers: \"" + text + "\" (expected: " + DNS_SERVERS_EXPECTED + ")");
  }

  @Test
  void load_insecureWithCaFile_isRefusedNamingBoth() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "");

    assertThatThrownBy(() -> load("upstream.tls.insecure", "true", "upstream.tls.ca-file", ca.toString()))
        .hasMessage("command line upstream.tls.insecure: \"true\" (expected: false when upstream.tls.ca-file is set,"
            + " which is \"" + ca + "\" from command line)");
  }

  @Test
  void load_missingUpstreamCaFile_isRefused() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> load("upstream.tls.ca-file", missing.toString()))
        .hasMessage("command line upstream.tls.ca-file: \"" + missing + "\" (expected: an existing, readable PEM file)");
  }

  private EdgeConfig load(String... keyValues) throws ConfigException {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], keyValues[i + 1]);
    }
    flags.put("library.root", library.toString());
    flags.putIfAbsent("tokens.required", "false"); // else load() wants a token key (see ConfigTokensTest)
    return ConfigLoader.load(null, Map.of(), flags);
  }
}
