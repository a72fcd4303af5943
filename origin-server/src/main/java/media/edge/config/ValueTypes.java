package media.edge.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import media.edge.config.Refusal.BadValue;
import media.edge.config.Refusal.Problem;
import media.edge.config.Refusal.UnknownField;

/**
 * The value types of the {@link Settings} table, each with the words a refusal uses after
 * {@code expected:}, and the parsers behind them. Every parser returns {@code null} to refuse, so a
 * type never throws; its {@link Refusal} then says what the message shows, which for all but the key
 * list is the value, or the list item, at fault.
 *
 * <p>Immutable after class initialization; safe to use from any thread.
 */
final class ValueTypes {

  private static final String SIZE_UNITS = "units B, KiB, MiB, GiB, KB, MB, GB";
  private static final String DURATION_FORMS =
      "such as 500ms, 10s, 5m, 1h or 1d (a bare integer means seconds)";
  private static final String COMMA_LIST = "comma-separated outside YAML";

  /** Where {@code tokens.sources} may look for a token. */
  static final List<String> TOKEN_SOURCES = List.of("query", "cookie", "header");
  static final List<String> TOKEN_ALGORITHMS = List.of("sha256", "sha1", "md5");
  /** The fields of one {@code tokens.keys} item, as YAML spells them. */
  static final List<String> KEY_FIELDS = List.of("id", "secret", "public-key");

