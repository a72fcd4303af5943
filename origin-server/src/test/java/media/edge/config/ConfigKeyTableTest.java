package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the wiring of the key table: every key, from every source, lands in its own record component
 * and in no other. A swapped pair (say {@code segment} and {@code init}) fails here.
 */
class ConfigKeyTableTest {

  private record Sample(String text, Object expected, Function<EdgeConfig, Object> read) {}

  /** A non-default value per key; {@code LIBRARY} stands for a second temporary folder. */
  private static final String LIBRARY = "<other library>";
  /** Stands for a temporary key file. */
  private static final String KEYS_FILE = "<keys file>";

  /**
   * Every load gets this key, given like library.root, since tokens.required (true by default) wants
   * one; the tokens.keys sample replaces it.
   */
  private static final String BASE_KEYS = "k0:" + "00".repeat(32);

  private static final String HEX1 = "11".repeat(32);
  private static final String HEX2 = "22".repeat(16);

  private static final Map<String, Sample> SAMPLES = new LinkedHashMap<>();

  static {
    sample("server.bind", "127.0.0.1", "127.0.0.1", c -> c.server().bind());
    sample("server.port", "9090", 9090, c -> c.server().port());
    sample("server.admin-port", "9091", 9091, c -> c.server().adminPort());
    sample("server.admin-bind", "0.0.0.0", "0.0.0.0", c -> c.server().adminBind());
    sample("server.idle-timeout", "90s", Duration.ofSeconds(90), c -> c.server().idleTimeout());
    sample("server.drain-timeout", "1m", Duration.ofMinutes(1), c -> c.server().drainTimeout());
    sample("server.header-timeout", "5s", Duration.ofSeconds(5), c -> c.server().headerTimeout());
    sample("server.send-timeout", "2m", Duration.ofMinutes(2), c -> c.server().sendTimeout());
    sample("server.max-connections", "2000", 2000, c -> c.server().maxConnections());
    sample("server.max-uri-bytes", "4KiB", 4096, c -> c.server().maxUriBytes());
    sample("server.max-header-bytes", "32KiB", 32768, c -> c.server().maxHeaderBytes());
    sample("server.io-threads", "2", 2, c -> c.server().ioThreads());
    sample("server.file-threads", "8", 8, c -> c.server().fileThreads());
    sample("server.trusted-proxies", "10.0.0.0/8,::1", List.of("10.0.0.0/8", "::1"),
        c -> c.server().trustedProxies());
    sample("server.proxy-protocol", "true", true, c -> c.server().proxyProtocol());
    sample("server.transport", "io_uring", "io_uring", c -> c.server().transport());
    sample("server.tls.cert-file", KEYS_FILE, null, c -> c.server().tls().certFile());
    sample("server.tls.key-file", KEYS_FILE, null, c -> c.server().tls().keyFile());
    sample("server.tls.reload-interval", "30s", Duration.ofSeconds(30), c -> c.server().tls().reloadInterval());
    sample("library.root", LIBRARY, null, c -> c.library().root());
    sample("library.watch", "false", false, c -> c.library().watch());
    sample("library.watch-max-folders", "16", 16, c -> c.library().watchMaxFolders());
    sample("cache.memory-bytes", "1GiB", 1L << 30, c -> c.cache().memoryBytes());
    sample("cache.memory-max-object-bytes", "8MiB", 8L << 20, c -> c.cache().memoryMaxObjectBytes());
    sample("cache.memory-revalidate", "500ms", Duration.ofMillis(500), c -> c.cache().memoryRevalidate());
    sample("cache.sendfile-min-bytes", "2MiB", 2L << 20, c -> c.cache().sendfileMinBytes());
    sample("cache.immutable-revalidate", "5m", Duration.ofMinutes(5), c -> c.cache().immutableRevalidate());
    sample("cache.open-files", "100", 100, c -> c.cache().openFiles());
    sample("cache.disk-dir", LIBRARY, null, c -> c.edgeCache().diskDir());
    sample("cache.disk-bytes", "2GiB", 2L << 30, c -> c.edgeCache().diskBytes());
    sample("cache.default-ttl.segment", "2h", Duration.ofHours(2), c -> c.edgeCache().segmentTtl());
    sample("cache.default-ttl.vod-playlist", "5s", Duration.ofSeconds(5), c -> c.edgeCache().vodPlaylistTtl());
    sample("cache.default-ttl.live-playlist-target-fraction", "0.75", 0.75,
        c -> c.edgeCache().livePlaylistTargetFraction());
    sample("cache.default-ttl.other", "10s", Duration.ofSeconds(10), c -> c.edgeCache().otherTtl());
    sample("cache.not-found-max-ttl", "6s", Duration.ofSeconds(6), c -> c.edgeCache().notFoundMaxTtl());
    sample("cache.stale-if-error", "1m", Duration.ofMinutes(1), c -> c.edgeCache().staleIfError());
    sample("cache.key.ignore-params", "session,utm_source", List.of("session", "utm_source"),
        c -> c.edgeCache().keyIgnoreParams());
    sample("cache.key.live-params", "variant", List.of("variant"), c -> c.edgeCache().keyLiveParams());
    sample("http.gzip-playlists", "false", false, c -> c.http().gzipPlaylists());
    sample("http.player-page", "true", true, c -> c.http().playerPage());
    sample("http.cache-control.segment", "max-age=1", "max-age=1", c -> c.http().cacheControl().segment());
    sample("http.cache-control.init", "max-age=2", "max-age=2", c -> c.http().cacheControl().init());
    sample("http.cache-control.vod-playlist", "max-age=3", "max-age=3",
        c -> c.http().cacheControl().vodPlaylist());
    sample("http.cache-control.master-playlist", "max-age=4", "max-age=4",
        c -> c.http().cacheControl().masterPlaylist());
    sample("http.cache-control.live-playlist-target-fraction", "0.25", 0.25,
        c -> c.http().cacheControl().livePlaylistTargetFraction());
    sample("http.cache-control.key", "max-age=5", "max-age=5", c -> c.http().cacheControl().key());
    sample("http.cache-control.subtitle", "max-age=6", "max-age=6", c -> c.http().cacheControl().subtitle());
    sample("http.cache-control.other", "max-age=7", "max-age=7", c -> c.http().cacheControl().other());
    sample("http.cache-control.error", "max-age=8", "max-age=8", c -> c.http().cacheControl().error());
    sample("http.cors.allowed-origins", "https://a.example.com,https://b.example.com",
        List.of("https://a.example.com", "https://b.example.com"), c -> c.http().cors().allowedOrigins());
    sample("http.cors.max-age", "2h", Duration.ofHours(2), c -> c.http().cors().maxAge());
    sample("tokens.required", "false", false, c -> c.tokens().required());
    sample("tokens.name", "tok", "tok", c -> c.tokens().name());
    sample("tokens.algorithm", "md5", "md5", c -> c.tokens().algorithm());
    sample("tokens.keys", "k1:" + HEX1 + ",k2:" + HEX2,
        List.of(TokenKey.hmac("k1", HEX1), TokenKey.hmac("k2", HEX2)), c -> c.tokens().keys());
    sample("tokens.keys-file", KEYS_FILE, null, c -> c.tokens().keysFile());
    sample("tokens.salt", "pepper", "pepper", c -> c.tokens().salt());
    sample("tokens.clock-skew", "30s", Duration.ofSeconds(30), c -> c.tokens().clockSkew());
    sample("tokens.sources", "header,query", List.of("header", "query"), c -> c.tokens().sources());
    sample("tokens.exempt-prefixes", "/public/,/trailers/", List.of("/public/", "/trailers/"),
        c -> c.tokens().exemptPrefixes());
    sample("tokens.set-cookie", "true", true, c -> c.tokens().setCookie());
    sample("log.access", "false", false, c -> c.log().access());
    sample("log.access-file", "/var/log/edge/access.log", java.nio.file.Path.of("/var/log/edge/access.log"), c -> c.log().accessFile());
    sample("log.access-buffer", "16KiB", 16384L, c -> c.log().accessBuffer());
    sample("log.access-flush", "250ms", java.time.Duration.ofMillis(250), c -> c.log().accessFlush());
    sample("cmcd.enabled", "false", false, c -> c.cmcd().enabled());

    sample("cmcd.prefetch", "false", false, c -> c.cmcd().prefetch());
    sample("cmcd.prefetch-max-buffer", "12s", Duration.ofSeconds(12), c -> c.cmcd().prefetchMaxBuffer());
    sample("cmcd.prefetch-concurrency", "8", 8, c -> c.cmcd().prefetchConcurrency());
    sample("cmcd.audience-window", "1m", Duration.ofMinutes(1), c -> c.cmcd().audienceWindow());
    sample("cmcd.audience-max-sessions", "5000", 5000, c -> c.cmcd().audienceMaxSessions());
    sample("admin.token", "s3cr3t-admin", "s3cr3t-admin", c -> c.admin().token());
    sample("admin.token-file", KEYS_FILE, null, c -> c.admin().tokenFile());
    sample("upstream.urls", "http://origin.example:8080,http://10.0.0.5/base",
        List.of(URI.create("http://origin.example:8080"), URI.create("http://10.0.0.5/base")), c -> c.upstream().urls());
    sample("upstream.parents", "http://shield-0:8080", List.of(URI.create("http://shield-0:8080")),
        c -> c.upstream().parents());
    sample("upstream.connect-timeout", "3s", Duration.ofSeconds(3), c -> c.upstream().connectTimeout());
    sample("upstream.response-timeout", "4s", Duration.ofSeconds(4), c -> c.upstream().responseTimeout());
    sample("upstream.idle-timeout", "5s", Duration.ofSeconds(5), c -> c.upstream().idleTimeout());
    sample("upstream.max-connections", "8", 8, c -> c.upstream().maxConnections());
    sample("upstream.health-interval", "7s", Duration.ofSeconds(7), c -> c.upstream().healthInterval());
    sample("upstream.health-path", "/healthz", "/healthz", c -> c.upstream().healthPath());
    sample("upstream.node-name", "edge-1", "edge-1", c -> c.upstream().nodeName());
    sample("upstream.hold-timeout", "45s", Duration.ofSeconds(45), c -> c.upstream().holdTimeout());
    sample("upstream.tls.ca-file", KEYS_FILE, null, c -> c.upstream().tls().caFile());
    sample("upstream.tls.cert-file", KEYS_FILE, null, c -> c.upstream().tls().certFile());
    sample("upstream.tls.key-file", KEYS_FILE, null, c -> c.upstream().tls().keyFile());
    sample("upstream.tls.insecure", "true", true, c -> c.upstream().tls().insecure());
    sample("upstream.dns.servers", "10.0.0.2,[fd00::53]:5353",
        List.of(new InetSocketAddress(literal("10.0.0.2"), 53), new InetSocketAddress(literal("fd00::53"), 5353)),
        c -> c.upstream().dns().servers());
    sample("upstream.dns.stale-for", "30s", Duration.ofSeconds(30), c -> c.upstream().dns().staleFor());
  }

