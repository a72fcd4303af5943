package media.edge.http;

import java.util.Map;

/**
 * Built-in pages (the player page and its script): a few exact paths answered from memory by the gate,
 * before the library path rules and the token check, so that a browser can open them without a signed
 * URL. They are not library files and shadow any file at the same path. Only GET and HEAD (and OPTIONS,
 * as everywhere) are answered; conditionals, ranges and a stored gzip form work as for any
 * representation, through {@link Answers}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Pages {
  /** No built-in pages: every path goes through the library's rules (the default). */
  public static final Pages NONE = new Pages(Map.of());

  private final Map<String, Representation> byPath;

  private Pages(Map<String, Representation> byPath) {
    this.byPath = byPath;
  }

  /**
   * Pages at these exact request paths ({@code /}, {@code /_player/hls.min.js}); a request matches only
   * the path as sent, without its query, so an encoded or dotted variant goes through the library's rules.
   */
  public static Pages of(Map<String, Representation> byPath) {
    return byPath.isEmpty() ? NONE : new Pages(Map.copyOf(byPath));
  }

  /** The page at {@code path}, or null. */
  Representation find(String path) {
    return byPath.isEmpty() || path == null ? null : byPath.get(path);
  }

  /** True when there is a page at {@code path}. */
  public boolean contains(String path) {
    return find(path) != null;
  }
}