  static final ValueType<Integer> PORT = integer(0, 65535, "an integer port 0-65535");
  static final ValueType<Integer> LIMIT_BYTES =
      intSize(256, 1048576, "a byte size 256-1048576 such as 8192 or 8KiB");
  static final ValueType<Integer> THREADS_OR_ZERO =
      integer(0, Integer.MAX_VALUE, "an integer >= 0 (0 means one per core)");
  static final ValueType<Integer> THREADS = integer(1, Integer.MAX_VALUE, "an integer >= 1");
  static final ValueType<Integer> COUNT = integer(0, Integer.MAX_VALUE, "an integer >= 0");
  static final ValueType<Integer> CONNECTIONS_OR_AUTO =
      integer(0, 10_000_000, "an integer 0-10000000 (0 means the descriptor limit less a reserve)");
  static final ValueType<Duration> POSITIVE_DURATION = duration(false, "a duration > 0 " + DURATION_FORMS);
  static final ValueType<Duration> DURATION = duration(true, "a duration >= 0 " + DURATION_FORMS);
  static final ValueType<Long> MEMORY_BYTES =
      size(1, Long.MAX_VALUE, "a byte size > 0 such as 536870912 or 512MiB (" + SIZE_UNITS + ")");
  // Memory buffers are int-indexed, so one object cannot exceed Integer.MAX_VALUE bytes.
  static final ValueType<Long> OBJECT_BYTES =
      size(1, Integer.MAX_VALUE, "a byte size 1-2147483647 such as 16MiB (" + SIZE_UNITS + ")");
  static final ValueType<Boolean> BOOLEAN =
      scalar("true or false", t -> t.equals("true") ? Boolean.TRUE : t.equals("false") ? Boolean.FALSE : null);
  static final ValueType<Double> FRACTION =
      scalar("a number in (0, 1] such as 0.5", ValueTypes::parseFraction);
  static final ValueType<String> ADDRESS =
      scalar("a host name or IP address (non-blank, no spaces)", t -> t.matches("\\S+") ? t : null);
  static final ValueType<String> HEADER_VALUE = scalar(
      "a non-blank header value of printable ASCII",
      t -> t.matches("[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*") ? t : null);
  static final ValueType<Path> DIRECTORY = scalar("a non-blank directory path", ValueTypes::parsePath);
  static final ValueType<List<String>> ORIGINS = stringList(
      "a list of \"*\" or origins such as https://player.example.com"
          + " (scheme://host[:port], lower case, no path; " + COMMA_LIST + ")",
      ValueTypes::isOrigin,
      false,
      false);
  static final ValueType<List<String>> PROXIES = stringList(
      "a list of IP addresses or CIDR blocks such as 10.0.0.0/8, 192.168.1.7 or fd00::/8"
          + " (IPv4 or IPv6, no host bits set after the /, ::ffff:a.b.c.d written as a.b.c.d; "
          + COMMA_LIST + ")",
      ValueTypes::isAddressOrBlock,
      false,
      false);
  static final ValueType<String> TOKEN_NAME =
      scalar("a name of 1-64 letters, digits, '_' or '-'", t -> t.matches("[A-Za-z0-9_-]{1,64}") ? t : null);
  static final ValueType<String> ALGORITHM =
      scalar("one of " + String.join(", ", TOKEN_ALGORITHMS), t -> TOKEN_ALGORITHMS.contains(t) ? t : null);
  static final ValueType<String> SALT =
      scalar("printable ASCII text, or \"\" for none", t -> t.matches("[\\x20-\\x7E]*") ? t : null);
  static final ValueType<Optional<Path>> OPTIONAL_DIRECTORY =
      optionalPath("a directory path, or \"\" for none (edge mode only)");
  static final ValueType<Optional<Path>> OPTIONAL_DIRECTORY_NONE =
      optionalPath("a directory path, or \"\" for none");
  static final ValueType<List<String>> UPSTREAM_URLS = stringList(
      "a list of http:// or https:// URLs such as https://origin.example or http://10.0.0.5:8080/base"
          + " (host, optional port and path, no query; " + COMMA_LIST + ")",
      ValueTypes::isUpstreamUrl,
      false,
      true);
  static final ValueType<List<String>> DNS_SERVERS = stringList(
      "a list of DNS server IP addresses, each optionally with :port (53 if not), such as 10.0.0.2,"
          + " 10.0.0.3:5353 or [fd00::53]:53 (no host names; " + COMMA_LIST + ")",
      text -> dnsServer(text) != null,
      false,
      true);
  static final ValueType<String> HEALTH_PATH =
      scalar("a path starting with / (printable ASCII, no spaces)", t -> t.matches("/[\\x21-\\x7E]*") ? t : null);
  static final ValueType<String> NODE_NAME = scalar(
      "\"\" for the host name, or a name of 1-64 letters, digits, '.', '_' or '-'",
      t -> t.matches("[A-Za-z0-9._-]{0,64}") ? t : null);
  static final ValueType<Integer> CONNECTIONS = integer(1, 100_000, "an integer 1-100000");
  static final ValueType<String> TRANSPORT =
      scalar("one of auto, epoll, io_uring, nio", t -> List.of("auto", "epoll", "io_uring", "nio").contains(t) ? t : null);
  static final ValueType<Optional<Path>> OPTIONAL_FILE =
      optionalPath("a non-blank file path, or \"\" or null for none");
  static final ValueType<List<String>> SOURCES = stringList(
      "a non-empty list of " + String.join(", ", TOKEN_SOURCES) + ", each at most once, in the order to look"
          + " (" + COMMA_LIST + ")",
      TOKEN_SOURCES::contains,
      true,
      true);
  static final ValueType<List<String>> PARAM_NAMES = stringList(
      "a list of query parameter names such as session"
          + " (printable ASCII without spaces, =, &, ? or #; each at most once; " + COMMA_LIST + ")",
      ValueTypes::isParamName,
      false,
      true);
  static final ValueType<List<String>> PATH_PREFIXES = stringList(
      "a list of path prefixes such as /public/, each starting with /"
          + " (printable ASCII without spaces, ? or #, no . or .. segment; " + COMMA_LIST + ")",
      ValueTypes::isPathPrefix,
      false,
      false);

  private static final String KEYS_EXPECTED = "a list of keys, each a map of id and either secret (hex) or"
      + " public-key (a PEM file); id:hexsecret entries, " + COMMA_LIST;
  private static final String KEY_ITEM_EXPECTED = "a map of id and either secret or public-key";
  private static final String KEY_ENTRY_EXPECTED = "an entry id:hexsecret";
  private static final String KEY_ID_EXPECTED = "a key id of 1-64 letters, digits, '_', '.' or '-'";
  private static final String KEY_SECRET_EXPECTED =
      "an HMAC key as an even number of hex digits, 16-128 of them (64 recommended)";
  private static final String KEY_PUBLIC_EXPECTED = "a non-blank path to an Ed25519 public key PEM file";
  private static final String KEY_ONE_OF_EXPECTED = "exactly one of secret or public-key";