  @TempDir Path dir;
  private Path library;
  private Path otherLibrary;
  private Path keysFile;
  private EdgeConfig base;

  @BeforeEach
  void createLibraries() throws IOException {
    library = Files.createDirectory(dir.resolve("library"));
    otherLibrary = Files.createDirectory(dir.resolve("other"));
    keysFile = Files.writeString(dir.resolve("keys"), "");
    EdgeConfig defaults = ConfigLoader.defaults();
    base = defaults.withLibrary(ConfigLoader.defaults().library().withRoot(library))
        .withTokens(defaults.tokens().withKeys(List.of(TokenKey.hmac("k0", "00".repeat(32)))));
  }

  @Test
  void samples_coverEveryKeyOfTheLoader() {
    assertThat(SAMPLES.keySet()).containsExactlyElementsOf(Settings.keys());
  }

  @Test
  void envName_upperCasesAndTurnsDotsAndDashesIntoUnderscores() {
    assertThat(Settings.envName("server.port")).isEqualTo("EDGE_SERVER_PORT");
    assertThat(Settings.envName("cache.memory-bytes")).isEqualTo("EDGE_CACHE_MEMORY_BYTES");
    assertThat(Settings.envName("http.cors.allowed-origins")).isEqualTo("EDGE_HTTP_CORS_ALLOWED_ORIGINS");
    assertThat(Settings.envName("library.root")).isEqualTo("EDGE_LIBRARY_ROOT");
  }

