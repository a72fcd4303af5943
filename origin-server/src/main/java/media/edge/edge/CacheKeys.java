package media.edge.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import media.edge.http.Request;

/**
 * The edge's cache key policy, and what it asks the upstream for (the same string): the path and the
 * query parameters that select content, sorted, so that two URLs that differ only in the order of their
 * parameters are one object.
 *
 * <ul>
 *   <li>Always left out: the token parameter (it is per viewer and never leaves this node), {@code CMCD}
 *       (per request, CTA-5004 section 4.2 asks caches to ignore it) and {@code cache.key.ignore-params}.
 *   <li>A live low-latency request (a playlist request with {@code _HLS_} directives, or one for a
 *       preload-hinted part) keeps only the {@code _HLS_*} directives and {@code cache.key.live-params}:
 *       every viewer held on one part must share one fill, whatever else their players add.
 *   <li>Any other request keeps every other parameter, so that nothing unknown collapses two objects.
 * </ul>
 *
 * <p>What is left out of the key is not forwarded either: the upstream answers exactly what is stored.
 *
 * <p>Immutable and thread-safe.
 */
final class CacheKeys {
  /** The reserved prefix of Delivery Directives (draft-pantos-hls-rfc8216bis section 6.2.5). */
  static final String DIRECTIVE_PREFIX = "_HLS_";
  private static final String CMCD = "CMCD";

  private final String tokenName;
  private final String[] ignored;
  private final String[] live;

  CacheKeys(String tokenName, List<String> ignored, List<String> live) {
    this.tokenName = tokenName;
    this.ignored = Set.copyOf(ignored).toArray(new String[0]);
    this.live = Set.copyOf(live).toArray(new String[0]);
  }

  /** The token parameter's name: what a request's query is read without ({@link Request#queryWithout}). */
  String tokenName() {
    return tokenName;
  }

  /**
   * The key of {@code path} (the decoded-safe path as logged) with {@code query} (a raw query without
   * its {@code ?} and fragment, or null); {@code liveRequest} keeps only directives and live parameters.
   * Allocates nothing when no parameter is kept, one string when one is.
   */
  String of(String path, String query, boolean liveRequest) {
    if (query == null) {
      return path;
    }
    String first = null;
    List<String> kept = null;
    int start = 0;
    int length = query.length();
    while (start <= length) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? length : amp;
      if (end > start && keeps(query, start, end, liveRequest)) {
        String pair = query.substring(start, end);
        if (first == null) {
          first = pair;
        } else {
          if (kept == null) {
            kept = new ArrayList<>(4);
            kept.add(first);
          }
          kept.add(pair);
        }
      }
      start = end + 1;
    }
    if (first == null) {
      return path;
    }
    if (kept == null) {
      return path + "?" + first;
    }
    kept.sort(null);
    return path + "?" + String.join("&", kept);
  }

  /** The raw query of a request target ({@code /a?q#f} gives {@code q}), or null when it has none. */
  static String query(String target) {
    int question = target.indexOf('?');
    if (question < 0) {
      return null;
    }
    int hash = target.indexOf('#', question);
    return target.substring(question + 1, hash < 0 ? target.length() : hash);
  }

  /** Whether the pair at {@code [start, end)} of {@code query} stays in the key; compares in place. */
  private boolean keeps(String query, int start, int end, boolean liveRequest) {
    int eq = query.indexOf('=', start);
    int nameEnd = eq < 0 || eq > end ? end : eq;
    if (named(query, start, nameEnd, tokenName) || named(query, start, nameEnd, CMCD)) {
      return false;
    }
    for (String name : ignored) {
      if (named(query, start, nameEnd, name)) {
        return false;
      }
    }
    if (!liveRequest || query.startsWith(DIRECTIVE_PREFIX, start)) {
      return true;
    }
    for (String name : live) {
      if (named(query, start, nameEnd, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean named(String query, int start, int end, String name) {
    return end - start == name.length() && query.startsWith(name, start);
  }

  /** True when a playlist request's {@code query} (or null) carries Delivery Directives. */
  static boolean hasDirectives(String query) {
    return query != null && query.contains(DIRECTIVE_PREFIX);
  }

  /** True when a playlist request blocks: its {@code query} (or null) names a Media Sequence Number. */
  static boolean blocks(String query) {
    return query != null && query.contains(DIRECTIVE_PREFIX + "msn=");
  }
}
