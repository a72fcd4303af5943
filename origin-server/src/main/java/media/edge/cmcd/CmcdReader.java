package media.edge.cmcd;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import media.edge.config.CmcdConfig;

/**
 * Reads the CMCD of a request: the {@code CMCD} query parameter (form-encoded, as players' URL APIs write
 * it) and the headers {@code CMCD-Request}, {@code CMCD-Object}, {@code CMCD-Status} and
 * {@code CMCD-Session}, a header's key winning over the query's (CTA-5004 section 2 lets a player use
 * either). Each source is one Structured Field Dictionary; then every reading is counted
 * ({@link CmcdMetrics}) and added to the {@link Audience}.
 *
 * <p>Malformed CMCD never fails a request: a source that does not parse, or is longer than
 * {@value #MAX_SOURCE_CHARS} characters, is ignored whole; a CTA-5004 key of the wrong type or length is
 * dropped alone; each is counted by reason. Keys of CMCD v2 and unknown keys are kept as sent.
 *
 * <p>Thread-safe: stateless but for its meters and the audience, which are.
 */
public final class CmcdReader {
  /** Longer than anything a player sends (hls.js: about 300 characters), short enough to parse at once. */
  static final int MAX_SOURCE_CHARS = 4096;
  /** CTA-5004 caps content and session ids at 64 characters. */
  private static final int MAX_ID_CHARS = 64;
  /** A relative URL; the request line limit bounds it anyway. */
  private static final int MAX_URL_CHARS = 1024;

  /** The query parameter and the four headers of CTA-5004 section 3. */
  public static final String QUERY_PARAMETER = "CMCD";
  public static final List<String> HEADERS = List.of("CMCD-Request", "CMCD-Object", "CMCD-Status", "CMCD-Session");

  /** A reader that reads nothing: {@code cmcd.enabled: false}. */
  public static final CmcdReader OFF = new CmcdReader(null, null, null);

  private enum Type { INTEGER, DECIMAL, STRING, TOKEN, BOOLEAN }

  /** The keys of CTA-5004 (v1) and their types. */
  private static final Map<String, Type> V1 = Map.ofEntries(
      Map.entry("br", Type.INTEGER), Map.entry("bl", Type.INTEGER), Map.entry("bs", Type.BOOLEAN),
      Map.entry("cid", Type.STRING), Map.entry("d", Type.INTEGER), Map.entry("dl", Type.INTEGER),
      Map.entry("mtp", Type.INTEGER), Map.entry("nor", Type.STRING), Map.entry("nrr", Type.STRING),
      Map.entry("ot", Type.TOKEN), Map.entry("pr", Type.DECIMAL), Map.entry("rtp", Type.INTEGER),
      Map.entry("sf", Type.TOKEN), Map.entry("sid", Type.STRING), Map.entry("st", Type.TOKEN),
      Map.entry("su", Type.BOOLEAN), Map.entry("tb", Type.INTEGER), Map.entry("v", Type.INTEGER));

  private final CmcdMetrics metrics;
  private final Audience audience;
  private final String tokenName;

  private CmcdReader(CmcdMetrics metrics, Audience audience, String tokenName) {
    this.metrics = metrics;
    this.audience = audience;
    this.tokenName = tokenName;
  }

  /**
   * A reader counting into {@code registry}, with an audience of {@code config}'s window and size.
   *
   * @param tokenName the token's query parameter, cut from {@code nor}: a player names the next segment
   *     with the URI its playlist gave it, the viewer's token included, and the token must not reach the
   *     access log (nor is it needed: the edge keys and fetches without it)
   */
  public static CmcdReader create(CmcdConfig config, String tokenName, MeterRegistry registry, Ticker ticker) {
    if (!config.enabled()) {
      return OFF;
    }
    Audience audience = new Audience(config.audienceWindow(), config.audienceMaxSessions(), ticker);
    return new CmcdReader(new CmcdMetrics(registry, audience), audience, tokenName);
  }

  /** True unless switched off. */
  public boolean enabled() {
    return metrics != null;
  }

  /** The audience these readings add up to; null when switched off. */
  public Audience audience() {
    return audience;
  }

  /**
   * The CMCD of one request, counted and added to the audience.
   *
   * @param rawQuery the {@code CMCD} query parameter's value as it is in the URL (still encoded), or null
   * @param request the {@code CMCD-Request} header, or null; likewise {@code object}, {@code status} and
   *     {@code session} for the other three of {@link #HEADERS}
   */
  public Cmcd read(String rawQuery, String request, String object, String status, String session) {
    if (metrics == null || (rawQuery == null && request == null && object == null && status == null && session == null)) {
      return Cmcd.NONE;
    }
    Cmcd.Builder merged = new Cmcd.Builder();
    if (rawQuery != null) {
      String decoded = formDecode(rawQuery);
      if (decoded == null) {
        metrics.malformed(CmcdMetrics.Malformed.SYNTAX);
      } else {
        add(decoded, merged);
      }
    }
    add(request, merged);
    add(object, merged);
    add(status, merged);
    add(session, merged);
    Cmcd cmcd = merged.build();
    if (!cmcd.isEmpty()) {
      metrics.observe(cmcd);
      audience.record(cmcd);
    }
    return cmcd;
  }

