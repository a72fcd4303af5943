package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Finds the token of a request: in a path prefix, then in the configured sources (query string,
 * cookie, header) in the configured order. The path form {@code /<name>=<token>/rest/of/path}
 * exists so that relative URIs in unmodified playlists inherit the token (CDN-cacheable playlists,
 * no rewriting); its {@code /} characters travel as {@code %2F}.
 *
 * <p>Tokens are never logged: the located token only goes to the verifier and, for query tokens,
 * into rewritten playlists. Immutable and thread-safe.
 */
public final class TokenLocator {
  /** Where a token was found; query tokens are propagated into playlists. */
  public enum Source {
    PATH,
    QUERY,
    COOKIE,
    HEADER
  }

  /**
   * A request's token and the path to serve.
   *
   * @param token the decoded token, or null when there is none
   * @param source where it was found, or null
   * @param path the raw path with any token prefix removed
   * @param malformed true when a token was present but not decodable
   */
  public record Located(String token, Source source, String path, boolean malformed) {}

  /** Longer tokens are refused unread: no legitimate token comes near this. */
  static final int MAX_TOKEN_CHARS = 4096;

  private final String name;
  private final String prefix;
  private final List<Source> order;

  TokenLocator(String name, List<String> sources) {
    this.name = name;
    this.prefix = "/" + name + "=";
    this.order = sources.stream().map(s -> Source.valueOf(s.toUpperCase(Locale.ROOT))).toList();
  }

  /** The parameter, cookie and header name. */
  String name() {
    return name;
  }

  /** Receives what {@link #locate} found, so that the gate's exchange can keep it without a record. */
  interface Sink {
    /**
     * @param token the decoded token, or null when there is none
     * @param source where it was found, or null
     * @param path the raw path with any token prefix removed
     * @param malformed true when a token was present but not decodable
     */
    void located(String token, Source source, String path, boolean malformed);
  }

  /** Locates the token of {@code headers}, whose raw path is {@code path}, as a record. */
  Located locate(String path, Request headers) {
    Located[] found = new Located[1];
    locate(path, headers, (token, source, rest, malformed) -> found[0] = new Located(token, source, rest, malformed));
    return found[0];
  }

  /** Locates the token of {@code headers}, whose raw path is {@code path}, into {@code sink}. */
  void locate(String path, Request headers, Sink sink) {
    if (path.startsWith(prefix)) {
      int end = path.indexOf('/', prefix.length());
      String raw = end < 0 ? path.substring(prefix.length()) : path.substring(prefix.length(), end);
      String rest = end < 0 ? "/" : path.substring(end);
      decoded(raw, Source.PATH, rest, sink);
      return;
    }
    for (Source source : order) {
      String raw;
      switch (source) {
        case QUERY:
          raw = headers.queryParameter(name);
          break;
        case COOKIE:
          raw = cookie(headers);
          break;
        default:
          raw = headers.header(name);
      }
      if (raw != null) {
        if (source == Source.QUERY) {
          decoded(raw, source, path, sink);
        } else if (raw.isEmpty() || raw.length() > MAX_TOKEN_CHARS) {
          sink.located(null, source, path, true);
        } else {
          sink.located(raw, source, path, false);
        }
        return;
      }
    }
    sink.located(null, null, path, false);
  }

  private static void decoded(String raw, Source source, String path, Sink sink) {
    String token = raw.length() > MAX_TOKEN_CHARS ? null : percentDecode(raw);
    if (token == null || token.isEmpty()) {
      sink.located(null, source, path, true);
    } else {
      sink.located(token, source, path, false);
    }
  }

  private String cookie(Request headers) {
    String header = headers.header(HttpHeaderNames.COOKIE);
    if (header == null) {
      return null;
    }
    for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
      if (cookie.name().equals(name)) {
        return cookie.value();
      }
    }
    return null;
  }

  /** Strict percent-decoding of a token (UTF-8, no control characters), or null when malformed. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      if (i + 2 >= raw.length()) {
        return null;
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      int b = hi << 4 | lo;
      if (hi < 0 || lo < 0 || b < 0x20 || b == 0x7f) {
        return null;
      }
      bytes.write(b);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
