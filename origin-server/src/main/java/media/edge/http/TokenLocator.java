package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
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
final class TokenLocator {
  /** Where a token was found; query tokens are propagated into playlists. */
  enum Source {
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
  record Located(String token, Source source, String path, boolean malformed) {}

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

  /** Locates the token of a request with raw path {@code path} and raw target {@code uri}. */
  Located locate(String path, String uri, HttpHeaders headers) {
    if (path.startsWith(prefix)) {
      int end = path.indexOf('/', prefix.length());
      String raw = end < 0 ? path.substring(prefix.length()) : path.substring(prefix.length(), end);
      String rest = end < 0 ? "/" : path.substring(end);
      return decoded(raw, Source.PATH, rest);
    }
    for (Source source : order) {
      String raw;
      switch (source) {
        case QUERY:
          raw = queryParameter(uri);
          break;
        case COOKIE:
          raw = cookie(headers);
          break;
        default:
          raw = headers.get(name);
      }
      if (raw != null) {
        return source == Source.QUERY ? decoded(raw, source, path) : checked(raw, source, path);
      }
    }
    return new Located(null, null, path, false);
  }

  private static Located decoded(String raw, Source source, String path) {
    String token = raw.length() > MAX_TOKEN_CHARS ? null : percentDecode(raw);
    return token == null || token.isEmpty()
        ? new Located(null, source, path, true)
        : new Located(token, source, path, false);
  }

  private static Located checked(String raw, Source source, String path) {
    return raw.isEmpty() || raw.length() > MAX_TOKEN_CHARS
        ? new Located(null, source, path, true)
        : new Located(raw, source, path, false);
  }

  /** The raw value of this locator's parameter in the query of {@code uri}, or null. */
  private String queryParameter(String uri) {
    int question = uri.indexOf('?');
    if (question < 0) {
      return null;
    }
    int end = uri.indexOf('#', question);
    String query = end < 0 ? uri.substring(question + 1) : uri.substring(question + 1, end);
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int stop = amp < 0 ? query.length() : amp;
      if (query.startsWith(name, start)
          && start + name.length() < stop
          && query.charAt(start + name.length()) == '=') {
        return query.substring(start + name.length() + 1, stop);
      }
      start = stop + 1;
    }
    return null;
  }

  private String cookie(HttpHeaders headers) {
    String header = headers.get(HttpHeaderNames.COOKIE);
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
