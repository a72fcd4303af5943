package media.edge.http;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on logger {@code media.edge.access}, so log shippers need no parser.
 * The path is logged without its query string: query strings carry tokens, and tokens never reach
 * a log. Thread-safe (stateless apart from the injected clock).
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("media.edge.access");

  private final boolean enabled;
  private final Clock clock;

  AccessLog(boolean enabled, Clock clock) {
    this.enabled = enabled && LOG.isInfoEnabled();
    this.clock = clock;
  }

  boolean enabled() {
    return enabled;
  }

  /** Writes one line; a no-op when the access log is switched off. */
  void log(
      String client,
      String method,
      String path,
      int status,
      long bytes,
      long durationMicros,
      String cache,
      String userAgent) {
    if (!enabled) {
      return;
    }
    StringBuilder line = new StringBuilder(256);
    line.append("{\"time\":\"").append(Instant.ofEpochMilli(clock.millis())).append('"');
    field(line, "client", client);
    field(line, "method", method);
    field(line, "path", path);
    line.append(",\"status\":").append(status);
    line.append(",\"bytes\":").append(bytes);
    line.append(",\"duration_us\":").append(durationMicros);
    field(line, "cache", cache);
    field(line, "user_agent", userAgent);
    line.append('}');
    LOG.info(line.toString());
  }

  private static void field(StringBuilder line, String name, String value) {
    line.append(",\"").append(name).append("\":");
    if (value == null) {
      line.append("null");
      return;
    }
    line.append('"');
    quote(line, value);
    line.append('"');
  }

  /** JSON string escaping (RFC 8259 section 7); request data is hostile, so every control character is escaped. */
  static void quote(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
  }
}