  /**
   * {@code tokens.keys}. The value is sensitive, so a refusal names the item and field at fault
   * ({@code tokens.keys[1].secret}) instead of relying on the value to point at it.
   */
  static final ValueType<List<TokenKey>> TOKEN_KEYS =
      new ValueType<>(KEYS_EXPECTED, raw -> readKeys(raw).keys(), raw -> readKeys(raw).refusal());

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,18}) ?(B|KiB|MiB|GiB|KB|MB|GB)?");
  private static final Pattern DURATION_TEXT = Pattern.compile("([0-9]{1,18}) ?(ms|s|m|h|d)?");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}(\\.[0-9]{1,18})?|\\.[0-9]{1,18}");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+]");
  private static final Pattern ORIGIN =
      Pattern.compile("(?<scheme>https?)://(" + HOST.pattern() + ")(?::(?<port>[0-9]{1,5}))?");
  private static final int DNS_PORT = 53;
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern IPV6_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern PREFIX_LENGTH = Pattern.compile("0|[1-9][0-9]{0,2}");

  private ValueTypes() {}

  // ---- type builders -----------------------------------------------------------------------------

  /** A scalar type: refuses lists, maps and YAML null before {@code parse} sees the text. */
  private static <T> ValueType<T> scalar(String expected, Function<String, T> parse) {
    Function<Object, T> parseText = raw -> raw instanceof String text ? parse.apply(text) : null;
    return new ValueType<>(expected, parseText, raw -> new BadValue("", raw, expected));
  }

  private static ValueType<Integer> integer(int min, int max, String expected) {
    return bounded(ValueTypes::parseLong, min, max, Math::toIntExact, expected);
  }

  private static ValueType<Long> size(long min, long max, String expected) {
    return bounded(ValueTypes::parseSize, min, max, n -> n, expected);
  }

  private static ValueType<Integer> intSize(int min, int max, String expected) {
    return bounded(ValueTypes::parseSize, min, max, Math::toIntExact, expected);
  }

  /** A whole number read by {@code parse}, refused outside {@code [min, max]}, then narrowed by {@code as}. */
  private static <T> ValueType<T> bounded(
      Function<String, Long> parse, long min, long max, Function<Long, T> as, String expected) {
    return scalar(expected, text -> {
      Long n = parse.apply(text);
      return n != null && n >= min && n <= max ? as.apply(n) : null;
    });
  }

  private static ValueType<Duration> duration(boolean allowZero, String expected) {
    return scalar(expected, text -> {
      Duration d = parseDuration(text);
      return d != null && (allowZero || !d.isZero()) ? d : null;
    });
  }

  /**
   * A YAML list of strings, or (from the environment, flags, or a YAML scalar) a comma-separated string
   * whose items are trimmed; a blank string is refused, a YAML {@code []} is the empty list unless
   * {@code nonEmpty}. A refusal shows the first item that is not {@code ok} (or, if {@code distinct},
   * the first repeated one), else the whole value.
   */
  private static boolean isParamName(String name) {
    return !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '=' && c != '&' && c != '?' && c != '#');
  }

  private static ValueType<List<String>> stringList(
      String expected, Predicate<String> ok, boolean nonEmpty, boolean distinct) {
    Function<Object, List<?>> items = raw -> {
      if (raw instanceof List<?> list) {
        return list;
      }
      if (raw instanceof String text && !text.isBlank()) {
        return List.of(text.split(",", -1)).stream().map(String::trim).toList();
      }
      return null;
    };
    // The index of the first item at fault, or -1.
    Function<List<?>, Integer> badItem = list -> {
      Set<Object> seen = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (!(item instanceof String text && ok.test(text)) || (distinct && !seen.add(item))) {
          return i;
        }
      }
      return -1;
    };
    Function<Object, List<String>> parse = raw -> {
      List<?> list = items.apply(raw);
      if (list == null || (nonEmpty && list.isEmpty()) || badItem.apply(list) >= 0) {
        return null;
      }
      return list.stream().map(String.class::cast).toList();
    };
    Function<Object, Refusal> refusal = raw -> {
      List<?> list = items.apply(raw);
      int bad = list == null ? -1 : badItem.apply(list);
      return new BadValue("", bad < 0 ? raw : list.get(bad), expected);
    };
    return new ValueType<>(expected, parse, refusal);
  }

  /** A path, where YAML null or {@code ""} mean none. */
  private static ValueType<Optional<Path>> optionalPath(String expected) {
    Function<Object, Optional<Path>> parse = raw -> {
      if (raw == null || "".equals(raw)) {
        return Optional.empty();
      }
      Path path = raw instanceof String text ? parsePath(text) : null;
      return path == null ? null : Optional.of(path);
    };
    return new ValueType<>(expected, parse, raw -> new BadValue("", raw, expected));
  }

  // ---- token keys -------------------------------------------------------------------------------

  /** What {@link #readKeys} made of a raw value: the keys, or why not. */
  private record KeysRead(List<TokenKey> keys, Refusal refusal) {
    static KeysRead refused(Refusal refusal) {
      return new KeysRead(null, refusal);
    }
  }

  /**
   * Reads {@code tokens.keys}: a YAML list of maps ({@code id} and {@code secret} or {@code public-key}),
   * or, from the environment, flags or a YAML scalar, comma-separated {@code id:hexsecret} entries, which
   * become the same maps. Fields are checked in a fixed order (unknown names, id, which kind, the
   * secret or path) so the first fault of the first bad item is reported.
   */
  private static KeysRead readKeys(Object raw) {
    boolean entries = raw instanceof String;
    List<?> items;
    if (raw instanceof List<?> list) {
      items = list;
    } else if (raw instanceof String text && !text.isBlank()) {
      List<Object> parsed = new ArrayList<>();
      for (String entry : text.split(",", -1)) {
        String trimmed = entry.trim();
        int colon = trimmed.indexOf(':');
        if (colon < 0) {
          parsed.add(trimmed);
        } else {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("id", trimmed.substring(0, colon));
          fields.put("secret", trimmed.substring(colon + 1));
          parsed.add(fields);
        }
      }
      items = parsed;
    } else {
      return KeysRead.refused(new BadValue("", raw, KEYS_EXPECTED));
    }
    List<TokenKey> keys = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String at = "[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> fields)) {
        return KeysRead.refused(new BadValue(at, items.get(i), entries ? KEY_ENTRY_EXPECTED : KEY_ITEM_EXPECTED));
      }
      for (Object name : fields.keySet()) {
        if (!KEY_FIELDS.contains(name)) {
          return KeysRead.refused(new UnknownField(at, String.valueOf(name), KEY_FIELDS));
        }
      }
      if (!fields.containsKey("id")) {
        return KeysRead.refused(new Problem(at + ".id", "missing", KEY_ID_EXPECTED));
      }
      if (!(fields.get("id") instanceof String id && TokenKey.ID.matcher(id).matches())) {
        return KeysRead.refused(new BadValue(at + ".id", fields.get("id"), KEY_ID_EXPECTED));
      }
      if (!ids.add(id)) {
        return KeysRead.refused(new BadValue(at + ".id", id, "an id that no earlier key has"));
      }
      boolean hasSecret = fields.containsKey("secret");
      if (hasSecret == fields.containsKey("public-key")) {
        String problem = hasSecret ? "both secret and public-key" : "neither secret nor public-key";
        return KeysRead.refused(new Problem(at, problem, KEY_ONE_OF_EXPECTED));
      }
      if (hasSecret) {
        if (!(fields.get("secret") instanceof String secret && TokenKey.SECRET.matcher(secret).matches())) {
          return KeysRead.refused(new BadValue(at + ".secret", fields.get("secret"), KEY_SECRET_EXPECTED));
        }
        keys.add(TokenKey.hmac(id, secret));
      } else {
        Path path = fields.get("public-key") instanceof String text ? parsePath(text) : null;
        if (path == null) {
          Object culprit = fields.get("public-key");
          return KeysRead.refused(new BadValue(at + ".public-key", culprit, KEY_PUBLIC_EXPECTED));
        }
        keys.add(TokenKey.ed25519(id, path));
      }
    }
    return new KeysRead(List.copyOf(keys), null);
  }

  // ---- parsers: each returns null to refuse -------------------------------------------------------

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

  /** {@code http://} or {@code https://}, a host, optionally a port and a path; nothing else. */
  private static boolean isUpstreamUrl(String text) {
    try {
      java.net.URI uri = new java.net.URI(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /**
   * {@code upstream.dns.servers} items: an IPv4 address, an IPv6 address (bare, or in brackets when a
   * port follows), optionally {@code :port}; or null. Built from the address bytes, so nothing is looked
   * up: a DNS server named by a host name would need DNS to be found.
   */
  static InetSocketAddress dnsServer(String text) {
    String host = text;
    String port = null;
    byte[] bytes;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
        return null;
      }
      host = text.substring(1, close);
      port = close + 1 < text.length() ? text.substring(close + 2) : null;
      bytes = ipv6(host);
    } else if (text.indexOf(':') != text.lastIndexOf(':')) {
      bytes = ipv6(text);
    } else {
      int colon = text.indexOf(':');
      if (colon >= 0) {
        host = text.substring(0, colon);
        port = text.substring(colon + 1);
      }
      bytes = ipv4(host);
    }
    Long number = port == null ? Long.valueOf(DNS_PORT) : parseLong(port);
    if (bytes == null || number == null || number < 1 || number > 65535 || (port != null && port.startsWith("0"))) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(bytes), number.intValue());
    } catch (UnknownHostException e) {
      return null; // not reached: the parsers return 4 or 16 bytes
    }
  }

  /** How {@link #dnsServer} reads it back: {@code 10.0.0.2:53}, {@code [fd00:0:0:0:0:0:0:53]:53}. */
  static String dnsServerText(InetSocketAddress server) {
    String address = server.getAddress().getHostAddress();
    return (server.getAddress() instanceof Inet6Address ? "[" + address + "]" : address) + ":" + server.getPort();
  }

  /**
   * {@code "*"}, or a serialized origin exactly as a browser sends it in {@code Origin}: lower case, no
   * path, no default port. Anything else would never match a request, silently.
   */
  private static boolean isOrigin(String text) {
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

  /**
   * An IPv4 or IPv6 address literal, optionally with {@code /prefix-length}, without host bits beyond
   * the prefix ({@code 10.1.0.0/8} is a typo for /16 more often than a way to write 10.0.0.0/8). Parsed
   * here rather than by {@code InetAddress}, which would look a non-literal up in DNS and accepts
   * historical forms such as {@code 10.1}. IPv4-mapped IPv6 ({@code ::ffff:10.0.0.1}) is refused: Java
   * turns such an address into IPv4, so a peer never matches it as IPv6 and a /104 would not fit.
   */
  private static boolean isAddressOrBlock(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = address.indexOf(':') >= 0 ? ipv6(address) : ipv4(address);
    if (bytes == null || isIpv4Mapped(bytes)) {
      return false;
    }
    if (slash < 0) {
      return true;
    }
    String length = text.substring(slash + 1);
    if (!PREFIX_LENGTH.matcher(length).matches()) {
      return false;
    }
    int bits = Integer.parseInt(length);
    if (bits > bytes.length * 8) {
      return false;
    }
    for (int bit = bits; bit < bytes.length * 8; bit++) {
      if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16 || bytes[10] != (byte) 0xFF || bytes[11] != (byte) 0xFF) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Four decimal octets 0-255 without leading zeros (which some parsers read as octal), or null. */
  private static byte[] ipv4(String text) {
    if (!IPV4.matcher(text).matches()) {
      return null;
    }
    String[] octets = text.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) Integer.parseInt(octets[i]);
    }
    return bytes;
  }

  /** RFC 4291 text: eight groups, or fewer around one {@code ::}, the last two optionally dotted IPv4; or null. */
  private static byte[] ipv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    List<Integer> head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
    List<Integer> tail = gap < 0 ? List.of() : groups(text.substring(gap + 2), true);
    if (head == null || tail == null) {
      return null;
    }
    int count = head.size() + tail.size();
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      bytes[2 * i] = (byte) (head.get(i) >>> 8);
      bytes[2 * i + 1] = (byte) (int) head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      int at = 8 - tail.size() + i;
      bytes[2 * at] = (byte) (tail.get(i) >>> 8);
      bytes[2 * at + 1] = (byte) (int) tail.get(i);
    }
    return bytes;
  }

  /** Colon-separated 16-bit groups ("" is none); the last may be dotted IPv4 if {@code last}; or null. */
  private static List<Integer> groups(String text, boolean last) {
    if (text.isEmpty()) {
      return List.of();
    }
    String[] parts = text.split(":", -1);
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      if (last && i == parts.length - 1 && parts[i].indexOf('.') >= 0) {
        byte[] v4 = ipv4(parts[i]);
        if (v4 == null) {
          return null;
        }
        groups.add((v4[0] & 0xFF) << 8 | (v4[1] & 0xFF));
        groups.add((v4[2] & 0xFF) << 8 | (v4[3] & 0xFF));
      } else if (IPV6_GROUP.matcher(parts[i]).matches()) {
        groups.add(Integer.parseInt(parts[i], 16));
      } else {
        return null;
      }
    }
    return groups;
  }

  /**
   * Starts with {@code /}; printable ASCII without spaces, {@code ?} or {@code #}; no {@code .} or
   * {@code ..} segment, which a normalized request path never has, so such a prefix would silently
   * exempt nothing.
   */
  private static boolean isPathPrefix(String text) {
    if (!text.startsWith("/") || !text.matches("[\\x21-\\x7E&&[^?#]]+")) {
      return false;
    }
    for (String segment : text.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