  /** One source, checked and merged in; ignored whole when malformed. */
  private void add(String source, Cmcd.Builder merged) {
    if (source == null) {
      return;
    }
    if (source.length() > MAX_SOURCE_CHARS) {
      metrics.malformed(CmcdMetrics.Malformed.TOO_LONG);
      return;
    }
    Cmcd.Builder parsed = new Cmcd.Builder();
    try {
      CmcdParser.parse(source, parsed);
    } catch (CmcdParser.Malformed e) {
      metrics.malformed(CmcdMetrics.Malformed.SYNTAX);
      return;
    }
    Cmcd members = parsed.build();
    for (int i = 0; i < members.size(); i++) {
      String key = members.key(i);
      if (members.isInteger(i)) {
        Type type = V1.get(key);
        long n = members.number(i);
        if (type == null || (type == Type.INTEGER && n >= 0)) {
          merged.putInteger(key, n);
        } else if (type == Type.DECIMAL && n >= 0) {
          merged.put(key, (double) n);
        } else {
          metrics.malformed(CmcdMetrics.Malformed.VALUE);
        }
        continue;
      }
      Object value = checked(key, members.value(i));
      if (value == null) {
        metrics.malformed(CmcdMetrics.Malformed.VALUE);
      } else {
        merged.put(key, value);
      }
    }
  }

  /** The value to keep for {@code key}, or null when a CTA-5004 key has the wrong type or length. */
  private Object checked(String key, Object value) {
    Type type = V1.get(key);
    if (type == null) {
      return value; // CMCD v2 or unknown: kept as sent
    }
    if (value instanceof List<?> list) {
      // CMCD v2 sends some keys as inner lists (bl=(21300), nor=("a" "b")): each item must fit.
      for (Object item : list) {
        if (checked(key, item) == null) {
          return null;
        }
      }
      return list.isEmpty() ? null : value;
    }
    return switch (type) {
      case INTEGER -> value instanceof Long n && n >= 0 ? value : null;
      case DECIMAL -> value instanceof Double d && d >= 0 ? value : value instanceof Long n && n >= 0 ? (double) n : null;
      case TOKEN -> value instanceof Cmcd.Token ? value : null;
      case BOOLEAN -> value instanceof Boolean ? value : null;
      case STRING -> value instanceof String s ? string(key, s) : null;
    };
  }

  private String string(String key, String value) {
    return switch (key) {
      case "sid", "cid" -> value.length() <= MAX_ID_CHARS ? value : null;
      // CTA-5004 has nor URL-encoded, so that it fits a string; kept decoded, without the token.
      case "nor" -> value.length() <= MAX_URL_CHARS ? withoutToken(percentDecode(value, false)) : null;
      default -> value.length() <= MAX_URL_CHARS ? value : null;
    };
  }

  /** {@code reference} without the query parameter named {@code tokenName}; null stays null. */
  private String withoutToken(String reference) {
    int question = reference == null ? -1 : reference.indexOf('?');
    if (question < 0 || reference.indexOf(tokenName, question) < 0) {
      return reference;
    }
    StringBuilder kept = new StringBuilder(reference.length()).append(reference, 0, question);
    char separator = '?';
    for (String pair : reference.substring(question + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (!pair.isEmpty() && !(eq < 0 ? pair : pair.substring(0, eq)).equals(tokenName)) {
        kept.append(separator).append(pair);
        separator = '&';
      }
    }
    return kept.toString();
  }

  /** {@code application/x-www-form-urlencoded} decoding ({@code +} is a space), or null when malformed. */
  static String formDecode(String raw) {
    return percentDecode(raw, true);
  }

  /**
   * Percent-decoding to UTF-8; null on a bad escape, a raw character outside ASCII, or bytes that are not
   * UTF-8. What players send is ASCII throughout, decoded straight into characters; only an escape of a
   * byte above 0x7f takes the UTF-8 decoder.
   */
  static String percentDecode(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
      // Nothing to decode, yet the same refusal of raw non-ASCII as below (the shortcut skipped it, issue 15).
      for (int i = 0; i < raw.length(); i++) {
        if (raw.charAt(i) > 0x7e) {
          return null;
        }
      }
      return raw;
    }
    char[] chars = new char[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int b = escaped(raw, i);
        if (b < 0) {
          return null;
        }
        if (b > 0x7f) {
          return decodeUtf8(raw, plusIsSpace);
        }
        chars[n++] = (char) b;
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        chars[n++] = ' ';
      } else if (c > 0x7e) {
        return null;
      } else {
        chars[n++] = c;
      }
    }
    return new String(chars, 0, n);
  }

  /** The byte of the escape at {@code i}, or -1 when it is not {@code %} and two hex digits. */
  private static int escaped(String raw, int i) {
    if (i + 2 >= raw.length()) {
      return -1;
    }
    int high = hexDigit(raw.charAt(i + 1));
    int low = hexDigit(raw.charAt(i + 2));
    return high < 0 || low < 0 ? -1 : high << 4 | low;
  }

  /**
   * An ASCII hex digit's value, or -1. Not {@code Character.digit}, which also takes other scripts'
   * digits (U+0661 ARABIC-INDIC DIGIT ONE), so that "%\u0661\u0661" decoded to 0x11 past the ASCII check.
   */
  private static int hexDigit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static String decodeUtf8(String raw, boolean plusIsSpace) {
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int b = escaped(raw, i);
        if (b < 0) {
          return null;
        }
        bytes[n++] = (byte) b;
        i += 2;
      } else if (c > 0x7e) {
        return null;
      } else {
        bytes[n++] = (byte) (c == '+' && plusIsSpace ? ' ' : c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
