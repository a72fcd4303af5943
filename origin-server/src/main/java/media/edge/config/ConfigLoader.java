package media.edge.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Builds the one {@link EdgeConfig} of a server from, in increasing precedence: the built-in
 * {@linkplain #defaults() defaults}, a YAML file, {@code EDGE_*} environment variables and command-line
 * overrides. Every value is checked as it is read, so an error names the exact place it came from
 * ({@code edge.yaml:3:9}, {@code EDGE_SERVER_PORT}, {@code command line}); rules that span keys run once
 * on the merged result.
 *
 * <p>The settings are a declarative table: each {@code Setting} names its key, its {@code Type} (parser
 * plus the words used when a value is refused) and where its default sits. YAML nesting, environment
 * names and unknown-key messages all derive from that table. Adding a key means a constant, an entry in
 * {@code SETTINGS} and an argument in {@code assemble}; the tests then insist on a line in
 * {@code config/edge.yaml} and a sample in {@code ConfigKeyTableTest}.
 *
 * <p>The environment is passed in rather than read, so that only {@code Main} touches
 * {@code System.getenv()} and tests need no process tricks.
 *
 * <p>Stateless: both methods are static and safe to call from any thread.
 */
public final class ConfigLoader {

  private static final Logger logger = LoggerFactory.getLogger(ConfigLoader.class);

  /** Configuration files are small; anything bigger is a mistake or an attack on the parser. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Enough for a reused origin list; far too few for a "billion laughs" expansion. */
  private static final int MAX_ALIASES = 10;

  /** Our keys nest three levels; a little slack, then refuse pathological nesting. */
  private static final int MAX_NESTING = 16;

  private static final String ENV_PREFIX = "EDGE_";
  private static final String FLAG_SOURCE = "command line";
  private static final String DEFAULT_SOURCE = "default";

  // ---- value types -------------------------------------------------------------------------------

  private static final String SIZE_UNITS = "units B, KiB, MiB, GiB, KB, MB, GB";
  private static final String DURATION_FORMS =
      "such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds)";

  private static final Type<Integer> PORT = integer(0, 65535, "an integer port 0-65535");
  private static final Type<Integer> LIMIT_BYTES =
      intSize(256, 1048576, "a byte size 256-1048576 such as 8192 or 8KiB");
  private static final Type<Integer> THREADS_OR_ZERO =
      integer(0, Integer.MAX_VALUE, "an integer >= 0 (0 means one per core)");
  private static final Type<Integer> THREADS = integer(1, Integer.MAX_VALUE, "an integer >= 1");
  private static final Type<Duration> POSITIVE_DURATION = duration(false, "a duration > 0 " + DURATION_FORMS);
  private static final Type<Duration> DURATION = duration(true, "a duration >= 0 " + DURATION_FORMS);
  private static final Type<Long> MEMORY_BYTES =
      size(1, Long.MAX_VALUE, "a byte size > 0 such as 536870912 or 512MiB (" + SIZE_UNITS + ")");
  // Memory buffers are int-indexed, so one object cannot exceed Integer.MAX_VALUE bytes.
  private static final Type<Long> OBJECT_BYTES =
      size(1, Integer.MAX_VALUE, "a byte size 1-2147483647 such as 16MiB (" + SIZE_UNITS + ")");
  private static final Type<Boolean> BOOLEAN =
      scalar("true or false", t -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null);
  private static final Type<Double> FRACTION =
      scalar("a number in (0, 1] such as 0.5", ConfigLoader::parseFraction);
  private static final Type<String> ADDRESS =
      scalar("a host name or IP address (non-blank, no spaces)", t -> t.matches("\\S+") ? t : null);
  private static final Type<String> HEADER_VALUE = scalar(
      "a non-blank header value of printable ASCII",
      t -> t.matches("[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*") ? t : null);
  private static final Type<Path> DIRECTORY = scalar("a non-blank directory path", ConfigLoader::parsePath);
  private static final Type<List<String>> ORIGINS = origins(
      "a list of \"*\" or origins such as https://player.example.com"
          + " (scheme://host[:port], lower case, no path; comma-separated outside YAML)");

  // ---- the settings ------------------------------------------------------------------------------

  private static final Setting<String> SERVER_BIND = setting("server.bind", ADDRESS, c -> c.server().bind());
  private static final Setting<Integer> SERVER_PORT = setting("server.port", PORT, c -> c.server().port());
  private static final Setting<Integer> SERVER_ADMIN_PORT =
      setting("server.admin-port", PORT, c -> c.server().adminPort());
  private static final Setting<Duration> SERVER_IDLE_TIMEOUT =
      setting("server.idle-timeout", POSITIVE_DURATION, c -> c.server().idleTimeout());
  private static final Setting<Duration> SERVER_DRAIN_TIMEOUT =
      setting("server.drain-timeout", POSITIVE_DURATION, c -> c.server().drainTimeout());
  private static final Setting<Integer> SERVER_MAX_URI_BYTES =
      setting("server.max-uri-bytes", LIMIT_BYTES, c -> c.server().maxUriBytes());
  private static final Setting<Integer> SERVER_MAX_HEADER_BYTES =
      setting("server.max-header-bytes", LIMIT_BYTES, c -> c.server().maxHeaderBytes());
  private static final Setting<Integer> SERVER_IO_THREADS =
      setting("server.io-threads", THREADS_OR_ZERO, c -> c.server().ioThreads());
  private static final Setting<Integer> SERVER_FILE_THREADS =
      setting("server.file-threads", THREADS, c -> c.server().fileThreads());

  private static final Setting<Path> LIBRARY_ROOT = setting("library.root", DIRECTORY, c -> c.library().root());

  private static final Setting<Long> CACHE_MEMORY_BYTES =
      setting("cache.memory-bytes", MEMORY_BYTES, c -> c.cache().memoryBytes());
  private static final Setting<Long> CACHE_MEMORY_MAX_OBJECT_BYTES =
      setting("cache.memory-max-object-bytes", OBJECT_BYTES, c -> c.cache().memoryMaxObjectBytes());
  private static final Setting<Duration> CACHE_MEMORY_REVALIDATE =
      setting("cache.memory-revalidate", DURATION, c -> c.cache().memoryRevalidate());

  private static final Setting<Boolean> HTTP_GZIP_PLAYLISTS =
      setting("http.gzip-playlists", BOOLEAN, c -> c.http().gzipPlaylists());
  private static final Setting<String> CC_SEGMENT =
      setting("http.cache-control.segment", HEADER_VALUE, c -> c.http().cacheControl().segment());
  private static final Setting<String> CC_INIT =
      setting("http.cache-control.init", HEADER_VALUE, c -> c.http().cacheControl().init());
  private static final Setting<String> CC_VOD_PLAYLIST =
      setting("http.cache-control.vod-playlist", HEADER_VALUE, c -> c.http().cacheControl().vodPlaylist());
  private static final Setting<String> CC_MASTER_PLAYLIST =
      setting("http.cache-control.master-playlist", HEADER_VALUE, c -> c.http().cacheControl().masterPlaylist());
  private static final Setting<Double> CC_LIVE_PLAYLIST_TARGET_FRACTION = setting(
      "http.cache-control.live-playlist-target-fraction",
      FRACTION,
      c -> c.http().cacheControl().livePlaylistTargetFraction());
  private static final Setting<String> CC_KEY =
      setting("http.cache-control.key", HEADER_VALUE, c -> c.http().cacheControl().key());
  private static final Setting<String> CC_SUBTITLE =
      setting("http.cache-control.subtitle", HEADER_VALUE, c -> c.http().cacheControl().subtitle());
  private static final Setting<String> CC_OTHER =
      setting("http.cache-control.other", HEADER_VALUE, c -> c.http().cacheControl().other());
  private static final Setting<String> CC_ERROR =
      setting("http.cache-control.error", HEADER_VALUE, c -> c.http().cacheControl().error());
  private static final Setting<List<String>> CORS_ALLOWED_ORIGINS =
      setting("http.cors.allowed-origins", ORIGINS, c -> c.http().cors().allowedOrigins());
  private static final Setting<Duration> CORS_MAX_AGE =
      setting("http.cors.max-age", DURATION, c -> c.http().cors().maxAge());

  private static final Setting<Boolean> LOG_ACCESS = setting("log.access", BOOLEAN, c -> c.log().access());

  /** Every setting, in the order of {@code config/edge.yaml}; this order also makes errors deterministic. */
  private static final List<Setting<?>> SETTINGS = List.of(
      SERVER_BIND, SERVER_PORT, SERVER_ADMIN_PORT, SERVER_IDLE_TIMEOUT, SERVER_DRAIN_TIMEOUT,
      SERVER_MAX_URI_BYTES, SERVER_MAX_HEADER_BYTES, SERVER_IO_THREADS, SERVER_FILE_THREADS,
      LIBRARY_ROOT,
      CACHE_MEMORY_BYTES, CACHE_MEMORY_MAX_OBJECT_BYTES, CACHE_MEMORY_REVALIDATE,
      HTTP_GZIP_PLAYLISTS,
      CC_SEGMENT, CC_INIT, CC_VOD_PLAYLIST, CC_MASTER_PLAYLIST, CC_LIVE_PLAYLIST_TARGET_FRACTION,
      CC_KEY, CC_SUBTITLE, CC_OTHER, CC_ERROR,
      CORS_ALLOWED_ORIGINS, CORS_MAX_AGE,
      LOG_ACCESS);

  private static final Map<String, Setting<?>> BY_KEY = index(Setting::key);
  private static final Map<String, Setting<?>> BY_ENV_NAME = index(Setting::envName);

  private ConfigLoader() {}

  /** The built-in defaults; the only place they are written down. {@code library.root} is not checked here. */
  public static EdgeConfig defaults() {
    return new EdgeConfig(
        new ServerConfig(
            "0.0.0.0", 8080, 8081, Duration.ofSeconds(60), Duration.ofSeconds(10), 8192, 16384, 0, 4),
        new LibraryConfig(Path.of("./library")),
        new CacheConfig(536870912L, 16777216L, Duration.ofSeconds(1)),
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
            true),
        new LogConfig(true));
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
      applyFile(file, values);
    }
    applyEnv(env, values);
    applyOverrides(overrides, values);
    checkAcrossKeys(values);
    return assemble(values);
  }

  /** Every dotted key, in table order; lets tests check that {@code config/edge.yaml} documents them all. */
  static List<String> keys() {
    return SETTINGS.stream().map(Setting::key).toList();
  }

  /** The environment variable for a key: {@code EDGE_} + upper case, with {@code .} and {@code -} as {@code _}. */
  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * How a raw value appears in a message: strings quoted and escaped (so blanks and control characters
   * are visible), long ones cut; a sensitive setting never shows its value.
   */
  static String show(Object raw, boolean sensitive) {
    if (sensitive) {
      return "<redacted>";
    }
    if (raw == null) {
      return "null";
    }
    if (raw instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) {
        items.add(show(item, false));
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (raw instanceof Number || raw instanceof Boolean || raw instanceof Shape) {
      return raw.toString();
    }
    return quote(raw.toString());
  }

  // ---- sources -----------------------------------------------------------------------------------

  private static void applyFile(Path file, Values values) throws ConfigException {
    String name = file.toString();
    byte[] bytes = readBounded(file, name);
    Node root;
    try {
      root = newYaml().compose(new UnicodeReader(new ByteArrayInputStream(bytes)));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String problem = Objects.toString(e.getProblem(), "syntax error");
      throw ConfigException.file(name, "malformed YAML" + where + ": " + problem);
    } catch (YAMLException e) {
      // Not marked: bad encoding, or a loader limit (aliases, nesting, size) was hit.
      if (e.getCause() instanceof CharacterCodingException) {
        throw ConfigException.file(name, "not UTF-8 text (expected: a UTF-8 YAML file)");
      }
      throw ConfigException.file(name, "malformed YAML: " + e.getMessage());
    }
    if (root == null || isNull(root)) {
      return; // empty file, or only comments: all defaults
    }
    if (!(root instanceof MappingNode map)) {
      String expected = "a map with keys " + String.join(", ", children(""));
      throw ConfigException.file(name, show(leafValue(root), false) + " (expected: " + expected + ")");
    }
    applyMapping(map, "", name, values);
  }

  private static byte[] readBounded(Path file, String name) throws ConfigException {
    if (Files.isDirectory(file)) {
      throw ConfigException.file(name, "is a directory (expected: a YAML file)");
    }
    byte[] bytes;
    // Read at most one byte past the limit: Files.size() is 0 for devices and pipes.
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw ConfigException.file(name, "no such file (expected: a readable YAML file)");
    } catch (AccessDeniedException e) {
      throw ConfigException.file(name, "permission denied (expected: a readable YAML file)");
    } catch (IOException e) {
      String problem = "cannot read: " + e.getClass().getSimpleName();
      throw ConfigException.file(name, problem + " (expected: a readable YAML file)");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw ConfigException.file(
          name, "more than " + MAX_FILE_BYTES + " bytes (expected: a YAML file of at most 1 MiB)");
    }
    return bytes;
  }

  private static Yaml newYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_FILE_BYTES);
    options.setAllowRecursiveKeys(false);
    // Only compose() is used, so no object is ever constructed from the document; the safe constructor
    // is belt and braces should someone call load() on this instance later.
    return new Yaml(new SafeConstructor(options));
  }

  /** Walks one YAML mapping; {@code prefix} is the dotted path so far ("" or "server."). */
  private static void applyMapping(MappingNode map, String prefix, String file, Values values)
      throws ConfigException {
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : map.getValue()) {
      Node keyNode = tuple.getKeyNode();
      Node valueNode = tuple.getValueNode();
      String key = prefix + (keyNode instanceof ScalarNode s ? s.getValue() : show(leafValue(keyNode), false));
      String keySource = at(file, keyNode);
      Setting<?> setting = BY_KEY.get(key);
      boolean section = setting == null && isSection(key);
      if (setting == null && !section) {
        throw ConfigException.unknownKey(keySource, key, children(prefix));
      }
      if (!seen.add(key)) {
        throw ConfigException.problem(keySource, key, "duplicate key", "each key once");
      }
      if (setting != null) {
        values.set(setting, leafValue(valueNode), at(file, valueNode));
      } else if (valueNode instanceof MappingNode child) {
        applyMapping(child, key + ".", file, values);
      } else if (!isNull(valueNode)) { // "server:" with every key commented out is fine
        throw ConfigException.invalid(
            at(file, valueNode), key, show(leafValue(valueNode), false),
            "a map with keys " + String.join(", ", children(key + ".")));
      }
    }
  }

  /**
   * A YAML value as the parsers see it: a scalar's text ({@code null} for YAML null), a list of such
   * texts, or a {@link Shape} where a scalar cannot be. Lists are read one level deep only, which
   * also keeps self-referencing aliases from recursing.
   */
  private static Object leafValue(Node node) {
    if (node instanceof SequenceNode seq) {
      List<Object> items = new ArrayList<>();
      for (Node item : seq.getValue()) {
        items.add(
            item instanceof ScalarNode ? leafValue(item) : item instanceof SequenceNode ? Shape.LIST : Shape.MAP);
      }
      return items;
    }
    if (node instanceof ScalarNode scalar) {
      return isNull(scalar) ? null : scalar.getValue();
    }
    return Shape.MAP;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  /** {@code edge.yaml:3:9}: one-based line and column, as editors count. */
  private static String at(String file, Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? file : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  private static void applyEnv(Map<String, String> env, Values values) throws ConfigException {
    // Warn first: a typo such as EDGE_SERVER_PROT should be visible even if another value then fails.
    env.keySet().stream()
        .filter(name -> name.startsWith(ENV_PREFIX) && !BY_ENV_NAME.containsKey(name))
        .sorted()
        .forEach(name -> logger.warn(
            "Ignoring environment variable {}: it names no setting"
                + " (expected EDGE_ + a key such as EDGE_SERVER_PORT)",
            name));
    for (Setting<?> setting : SETTINGS) {
      String value = env.get(setting.envName());
      if (value != null) {
        values.set(setting, value, setting.envName());
      }
    }
  }

  private static void applyOverrides(Map<String, String> overrides, Values values) throws ConfigException {
    for (String key : overrides.keySet().stream().sorted().toList()) {
      if (!BY_KEY.containsKey(key)) {
        throw ConfigException.unknownKey(FLAG_SOURCE, key, keys());
      }
    }
    for (Setting<?> setting : SETTINGS) {
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
    Path root = values.get(LIBRARY_ROOT);
    if (!Files.isDirectory(root) || !Files.isReadable(root)) {
      throw values.refuse(LIBRARY_ROOT, "an existing, readable directory");
    }
  }

  /** The one place the table meets the record shapes. */
  private static EdgeConfig assemble(Values v) {
    return new EdgeConfig(
        new ServerConfig(
            v.get(SERVER_BIND),
            v.get(SERVER_PORT),
            v.get(SERVER_ADMIN_PORT),
            v.get(SERVER_IDLE_TIMEOUT),
            v.get(SERVER_DRAIN_TIMEOUT),
            v.get(SERVER_MAX_URI_BYTES),
            v.get(SERVER_MAX_HEADER_BYTES),
            v.get(SERVER_IO_THREADS),
            v.get(SERVER_FILE_THREADS)),
        new LibraryConfig(v.get(LIBRARY_ROOT)),
        new CacheConfig(
            v.get(CACHE_MEMORY_BYTES), v.get(CACHE_MEMORY_MAX_OBJECT_BYTES), v.get(CACHE_MEMORY_REVALIDATE)),
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
            v.get(HTTP_GZIP_PLAYLISTS)),
        new LogConfig(v.get(LOG_ACCESS)));
  }

  // ---- the table's building blocks ---------------------------------------------------------------

  /**
   * One configuration key.
   *
   * @param key the dotted, kebab-case name; YAML nesting and the environment name derive from it
   * @param type how a raw value is parsed and checked
   * @param read where the key's default sits in {@link #defaults()}
   * @param sensitive true for keys whose value must never appear in a message (none yet)
   */
  private record Setting<T>(String key, Type<T> type, Function<EdgeConfig, T> read, boolean sensitive) {

    String envName() {
      return ConfigLoader.envName(key);
    }
  }

  private static <T> Setting<T> setting(String key, Type<T> type, Function<EdgeConfig, T> read) {
    return new Setting<>(key, type, read, false);
  }

  /**
   * A value type: a parser from a raw value (see {@link #leafValue}) that returns {@code null} to refuse
   * it, and what it expects, for the message. {@code culprit} picks the part to show when one list
   * item, not the whole value, is at fault.
   */
  private record Type<T>(String expected, Function<Object, T> parse, Function<Object, Object> culprit) {}

  /** A scalar type: refuses lists, maps and YAML null before {@code parse} sees the text. */
  private static <T> Type<T> scalar(String expected, Function<String, T> parse) {
    return new Type<>(expected, raw -> raw instanceof String text ? parse.apply(text) : null, raw -> raw);
  }

  private static Type<Integer> integer(int min, int max, String expected) {
    return scalar(expected, text -> {
      Long n = parseLong(text);
      return n != null && n >= min && n <= max ? Math.toIntExact(n) : null;
    });
  }

  private static Type<Long> size(long min, long max, String expected) {
    return scalar(expected, text -> {
      Long n = parseSize(text);
      return n != null && n >= min && n <= max ? n : null;
    });
  }

  private static Type<Integer> intSize(int min, int max, String expected) {
    return scalar(expected, text -> {
      Long n = parseSize(text);
      return n != null && n >= min && n <= max ? Math.toIntExact(n) : null;
    });
  }

  private static Type<Duration> duration(boolean allowZero, String expected) {
    return scalar(expected, text -> {
      Duration d = parseDuration(text);
      return d != null && (allowZero || !d.isZero()) ? d : null;
    });
  }

  /** A YAML list of origins, or (from the environment, flags, or a YAML scalar) a comma-separated string. */
  private static Type<List<String>> origins(String expected) {
    Function<Object, List<?>> items = raw -> {
      if (raw instanceof List<?> list) {
        return list;
      }
      if (raw instanceof String text && !text.isBlank()) {
        return List.of(text.split(",", -1)).stream().map(String::trim).toList();
      }
      return null;
    };
    Function<Object, List<String>> parse = raw -> {
      List<?> list = items.apply(raw);
      if (list == null || list.stream().anyMatch(item -> !isOrigin(item))) {
        return null;
      }
      return list.stream().map(String.class::cast).toList();
    };
    Function<Object, Object> culprit = raw -> {
      List<?> list = items.apply(raw);
      for (Object item : list == null ? List.of() : list) {
        if (!isOrigin(item)) {
          return item;
        }
      }
      return raw;
    };
    return new Type<>(expected, parse, culprit);
  }

  /** The values gathered so far, each with where it came from, for messages about cross-key rules. */
  private static final class Values {

    private record Entry(Object value, String source, Object raw) {}

    private final Map<Setting<?>, Entry> entries = new HashMap<>();

    Values(EdgeConfig defaults) {
      for (Setting<?> setting : SETTINGS) {
        Object value = setting.read().apply(defaults);
        entries.put(setting, new Entry(value, DEFAULT_SOURCE, value));
      }
    }

    void set(Setting<?> setting, Object raw, String source) throws ConfigException {
      Type<?> type = setting.type();
      Object value = type.parse().apply(raw);
      if (value == null) {
        throw ConfigException.invalid(
            source, setting.key(), show(type.culprit().apply(raw), setting.sensitive()), type.expected());
      }
      entries.put(setting, new Entry(value, source, raw));
    }

    @SuppressWarnings("unchecked") // set() stores only what the setting's own Type produced
    <T> T get(Setting<T> setting) {
      return (T) entries.get(setting).value();
    }

    /** {@code "8MiB" from EDGE_CACHE_MEMORY_BYTES}. */
    String describe(Setting<?> setting) {
      Entry entry = entries.get(setting);
      return show(entry.raw(), setting.sensitive()) + " from " + entry.source();
    }

    ConfigException refuse(Setting<?> setting, String expected) {
      Entry entry = entries.get(setting);
      return ConfigException.invalid(
          entry.source(), setting.key(), show(entry.raw(), setting.sensitive()), expected);
    }
  }

  /** Stands in for a YAML list or map where a scalar was expected, so messages can say what was found. */
  private enum Shape {
    LIST("<list>"),
    MAP("<map>");

    private final String shown;

    Shape(String shown) {
      this.shown = shown;
    }

    @Override
    public String toString() {
      return shown;
    }
  }

  // ---- parsers: each returns null to refuse -------------------------------------------------------

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18}) ?(B|KiB|MiB|GiB|KB|MB|GB)?");
  private static final Pattern DURATION_TEXT = Pattern.compile("([0-9]{1,18}) ?(ms|s|m|h|d)?");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}(\\.[0-9]{1,18})?|\\.[0-9]{1,18}");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+]");
  private static final Pattern ORIGIN =
      Pattern.compile("(?<scheme>https?)://(" + HOST.pattern() + ")(?::(?<port>[0-9]{1,5}))?");

  private static Long parseLong(String text) {
    return DIGITS.matcher(text).matches() ? Long.parseLong(text) : null;
  }

  private static Long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
      case "KiB" -> 1L << 10;
      case "MiB" -> 1L << 20;
      case "GiB" -> 1L << 30;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Duration parseDuration(String text) {
    Matcher m = DURATION_TEXT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    ChronoUnit unit = switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> ChronoUnit.MILLIS;
      case "m" -> ChronoUnit.MINUTES;
      case "h" -> ChronoUnit.HOURS;
      case "d" -> ChronoUnit.DAYS;
      default -> ChronoUnit.SECONDS;
    };
    try {
      return Duration.of(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Double parseFraction(String text) {
    if (!DECIMAL.matcher(text).matches()) {
      return null;
    }
    double d = Double.parseDouble(text);
    return d > 0 && d <= 1 ? d : null;
  }

  private static Path parsePath(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /**
   * {@code "*"}, or a serialized origin exactly as a browser sends it in {@code Origin}: lower case, no
   * path, no default port. Anything else would never match a request, silently.
   */
  private static boolean isOrigin(Object item) {
    if (!(item instanceof String text)) {
      return false;
    }
    if (text.equals("*")) {
      return true;
    }
    Matcher m = ORIGIN.matcher(text);
    if (!m.matches()) {
      return false;
    }
    String port = m.group("port");
    if (port == null) {
      return true;
    }
    int p = Integer.parseInt(port);
    int defaultPort = m.group("scheme").equals("https") ? 443 : 80;
    return p >= 1 && p <= 65535 && p != defaultPort && !port.startsWith("0");
  }

  // ---- small helpers -----------------------------------------------------------------------------

  private static Map<String, Setting<?>> index(Function<Setting<?>, String> name) {
    Map<String, Setting<?>> map = new HashMap<>();
    for (Setting<?> setting : SETTINGS) {
      if (map.put(name.apply(setting), setting) != null) {
        throw new IllegalStateException("two settings share the name " + name.apply(setting));
      }
    }
    return Map.copyOf(map);
  }

  private static boolean isSection(String key) {
    return SETTINGS.stream().anyMatch(s -> s.key().startsWith(key + "."));
  }

  /** The next name segments below {@code prefix} ("" or "server."), in table order, for unknown-key messages. */
  private static List<String> children(String prefix) {
    Set<String> names = new LinkedHashSet<>();
    for (Setting<?> setting : SETTINGS) {
      if (setting.key().startsWith(prefix)) {
        String rest = setting.key().substring(prefix.length());
        int dot = rest.indexOf('.');
        names.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return List.copyOf(names);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    int limit = 80;
    for (int i = 0; i < text.length(); i++) {
      if (i == limit) {
        out.append("...");
        break;
      }
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7F) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
