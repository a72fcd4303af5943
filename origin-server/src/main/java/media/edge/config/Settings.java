package media.edge.config;

import static media.edge.config.ValueTypes.ADDRESS;
import static media.edge.config.ValueTypes.ALGORITHM;
import static media.edge.config.ValueTypes.BOOLEAN;
import static media.edge.config.ValueTypes.CONNECTIONS;
import static media.edge.config.ValueTypes.HEALTH_PATH;
import static media.edge.config.ValueTypes.NODE_NAME;
import static media.edge.config.ValueTypes.OPTIONAL_DIRECTORY;
import static media.edge.config.ValueTypes.OPTIONAL_DIRECTORY_NONE;
import static media.edge.config.ValueTypes.UPSTREAM_URLS;
import static media.edge.config.ValueTypes.DNS_SERVERS;
import static media.edge.config.ValueTypes.DURATION;
import static media.edge.config.ValueTypes.FRACTION;
import static media.edge.config.ValueTypes.HEADER_VALUE;
import static media.edge.config.ValueTypes.LIMIT_BYTES;
import static media.edge.config.ValueTypes.MEMORY_BYTES;
import static media.edge.config.ValueTypes.OBJECT_BYTES;
import static media.edge.config.ValueTypes.OPTIONAL_FILE;
import static media.edge.config.ValueTypes.ORIGINS;
import static media.edge.config.ValueTypes.PARAM_NAMES;
import static media.edge.config.ValueTypes.PATH_PREFIXES;
import static media.edge.config.ValueTypes.PORT;
import static media.edge.config.ValueTypes.POSITIVE_DURATION;
import static media.edge.config.ValueTypes.PROXIES;
import static media.edge.config.ValueTypes.SALT;
import static media.edge.config.ValueTypes.SOURCES;
import static media.edge.config.ValueTypes.THREADS;
import static media.edge.config.ValueTypes.CONNECTIONS_OR_AUTO;
import static media.edge.config.ValueTypes.COUNT;
import static media.edge.config.ValueTypes.THREADS_OR_ZERO;
import static media.edge.config.ValueTypes.TOKEN_KEYS;
import static media.edge.config.ValueTypes.TOKEN_NAME;
import static media.edge.config.ValueTypes.TRANSPORT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The declarative key table: every {@link Setting}, with its type and where its default sits. YAML
 * nesting, environment names and unknown-key messages all derive from this table, so a key is
 * declared here once and nowhere else spells it.
 *
 * <p>Immutable after class initialization; safe to read from any thread.
 */
final class Settings {

  static final String ENV_PREFIX = "EDGE_";

