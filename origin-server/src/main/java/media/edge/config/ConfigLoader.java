package media.edge.config;

import static media.edge.config.Settings.LIBRARY_WATCH;
import static media.edge.config.Settings.LIBRARY_WATCH_MAX_FOLDERS;
import static media.edge.config.Settings.UPSTREAM_HOLD_TIMEOUT;
import static media.edge.config.Settings.UPSTREAM_DNS_SERVERS;
import static media.edge.config.Settings.UPSTREAM_DNS_STALE_FOR;
import static media.edge.config.Settings.UPSTREAM_TLS_CA_FILE;
import static media.edge.config.Settings.UPSTREAM_TLS_CERT_FILE;
import static media.edge.config.Settings.UPSTREAM_TLS_INSECURE;
import static media.edge.config.Settings.UPSTREAM_TLS_KEY_FILE;
import static media.edge.config.Settings.ADMIN_TOKEN;
import static media.edge.config.Settings.ADMIN_TOKEN_FILE;
import static media.edge.config.Settings.SERVER_ADMIN_BIND;
import static media.edge.config.Settings.CMCD_AUDIENCE_MAX_SESSIONS;
import static media.edge.config.Settings.CMCD_AUDIENCE_WINDOW;
import static media.edge.config.Settings.CMCD_ENABLED;
import static media.edge.config.Settings.CMCD_PREFETCH;
import static media.edge.config.Settings.CMCD_PREFETCH_CONCURRENCY;
import static media.edge.config.Settings.CMCD_PREFETCH_MAX_BUFFER;
import static media.edge.config.Settings.CACHE_KEY_IGNORE_PARAMS;
import static media.edge.config.Settings.CACHE_KEY_LIVE_PARAMS;
import static media.edge.config.Settings.CACHE_DISK_DIR;
import static media.edge.config.Settings.CACHE_IMMUTABLE_REVALIDATE;
import static media.edge.config.Settings.CACHE_SENDFILE_MIN_BYTES;
import static media.edge.config.Settings.CACHE_OPEN_FILES;
import static media.edge.config.Settings.CACHE_DISK_BYTES;
import static media.edge.config.Settings.TTL_SEGMENT;
import static media.edge.config.Settings.TTL_VOD_PLAYLIST;
import static media.edge.config.Settings.TTL_LIVE_PLAYLIST_TARGET_FRACTION;
import static media.edge.config.Settings.TTL_OTHER;
import static media.edge.config.Settings.CACHE_NOT_FOUND_MAX_TTL;
import static media.edge.config.Settings.CACHE_STALE_IF_ERROR;
import static media.edge.config.Settings.UPSTREAM_URLS_KEY;
import static media.edge.config.Settings.UPSTREAM_PARENTS;
import static media.edge.config.Settings.UPSTREAM_CONNECT_TIMEOUT;
import static media.edge.config.Settings.UPSTREAM_RESPONSE_TIMEOUT;
import static media.edge.config.Settings.UPSTREAM_IDLE_TIMEOUT;
import static media.edge.config.Settings.UPSTREAM_MAX_CONNECTIONS;
import static media.edge.config.Settings.UPSTREAM_HEALTH_INTERVAL;
import static media.edge.config.Settings.UPSTREAM_HEALTH_PATH;
import static media.edge.config.Settings.UPSTREAM_NODE_NAME;
import static media.edge.config.Settings.CACHE_MEMORY_BYTES;
import static media.edge.config.Settings.CACHE_MEMORY_MAX_OBJECT_BYTES;
import static media.edge.config.Settings.CACHE_MEMORY_REVALIDATE;
import static media.edge.config.Settings.CC_ERROR;
import static media.edge.config.Settings.CC_INIT;
import static media.edge.config.Settings.CC_KEY;
import static media.edge.config.Settings.CC_LIVE_PLAYLIST_TARGET_FRACTION;
import static media.edge.config.Settings.CC_MASTER_PLAYLIST;
import static media.edge.config.Settings.CC_OTHER;
import static media.edge.config.Settings.CC_SEGMENT;
import static media.edge.config.Settings.CC_SUBTITLE;
import static media.edge.config.Settings.CC_VOD_PLAYLIST;
import static media.edge.config.Settings.CORS_ALLOWED_ORIGINS;
import static media.edge.config.Settings.CORS_MAX_AGE;
import static media.edge.config.Settings.HTTP_GZIP_PLAYLISTS;
import static media.edge.config.Settings.HTTP_PLAYER_PAGE;
import static media.edge.config.Settings.LIBRARY_ROOT;
import static media.edge.config.Settings.LOG_ACCESS;
import static media.edge.config.Settings.LOG_ACCESS_BUFFER;
import static media.edge.config.Settings.LOG_ACCESS_FILE;
import static media.edge.config.Settings.LOG_ACCESS_FLUSH;
import static media.edge.config.Settings.SERVER_ADMIN_PORT;
import static media.edge.config.Settings.SERVER_BIND;
import static media.edge.config.Settings.SERVER_DRAIN_TIMEOUT;
import static media.edge.config.Settings.SERVER_HEADER_TIMEOUT;
import static media.edge.config.Settings.SERVER_MAX_CONNECTIONS;
import static media.edge.config.Settings.SERVER_SEND_TIMEOUT;
import static media.edge.config.Settings.SERVER_FILE_THREADS;
import static media.edge.config.Settings.SERVER_IDLE_TIMEOUT;
import static media.edge.config.Settings.SERVER_IO_THREADS;
import static media.edge.config.Settings.SERVER_MAX_HEADER_BYTES;
import static media.edge.config.Settings.SERVER_MAX_URI_BYTES;
import static media.edge.config.Settings.SERVER_PORT;
import static media.edge.config.Settings.SERVER_PROXY_PROTOCOL;
import static media.edge.config.Settings.SERVER_TRUSTED_PROXIES;
import static media.edge.config.Settings.SERVER_TLS_CERT_FILE;
import static media.edge.config.Settings.SERVER_TLS_KEY_FILE;
import static media.edge.config.Settings.SERVER_TLS_RELOAD_INTERVAL;
import static media.edge.config.Settings.SERVER_TRANSPORT;
import static media.edge.config.Settings.TOKENS_ALGORITHM;
import static media.edge.config.Settings.TOKENS_CLOCK_SKEW;
import static media.edge.config.Settings.TOKENS_EXEMPT_PREFIXES;
import static media.edge.config.Settings.TOKENS_KEYS;
import static media.edge.config.Settings.TOKENS_KEYS_FILE;
import static media.edge.config.Settings.TOKENS_NAME;
import static media.edge.config.Settings.TOKENS_REQUIRED;
import static media.edge.config.Settings.TOKENS_SALT;
import static media.edge.config.Settings.TOKENS_SET_COOKIE;
import static media.edge.config.Settings.TOKENS_SOURCES;