  @ParameterizedTest
  @MethodSource("keys")
  void load_keyFromFlag_setsOnlyItsComponent(String key) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("library.root", library.toString());
    flags.put("tokens.keys", BASE_KEYS);
    flags.put(key, text(key));

    assertOnlyChanged(key, ConfigLoader.load(null, Map.of(), flags));
  }

  @ParameterizedTest
  @MethodSource("keys")
  void load_keyFromEnvironment_setsOnlyItsComponent(String key) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("EDGE_LIBRARY_ROOT", library.toString());
    env.put("EDGE_TOKENS_KEYS", BASE_KEYS);
    env.put(Settings.envName(key), text(key));

    assertOnlyChanged(key, ConfigLoader.load(null, env, Map.of()));
  }

  @ParameterizedTest
  @MethodSource("keys")
  void load_keyFromYaml_setsOnlyItsComponent(String key) throws Exception {
    // Nest the dotted key ("http.cors.max-age" -> http: / cors: / max-age:) and single-quote the text.
    String[] parts = key.split("\\.");
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      yaml.append("  ".repeat(i)).append(parts[i]).append(':');
      yaml.append(i < parts.length - 1 ? "\n" : " '" + text(key) + "'\n");
    }
    Path file = Files.writeString(dir.resolve("edge.yaml"), yaml);
    // The base values as flags, except the key under test: a flag would win over the file.
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("library.root", library.toString());
    flags.put("tokens.keys", BASE_KEYS);
    flags.remove(key);

    assertOnlyChanged(key, ConfigLoader.load(file, Map.of(), flags));
  }

  static Stream<String> keys() {
    return SAMPLES.keySet().stream();
  }

  private String text(String key) {
    String text = SAMPLES.get(key).text();
    return text.equals(LIBRARY) || text.equals(KEYS_FILE) ? placeholder(text).toString() : text;
  }

  private Path placeholder(String text) {
    return text.equals(LIBRARY) ? otherLibrary : keysFile;
  }

  private void assertOnlyChanged(String key, EdgeConfig loaded) {
    SAMPLES.forEach((name, sample) -> {
      Object actual = sample.read().apply(loaded);
      if (name.equals(key)) {
        Object expected = sample.expected() == null ? placeholder(sample.text()) : sample.expected();
        assertThat(actual).as(name).isEqualTo(expected).isNotEqualTo(sample.read().apply(base));
      } else {
        assertThat(actual).as(name).isEqualTo(sample.read().apply(base));
      }
    });
  }

  /** An IP literal as an address; {@code getByName} parses literals without a lookup. */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  private static void sample(String key, String text, Object expected, Function<EdgeConfig, Object> read) {
    SAMPLES.put(key, new Sample(text, expected, read));
  }
}