  static final Setting<String> SERVER_BIND = setting("server.bind", ADDRESS, c -> c.server().bind());
  static final Setting<Integer> SERVER_PORT = setting("server.port", PORT, c -> c.server().port());
  static final Setting<Integer> SERVER_ADMIN_PORT =
      setting("server.admin-port", PORT, c -> c.server().adminPort());
  static final Setting<String> SERVER_ADMIN_BIND = setting("server.admin-bind", ADDRESS, c -> c.server().adminBind());
  static final Setting<Duration> SERVER_IDLE_TIMEOUT =
      setting("server.idle-timeout", POSITIVE_DURATION, c -> c.server().idleTimeout());
  static final Setting<Duration> SERVER_DRAIN_TIMEOUT =
      setting("server.drain-timeout", POSITIVE_DURATION, c -> c.server().drainTimeout());
  static final Setting<Duration> SERVER_HEADER_TIMEOUT =
      setting("server.header-timeout", POSITIVE_DURATION, c -> c.server().headerTimeout());
  static final Setting<Duration> SERVER_SEND_TIMEOUT =
      setting("server.send-timeout", POSITIVE_DURATION, c -> c.server().sendTimeout());
  static final Setting<Integer> SERVER_MAX_CONNECTIONS =
      setting("server.max-connections", CONNECTIONS_OR_AUTO, c -> c.server().maxConnections());
  static final Setting<Integer> SERVER_MAX_URI_BYTES =
      setting("server.max-uri-bytes", LIMIT_BYTES, c -> c.server().maxUriBytes());
  static final Setting<Integer> SERVER_MAX_HEADER_BYTES =
      setting("server.max-header-bytes", LIMIT_BYTES, c -> c.server().maxHeaderBytes());
  static final Setting<Integer> SERVER_IO_THREADS =
      setting("server.io-threads", THREADS_OR_ZERO, c -> c.server().ioThreads());
  static final Setting<Integer> SERVER_FILE_THREADS =
      setting("server.file-threads", THREADS, c -> c.server().fileThreads());
  static final Setting<List<String>> SERVER_TRUSTED_PROXIES =
      setting("server.trusted-proxies", PROXIES, c -> c.server().trustedProxies());
  static final Setting<Boolean> SERVER_PROXY_PROTOCOL =
      setting("server.proxy-protocol", BOOLEAN, c -> c.server().proxyProtocol());
  static final Setting<Optional<Path>> SERVER_TLS_CERT_FILE =
      setting("server.tls.cert-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.server().tls().certFile()));
  static final Setting<Optional<Path>> SERVER_TLS_KEY_FILE =
      setting("server.tls.key-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.server().tls().keyFile()));
  static final Setting<Duration> SERVER_TLS_RELOAD_INTERVAL =
      setting("server.tls.reload-interval", DURATION, c -> c.server().tls().reloadInterval());
  static final Setting<String> SERVER_TRANSPORT = setting("server.transport", TRANSPORT, c -> c.server().transport());

  static final Setting<Optional<Path>> LIBRARY_ROOT =
      setting("library.root", OPTIONAL_DIRECTORY, c -> Optional.ofNullable(c.library().root()));
  static final Setting<Boolean> LIBRARY_WATCH = setting("library.watch", BOOLEAN, c -> c.library().watch());
  static final Setting<Integer> LIBRARY_WATCH_MAX_FOLDERS =
      setting("library.watch-max-folders", COUNT, c -> c.library().watchMaxFolders());

  static final Setting<Long> CACHE_MEMORY_BYTES =
      setting("cache.memory-bytes", MEMORY_BYTES, c -> c.cache().memoryBytes());
  static final Setting<Long> CACHE_MEMORY_MAX_OBJECT_BYTES =
      setting("cache.memory-max-object-bytes", OBJECT_BYTES, c -> c.cache().memoryMaxObjectBytes());
  static final Setting<Duration> CACHE_MEMORY_REVALIDATE =
      setting("cache.memory-revalidate", DURATION, c -> c.cache().memoryRevalidate());

  static final Setting<Long> CACHE_SENDFILE_MIN_BYTES =
      setting("cache.sendfile-min-bytes", OBJECT_BYTES, c -> c.cache().sendfileMinBytes());
  static final Setting<Duration> CACHE_IMMUTABLE_REVALIDATE =
      setting("cache.immutable-revalidate", DURATION, c -> c.cache().immutableRevalidate());
  static final Setting<Integer> CACHE_OPEN_FILES =
      setting("cache.open-files", COUNT, c -> c.cache().openFiles());
  static final Setting<Optional<Path>> CACHE_DISK_DIR =
      setting("cache.disk-dir", OPTIONAL_DIRECTORY_NONE, c -> Optional.ofNullable(c.edgeCache().diskDir()));
  static final Setting<Long> CACHE_DISK_BYTES =
      setting("cache.disk-bytes", MEMORY_BYTES, c -> c.edgeCache().diskBytes());
  static final Setting<Duration> TTL_SEGMENT =
      setting("cache.default-ttl.segment", DURATION, c -> c.edgeCache().segmentTtl());
  static final Setting<Duration> TTL_VOD_PLAYLIST =
      setting("cache.default-ttl.vod-playlist", DURATION, c -> c.edgeCache().vodPlaylistTtl());
  static final Setting<Double> TTL_LIVE_PLAYLIST_TARGET_FRACTION = setting(
      "cache.default-ttl.live-playlist-target-fraction", FRACTION, c -> c.edgeCache().livePlaylistTargetFraction());
  static final Setting<Duration> TTL_OTHER =
      setting("cache.default-ttl.other", DURATION, c -> c.edgeCache().otherTtl());
  static final Setting<Duration> CACHE_NOT_FOUND_MAX_TTL =
      setting("cache.not-found-max-ttl", DURATION, c -> c.edgeCache().notFoundMaxTtl());
  static final Setting<Duration> CACHE_STALE_IF_ERROR =
      setting("cache.stale-if-error", DURATION, c -> c.edgeCache().staleIfError());
  static final Setting<List<String>> CACHE_KEY_IGNORE_PARAMS =
      setting("cache.key.ignore-params", PARAM_NAMES, c -> c.edgeCache().keyIgnoreParams());
  static final Setting<List<String>> CACHE_KEY_LIVE_PARAMS =
      setting("cache.key.live-params", PARAM_NAMES, c -> c.edgeCache().keyLiveParams());

  static final Setting<List<String>> UPSTREAM_URLS_KEY =
      setting("upstream.urls", UPSTREAM_URLS, c -> c.upstream().urls().stream().map(Object::toString).toList());
  static final Setting<List<String>> UPSTREAM_PARENTS =
      setting("upstream.parents", UPSTREAM_URLS, c -> c.upstream().parents().stream().map(Object::toString).toList());
  static final Setting<Duration> UPSTREAM_CONNECT_TIMEOUT =
      setting("upstream.connect-timeout", POSITIVE_DURATION, c -> c.upstream().connectTimeout());
  static final Setting<Duration> UPSTREAM_RESPONSE_TIMEOUT =
      setting("upstream.response-timeout", POSITIVE_DURATION, c -> c.upstream().responseTimeout());
  static final Setting<Duration> UPSTREAM_IDLE_TIMEOUT =
      setting("upstream.idle-timeout", POSITIVE_DURATION, c -> c.upstream().idleTimeout());
  static final Setting<Integer> UPSTREAM_MAX_CONNECTIONS =
      setting("upstream.max-connections", CONNECTIONS, c -> c.upstream().maxConnections());
  static final Setting<Duration> UPSTREAM_HEALTH_INTERVAL =
      setting("upstream.health-interval", POSITIVE_DURATION, c -> c.upstream().healthInterval());
  static final Setting<String> UPSTREAM_HEALTH_PATH =
      setting("upstream.health-path", HEALTH_PATH, c -> c.upstream().healthPath());
  static final Setting<String> UPSTREAM_NODE_NAME =
      setting("upstream.node-name", NODE_NAME, c -> c.upstream().nodeName());
  static final Setting<Duration> UPSTREAM_HOLD_TIMEOUT =
      setting("upstream.hold-timeout", POSITIVE_DURATION, c -> c.upstream().holdTimeout());
  static final Setting<Optional<Path>> UPSTREAM_TLS_CA_FILE =
      setting("upstream.tls.ca-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.upstream().tls().caFile()));
  static final Setting<Optional<Path>> UPSTREAM_TLS_CERT_FILE =
      setting("upstream.tls.cert-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.upstream().tls().certFile()));
  static final Setting<Optional<Path>> UPSTREAM_TLS_KEY_FILE =
      setting("upstream.tls.key-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.upstream().tls().keyFile()));
  static final Setting<Boolean> UPSTREAM_TLS_INSECURE =
      setting("upstream.tls.insecure", BOOLEAN, c -> c.upstream().tls().insecure());
  static final Setting<List<String>> UPSTREAM_DNS_SERVERS =
      setting("upstream.dns.servers", DNS_SERVERS,
          c -> c.upstream().dns().servers().stream().map(ValueTypes::dnsServerText).toList());
  static final Setting<Duration> UPSTREAM_DNS_STALE_FOR =
      setting("upstream.dns.stale-for", DURATION, c -> c.upstream().dns().staleFor());

  static final Setting<Boolean> HTTP_GZIP_PLAYLISTS =
      setting("http.gzip-playlists", BOOLEAN, c -> c.http().gzipPlaylists());
  static final Setting<Boolean> HTTP_PLAYER_PAGE =
      setting("http.player-page", BOOLEAN, c -> c.http().playerPage());
  static final Setting<String> CC_SEGMENT =
      setting("http.cache-control.segment", HEADER_VALUE, c -> c.http().cacheControl().segment());
  static final Setting<String> CC_INIT =
      setting("http.cache-control.init", HEADER_VALUE, c -> c.http().cacheControl().init());
  static final Setting<String> CC_VOD_PLAYLIST =
      setting("http.cache-control.vod-playlist", HEADER_VALUE, c -> c.http().cacheControl().vodPlaylist());
  static final Setting<String> CC_MASTER_PLAYLIST =
      setting("http.cache-control.master-playlist", HEADER_VALUE, c -> c.http().cacheControl().masterPlaylist());
  static final Setting<Double> CC_LIVE_PLAYLIST_TARGET_FRACTION = setting(
      "http.cache-control.live-playlist-target-fraction",
      FRACTION,
      c -> c.http().cacheControl().livePlaylistTargetFraction());
  static final Setting<String> CC_KEY =
      setting("http.cache-control.key", HEADER_VALUE, c -> c.http().cacheControl().key());
  static final Setting<String> CC_SUBTITLE =
      setting("http.cache-control.subtitle", HEADER_VALUE, c -> c.http().cacheControl().subtitle());
  static final Setting<String> CC_OTHER =
      setting("http.cache-control.other", HEADER_VALUE, c -> c.http().cacheControl().other());
  static final Setting<String> CC_ERROR =
      setting("http.cache-control.error", HEADER_VALUE, c -> c.http().cacheControl().error());
  static final Setting<List<String>> CORS_ALLOWED_ORIGINS =
      setting("http.cors.allowed-origins", ORIGINS, c -> c.http().cors().allowedOrigins());
  static final Setting<Duration> CORS_MAX_AGE =
      setting("http.cors.max-age", DURATION, c -> c.http().cors().maxAge());

  static final Setting<Boolean> TOKENS_REQUIRED =
      setting("tokens.required", BOOLEAN, c -> c.tokens().required());
  static final Setting<String> TOKENS_NAME = setting("tokens.name", TOKEN_NAME, c -> c.tokens().name());
  static final Setting<String> TOKENS_ALGORITHM =
      setting("tokens.algorithm", ALGORITHM, c -> c.tokens().algorithm());
  static final Setting<List<TokenKey>> TOKENS_KEYS = sensitive("tokens.keys", TOKEN_KEYS, c -> c.tokens().keys());
  /** Empty for none: a parser's {@code null} means "refused", so it cannot also mean "no file". */
  static final Setting<Optional<Path>> TOKENS_KEYS_FILE =
      setting("tokens.keys-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.tokens().keysFile()));
  static final Setting<String> TOKENS_SALT = sensitive("tokens.salt", SALT, c -> c.tokens().salt());
  static final Setting<Duration> TOKENS_CLOCK_SKEW =
      setting("tokens.clock-skew", DURATION, c -> c.tokens().clockSkew());
  static final Setting<List<String>> TOKENS_SOURCES =
      setting("tokens.sources", SOURCES, c -> c.tokens().sources());
  static final Setting<List<String>> TOKENS_EXEMPT_PREFIXES =
      setting("tokens.exempt-prefixes", PATH_PREFIXES, c -> c.tokens().exemptPrefixes());
  static final Setting<Boolean> TOKENS_SET_COOKIE =
      setting("tokens.set-cookie", BOOLEAN, c -> c.tokens().setCookie());

  static final Setting<Boolean> CMCD_ENABLED = setting("cmcd.enabled", BOOLEAN, c -> c.cmcd().enabled());
  static final Setting<Boolean> CMCD_PREFETCH = setting("cmcd.prefetch", BOOLEAN, c -> c.cmcd().prefetch());
  static final Setting<Duration> CMCD_PREFETCH_MAX_BUFFER =
      setting("cmcd.prefetch-max-buffer", POSITIVE_DURATION, c -> c.cmcd().prefetchMaxBuffer());
  static final Setting<Integer> CMCD_PREFETCH_CONCURRENCY =
      setting("cmcd.prefetch-concurrency", COUNT, c -> c.cmcd().prefetchConcurrency());
  static final Setting<Duration> CMCD_AUDIENCE_WINDOW =
      setting("cmcd.audience-window", POSITIVE_DURATION, c -> c.cmcd().audienceWindow());
  static final Setting<Integer> CMCD_AUDIENCE_MAX_SESSIONS =
      setting("cmcd.audience-max-sessions", COUNT, c -> c.cmcd().audienceMaxSessions());

  static final Setting<String> ADMIN_TOKEN = sensitive("admin.token", SALT, c -> c.admin().token());
  static final Setting<Optional<Path>> ADMIN_TOKEN_FILE =
      setting("admin.token-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.admin().tokenFile()));

  static final Setting<Boolean> LOG_ACCESS = setting("log.access", BOOLEAN, c -> c.log().access());
  static final Setting<Optional<Path>> LOG_ACCESS_FILE =
      setting("log.access-file", OPTIONAL_FILE, c -> Optional.ofNullable(c.log().accessFile()));
  static final Setting<Integer> LOG_ACCESS_BUFFER =
      setting("log.access-buffer", LIMIT_BYTES, c -> (int) c.log().accessBuffer());
  static final Setting<Duration> LOG_ACCESS_FLUSH =
      setting("log.access-flush", POSITIVE_DURATION, c -> c.log().accessFlush());

  /** Every setting, in the order of {@code config/edge.yaml}; this order also makes errors deterministic. */
  static final List<Setting<?>> ALL = List.of(
      SERVER_BIND, SERVER_PORT, SERVER_ADMIN_PORT, SERVER_ADMIN_BIND, SERVER_IDLE_TIMEOUT, SERVER_DRAIN_TIMEOUT,
      SERVER_HEADER_TIMEOUT, SERVER_SEND_TIMEOUT, SERVER_MAX_CONNECTIONS, SERVER_MAX_URI_BYTES, SERVER_MAX_HEADER_BYTES, SERVER_IO_THREADS, SERVER_FILE_THREADS,
      SERVER_TRUSTED_PROXIES, SERVER_PROXY_PROTOCOL,
      SERVER_TRANSPORT, SERVER_TLS_CERT_FILE, SERVER_TLS_KEY_FILE, SERVER_TLS_RELOAD_INTERVAL,
      LIBRARY_ROOT, LIBRARY_WATCH, LIBRARY_WATCH_MAX_FOLDERS,
      CACHE_MEMORY_BYTES, CACHE_MEMORY_MAX_OBJECT_BYTES, CACHE_MEMORY_REVALIDATE, CACHE_SENDFILE_MIN_BYTES,
      CACHE_IMMUTABLE_REVALIDATE, CACHE_OPEN_FILES,
      CACHE_DISK_DIR, CACHE_DISK_BYTES, TTL_SEGMENT, TTL_VOD_PLAYLIST, TTL_LIVE_PLAYLIST_TARGET_FRACTION, TTL_OTHER,
      CACHE_NOT_FOUND_MAX_TTL, CACHE_STALE_IF_ERROR, CACHE_KEY_IGNORE_PARAMS, CACHE_KEY_LIVE_PARAMS,
      HTTP_GZIP_PLAYLISTS, HTTP_PLAYER_PAGE,
      CC_SEGMENT, CC_INIT, CC_VOD_PLAYLIST, CC_MASTER_PLAYLIST, CC_LIVE_PLAYLIST_TARGET_FRACTION,
      CC_KEY, CC_SUBTITLE, CC_OTHER, CC_ERROR,
      CORS_ALLOWED_ORIGINS, CORS_MAX_AGE,
      TOKENS_REQUIRED, TOKENS_NAME, TOKENS_ALGORITHM, TOKENS_KEYS, TOKENS_KEYS_FILE, TOKENS_SALT,
      TOKENS_CLOCK_SKEW, TOKENS_SOURCES, TOKENS_EXEMPT_PREFIXES, TOKENS_SET_COOKIE,
      LOG_ACCESS, LOG_ACCESS_FILE, LOG_ACCESS_BUFFER, LOG_ACCESS_FLUSH,
      CMCD_ENABLED, CMCD_PREFETCH, CMCD_PREFETCH_MAX_BUFFER, CMCD_PREFETCH_CONCURRENCY, CMCD_AUDIENCE_WINDOW,
      CMCD_AUDIENCE_MAX_SESSIONS,
      ADMIN_TOKEN, ADMIN_TOKEN_FILE,
      UPSTREAM_URLS_KEY, UPSTREAM_PARENTS, UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_RESPONSE_TIMEOUT, UPSTREAM_IDLE_TIMEOUT,
      UPSTREAM_MAX_CONNECTIONS, UPSTREAM_HEALTH_INTERVAL, UPSTREAM_HEALTH_PATH, UPSTREAM_NODE_NAME,
      UPSTREAM_HOLD_TIMEOUT, UPSTREAM_TLS_CA_FILE, UPSTREAM_TLS_CERT_FILE, UPSTREAM_TLS_KEY_FILE, UPSTREAM_TLS_INSECURE,
      UPSTREAM_DNS_SERVERS, UPSTREAM_DNS_STALE_FOR);

  private static final Map<String, Setting<?>> BY_KEY = index(Setting::key);
  private static final Map<String, Setting<?>> BY_ENV_NAME = index(Setting::envName);

  private Settings() {}

  /** Every dotted key, in table order; lets tests check that {@code config/edge.yaml} documents them all. */
  static List<String> keys() {
    return ALL.stream().map(Setting::key).toList();
  }

  /** The environment variable for a key: {@code EDGE_} + upper case, with {@code .} and {@code -} as {@code _}. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The setting with this dotted key, or {@code null} if there is none. */
  static Setting<?> byKey(String key) {
    return BY_KEY.get(key);
  }

  static boolean isEnvName(String name) {
    return BY_ENV_NAME.containsKey(name);
  }

  /** True for a dotted prefix of some key ({@code http.cors}), which YAML writes as a nested map. */
  static boolean isSection(String key) {
    return ALL.stream().anyMatch(s -> s.key().startsWith(key + "."));
  }

  /** The next name segments below {@code prefix} ("" or "server."), in table order, for unknown-key messages. */
  static List<String> children(String prefix) {
    Set<String> names = new LinkedHashSet<>();
    for (Setting<?> setting : ALL) {
      if (setting.key().startsWith(prefix)) {
        String rest = setting.key().substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return List.copyOf(names);
  }

  private static <T> Setting<T> setting(String key, ValueType<T> type, Function<EdgeConfig, T> read) {
    return new Setting<>(key, type, read, false);
  }

  /** A setting whose value never appears in a message, whichever part of it is at fault. */
  private static <T> Setting<T> sensitive(String key, ValueType<T> type, Function<EdgeConfig, T> read) {
    return new Setting<>(key, type, read, true);
  }

  private static Map<String, Setting<?>> index(Function<Setting<?>, String> name) {
    Map<String, Setting<?>> map = new HashMap<>();
    for (Setting<?> setting : ALL) {
      if (map.put(name.apply(setting), setting) != null) {
        throw new IllegalStateException("two settings share the name " + name.apply(setting));
      }
    }
    return Map.copyOf(map);
  }
}