import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one {@link EdgeConfig} of a server from, in increasing precedence: the built-in
 * {@linkplain #defaults() defaults}, a YAML file, {@code EDGE_*} environment variables and command-line
 * overrides. Every value is checked as it is read, so an error names the exact place it came from
 * ({@code edge.yaml:3:9}, {@code EDGE_SERVER_PORT}, {@code command line}); rules that span keys run once
 * on the merged result.
 *
 * <p>This class owns only that precedence and the cross-key rules. The keys are a declarative table in
 * {@link Settings}, their types and "expected" texts are in {@link ValueTypes}, and the file is read by
 * {@link YamlFile}. Adding a key means a constant and an entry in {@link Settings} and an argument in
 * {@code assemble}; the tests then insist on a line in {@code config/edge.yaml} and a sample in
 * {@code ConfigKeyTableTest}.
 *
 * <p>The environment is passed in rather than read, so that only {@code Main} touches
 * {@code System.getenv()} and tests need no process tricks.
 *
 * <p>Stateless: both methods are static and safe to call from any thread.
 */
public final class ConfigLoader {

  private static final Logger logger = LoggerFactory.getLogger(ConfigLoader.class);

  private static final String FLAG_SOURCE = "command line";

  private ConfigLoader() {}

  /**
   * The built-in defaults; the only place they are written down. Not checked: {@code library.root} need
   * not exist, and tokens are required while there is no key, which {@link #load} refuses until a key
   * or a key file is given.
   */
  public static EdgeConfig defaults() {
    return new EdgeConfig(
        new ServerConfig(
            // The admin port purges: loopback unless an operator opens it (compose and Kubernetes do, with a token).
            "0.0.0.0", 8080, 8081, "127.0.0.1", Duration.ofSeconds(60), Duration.ofSeconds(10),
            // nginx's client_header_timeout and send_timeout are 60 s; a player's request head is one packet.
            Duration.ofSeconds(10), Duration.ofSeconds(30), 0,
            8192, 16384, 0, 4, List.of(), false, TlsConfig.NONE, "auto"),
        // 1024 folders: a live channel has one per rendition; far below the usual inotify limit of 8192.
        new LibraryConfig(Path.of("./library"), true, 1024),
        // sendfile from 256 KiB: on the machine of bench/RESULTS.md, 400 KB and 3 MB segments went at
        // nginx's rate with sendfile, and below that a copy from memory costs less than opening the file.
        // 4096 kept descriptors: far below the usual process limit, more than one edge's hot set.
        new CacheConfig(536870912L, 16777216L, Duration.ofSeconds(1), 262_144L, Duration.ofMinutes(1), 4096),
        new HttpConfig(
            new CacheControlConfig(
                "public, max-age=31536000, immutable",
                "public, max-age=31536000, immutable",
                "public, max-age=86400",
                "public, max-age=60",
                0.5,
                "private, no-store",
                "public, max-age=31536000, immutable",
                "public, max-age=3600",
                "no-store"),
            new CorsConfig(List.of("*"), Duration.ofDays(1)),
            true,
            // The page plays what it is given, without a token: only the demo turns it on by itself.
            false),
        new TokenConfig(
            true,
            "hdnts",
            "sha256",
            List.of(),
            null,
            "",
            Duration.ofSeconds(5),
            List.of("query", "cookie", "header"),
            List.of(),
            false),
        new LogConfig(true, null, 65_536, Duration.ofSeconds(1)),
        new UpstreamConfig(
            List.of(),
            List.of(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            64,
            Duration.ofSeconds(2),
            "/",
            "",
            // Held requests wait at most three target durations at the origin; 30 s covers a 10 s target.
            Duration.ofSeconds(30),
            new UpstreamTlsConfig(null, null, null, false),
            // Five minutes of last good addresses ride out a DNS outage or a botched zone push, and are
            // short enough that an origin moved on purpose is followed soon after its old name dies.
            new UpstreamDnsConfig(List.of(), Duration.ofMinutes(5))),
        new EdgeCacheConfig(
            null,
            10_737_418_240L,
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            0.5,
            Duration.ZERO,
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            List.of(),
            List.of()),
        // 30 s of buffer: hls.js's default maxBufferLength, past which a player stops asking ahead anyway.
        // 100,000 sessions: about 12 MB of table (README, "CMCD"), more viewers than one edge serves.
        new CmcdConfig(true, true, Duration.ofSeconds(30), 64, Duration.ofSeconds(30), 100_000),
        new AdminConfig("", null));
  }

  /**
   * Loads and validates the configuration: defaults, then {@code file}, then {@code EDGE_*} entries of
   * {@code env}, then {@code overrides}; a later source wins per key.
   *
   * @param file the YAML file, or {@code null} for none; an empty file means all defaults
   * @param env the process environment; entries without the {@code EDGE_} prefix are ignored, and an
   *     {@code EDGE_*} name that maps to no key is logged (name only) and ignored
   * @param overrides command-line values keyed by dotted key ({@code "server.port" -> "0"}), parsed like
   *     environment values; an unknown key is an error, since it is a bug in the caller
   * @throws ConfigException on the first refused value, naming its source, key, value and expectation
   */
  public static EdgeConfig load(Path file, Map<String, String> env, Map<String, String> overrides)
      throws ConfigException {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(overrides, "overrides");
    Values values = new Values(defaults());
    if (file != null) {
      YamlFile.apply(file, values);
    }
    applyEnv(env, values);
    applyOverrides(overrides, values);
    checkAcrossKeys(values);
    return assemble(values);
  }

  // ---- sources after the file --------------------------------------------------------------------

  private static void applyEnv(Map<String, String> env, Values values) throws ConfigException {
    // Warn first: a typo such as EDGE_SERVER_PROT should be visible even if another value then fails.
    env.keySet().stream()
        .filter(name -> name.startsWith(Settings.ENV_PREFIX) && !Settings.isEnvName(name))
        .sorted()
        .forEach(name -> logger.warn(
            "Ignoring environment variable {}: it names no setting"
                + " (expected EDGE_ + a key such as EDGE_SERVER_PORT)",
            name));
    for (Setting<?> setting : Settings.ALL) {
      String value = env.get(setting.envName());
      if (value != null) {
        values.set(setting, value, setting.envName());
      }
    }
  }

  private static void applyOverrides(Map<String, String> overrides, Values values) throws ConfigException {
    for (String key : overrides.keySet().stream().sorted().toList()) {
      if (Settings.byKey(key) == null) {
        throw ConfigException.unknownKey(FLAG_SOURCE, key, Settings.keys());
      }
    }
    for (Setting<?> setting : Settings.ALL) {
      if (overrides.containsKey(setting.key())) {
        values.set(setting, overrides.get(setting.key()), FLAG_SOURCE);
      }
    }
  }

  // ---- rules that span keys, and assembly ---------------------------------------------------------

  private static void checkAcrossKeys(Values values) throws ConfigException {
    long memory = values.get(CACHE_MEMORY_BYTES);
    if (values.get(CACHE_MEMORY_MAX_OBJECT_BYTES) > memory) {
      throw values.refuse(
          CACHE_MEMORY_MAX_OBJECT_BYTES,
          "at most cache.memory-bytes, which is " + values.describe(CACHE_MEMORY_BYTES));
    }
    int port = values.get(SERVER_PORT);
    if (port != 0 && values.get(SERVER_ADMIN_PORT) == port) {
      throw values.refuse(
          SERVER_ADMIN_PORT, "0 or a port other than server.port, which is " + values.describe(SERVER_PORT));
    }
    Optional<Path> root = values.get(LIBRARY_ROOT);
    if (root.isEmpty() && values.get(UPSTREAM_URLS_KEY).isEmpty() && values.get(UPSTREAM_PARENTS).isEmpty()) {
      throw values.refuse(
          LIBRARY_ROOT, "an existing, readable directory, or \"\" only when upstream.urls or upstream.parents is set");
    }
    if (root.isPresent() && (!Files.isDirectory(root.get()) || !Files.isReadable(root.get()))) {
      throw values.refuse(LIBRARY_ROOT, "an existing, readable directory");
    }

    checkTokenKeys(values);
    checkTlsFiles(values);
    checkUpstreamTls(values);
    Optional<Path> adminTokenFile = values.get(ADMIN_TOKEN_FILE);
    if (adminTokenFile.isPresent() && !isReadableFile(adminTokenFile.get())) {
      throw values.refuse(ADMIN_TOKEN_FILE, "an existing, readable file");
    }
    if (adminTokenFile.isPresent() && !values.get(ADMIN_TOKEN).isEmpty()) {
      throw values.refuse(ADMIN_TOKEN_FILE, "\"\" when admin.token is set (one admin token, not two)");
    }
  }

  /**
   * Like key files, certificate and key must be there at start-up. Existence only, and each on its own:
   * the server parses them, and refuses one without the other, when it starts.
   */
  private static void checkTlsFiles(Values values) throws ConfigException {
    for (Setting<Optional<Path>> setting : List.of(SERVER_TLS_CERT_FILE, SERVER_TLS_KEY_FILE)) {
      Optional<Path> file = values.get(setting);
      if (file.isPresent() && !isReadableFile(file.get())) {
        throw values.refuse(setting, "an existing, readable PEM file");
      }
    }
  }

  /**
   * As for the data port's files: each must be there, and the server parses them (and refuses a client
   * certificate without its key) when it starts. Verifying nothing and naming a CA to verify with cannot
   * both be meant.
   */
  private static void checkUpstreamTls(Values values) throws ConfigException {
    for (Setting<Optional<Path>> setting : List.of(UPSTREAM_TLS_CA_FILE, UPSTREAM_TLS_CERT_FILE, UPSTREAM_TLS_KEY_FILE)) {
      Optional<Path> file = values.get(setting);
      if (file.isPresent() && !isReadableFile(file.get())) {
        throw values.refuse(setting, "an existing, readable PEM file");
      }
    }
    if (values.get(UPSTREAM_TLS_INSECURE) && values.get(UPSTREAM_TLS_CA_FILE).isPresent()) {
      throw values.refuse(
          UPSTREAM_TLS_INSECURE, "false when upstream.tls.ca-file is set, which is " + values.describe(UPSTREAM_TLS_CA_FILE));
    }
  }

  /**
   * Key files must be there at start-up (a later bad reload keeps the old keys; a bad start has none to
   * keep), and a server that requires tokens needs a key to check them with. Existence only: the token
   * package reads the files.
   */
  private static void checkTokenKeys(Values values) throws ConfigException {
    Optional<Path> keysFile = values.get(TOKENS_KEYS_FILE);
    if (keysFile.isPresent() && !isReadableFile(keysFile.get())) {
      throw values.refuse(TOKENS_KEYS_FILE, "an existing, readable file");
    }
    List<TokenKey> keys = values.get(TOKENS_KEYS);
    for (int i = 0; i < keys.size(); i++) {
      Path publicKey = keys.get(i).publicKey();
      if (publicKey != null && !isReadableFile(publicKey)) {
        throw values.refuse(
            TOKENS_KEYS, "[" + i + "].public-key", publicKey.toString(), "an existing, readable PEM file");
      }
    }
    if (values.get(TOKENS_REQUIRED) && keys.isEmpty() && keysFile.isEmpty()) {
      throw values.refuse(TOKENS_KEYS, "at least one key, or tokens.keys-file, when tokens.required is true");
    }
  }

  private static boolean isReadableFile(Path path) {
    return Files.isRegularFile(path) && Files.isReadable(path);
  }

  /** The one place the table meets the record shapes. */
  private static EdgeConfig assemble(Values v) {
    return new EdgeConfig(
        new ServerConfig(
            v.get(SERVER_BIND),
            v.get(SERVER_PORT),
            v.get(SERVER_ADMIN_PORT),
            v.get(SERVER_ADMIN_BIND),
            v.get(SERVER_IDLE_TIMEOUT),
            v.get(SERVER_DRAIN_TIMEOUT),
            v.get(SERVER_HEADER_TIMEOUT),
            v.get(SERVER_SEND_TIMEOUT),
            v.get(SERVER_MAX_CONNECTIONS),
            v.get(SERVER_MAX_URI_BYTES),
            v.get(SERVER_MAX_HEADER_BYTES),
            v.get(SERVER_IO_THREADS),
            v.get(SERVER_FILE_THREADS),
            v.get(SERVER_TRUSTED_PROXIES),
            v.get(SERVER_PROXY_PROTOCOL),
            new TlsConfig(
                v.get(SERVER_TLS_CERT_FILE).orElse(null),
                v.get(SERVER_TLS_KEY_FILE).orElse(null),
                v.get(SERVER_TLS_RELOAD_INTERVAL)),
            v.get(SERVER_TRANSPORT)),
        new LibraryConfig(v.get(LIBRARY_ROOT).orElse(null), v.get(LIBRARY_WATCH), v.get(LIBRARY_WATCH_MAX_FOLDERS)),
        new CacheConfig(
            v.get(CACHE_MEMORY_BYTES),
            v.get(CACHE_MEMORY_MAX_OBJECT_BYTES),
            v.get(CACHE_MEMORY_REVALIDATE),
            v.get(CACHE_SENDFILE_MIN_BYTES),
            v.get(CACHE_IMMUTABLE_REVALIDATE),
            v.get(CACHE_OPEN_FILES)),
        new HttpConfig(
            new CacheControlConfig(
                v.get(CC_SEGMENT),
                v.get(CC_INIT),
                v.get(CC_VOD_PLAYLIST),
                v.get(CC_MASTER_PLAYLIST),
                v.get(CC_LIVE_PLAYLIST_TARGET_FRACTION),
                v.get(CC_KEY),
                v.get(CC_SUBTITLE),
                v.get(CC_OTHER),
                v.get(CC_ERROR)),
            new CorsConfig(v.get(CORS_ALLOWED_ORIGINS), v.get(CORS_MAX_AGE)),
            v.get(HTTP_GZIP_PLAYLISTS),
            v.get(HTTP_PLAYER_PAGE)),
        new TokenConfig(
            v.get(TOKENS_REQUIRED),
            v.get(TOKENS_NAME),
            v.get(TOKENS_ALGORITHM),
            v.get(TOKENS_KEYS),
            v.get(TOKENS_KEYS_FILE).orElse(null),
            v.get(TOKENS_SALT),
            v.get(TOKENS_CLOCK_SKEW),
            v.get(TOKENS_SOURCES),
            v.get(TOKENS_EXEMPT_PREFIXES),
            v.get(TOKENS_SET_COOKIE)),
        new LogConfig(
            v.get(LOG_ACCESS), v.get(LOG_ACCESS_FILE).orElse(null), v.get(LOG_ACCESS_BUFFER), v.get(LOG_ACCESS_FLUSH)),
        new UpstreamConfig(
            uris(v.get(UPSTREAM_URLS_KEY)),
            uris(v.get(UPSTREAM_PARENTS)),
            v.get(UPSTREAM_CONNECT_TIMEOUT),
            v.get(UPSTREAM_RESPONSE_TIMEOUT),
            v.get(UPSTREAM_IDLE_TIMEOUT),
            v.get(UPSTREAM_MAX_CONNECTIONS),
            v.get(UPSTREAM_HEALTH_INTERVAL),
            v.get(UPSTREAM_HEALTH_PATH),
            v.get(UPSTREAM_NODE_NAME),
            v.get(UPSTREAM_HOLD_TIMEOUT),
            new UpstreamTlsConfig(
                v.get(UPSTREAM_TLS_CA_FILE).orElse(null),
                v.get(UPSTREAM_TLS_CERT_FILE).orElse(null),
                v.get(UPSTREAM_TLS_KEY_FILE).orElse(null),
                v.get(UPSTREAM_TLS_INSECURE)),
            new UpstreamDnsConfig(
                v.get(UPSTREAM_DNS_SERVERS).stream().map(ValueTypes::dnsServer).toList(), v.get(UPSTREAM_DNS_STALE_FOR))),
        new EdgeCacheConfig(
            v.get(CACHE_DISK_DIR).orElse(null),
            v.get(CACHE_DISK_BYTES),
            v.get(TTL_SEGMENT),
            v.get(TTL_VOD_PLAYLIST),
            v.get(TTL_LIVE_PLAYLIST_TARGET_FRACTION),
            v.get(TTL_OTHER),
            v.get(CACHE_NOT_FOUND_MAX_TTL),
            v.get(CACHE_STALE_IF_ERROR),
            v.get(CACHE_KEY_IGNORE_PARAMS),
            v.get(CACHE_KEY_LIVE_PARAMS)),
        new CmcdConfig(
            v.get(CMCD_ENABLED),
            v.get(CMCD_PREFETCH),
            v.get(CMCD_PREFETCH_MAX_BUFFER),
            v.get(CMCD_PREFETCH_CONCURRENCY),
            v.get(CMCD_AUDIENCE_WINDOW),
            v.get(CMCD_AUDIENCE_MAX_SESSIONS)),
        new AdminConfig(v.get(ADMIN_TOKEN), v.get(ADMIN_TOKEN_FILE).orElse(null)));
  }

  /** URLs the value type already checked. */
  private static List<URI> uris(List<String> texts) {
    return texts.stream().map(URI::create).toList();
  }
}
