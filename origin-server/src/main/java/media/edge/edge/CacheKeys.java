package media.edge.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
  private final Set<String> ignored;
  private final Set<String> live;

  CacheKeys(String tokenName, List<String> ignored, List<String> live) {
    this.tokenName = tokenName;
    this.ignored = Set.copyOf(ignored);
    this.live = Set.copyOf(live);
  }

  /**
   * The key of {@code path} (the decoded-safe path as logged) with the raw request target {@code uri}'s
   * query; {@code liveRequest} keeps only directives and live parameters.
   */
  String of(String path, String uri, boolean liveRequest) {
    int question = uri.indexOf('?');
    if (question < 0) {
      return path;
    }
    int hash = uri.indexOf('#', question);
    String query = uri.substring(question + 1, hash < 0 ? uri.length() : hash);
    List<String> kept = new ArrayList<>();
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      if (end > start && keeps(query, start, end, liveRequest)) {
        kept.add(query.substring(start, end));
      }
      start = end + 1;
    }
    if (kept.isEmpty()) {
      return path;
    }
    kept.sort(null);
    return path + "?" + String.join("&", kept);
  }

  private boolean keeps(String query, int start, int end, boolean liveRequest) {
    int eq = query.indexOf('=', start);
    String name = query.substring(start, eq < 0 || eq > end ? end : eq);
    if (name.equals(tokenName) || name.equals(CMCD) || ignored.contains(name)) {
      return false;
    }
    return !liveRequest || name.startsWith(DIRECTIVE_PREFIX) || live.contains(name);
  }

  /** True when a playlist request carries Delivery Directives (a blocking reload or a delta update). */
  static boolean hasDirectives(String uri) {
    int question = uri.indexOf('?');
    return question >= 0 && uri.indexOf(DIRECTIVE_PREFIX, question) > 0;
  }

  /** True when a playlist request blocks: it names a Media Sequence Number. */
  static boolean blocks(String uri) {
    int question = uri.indexOf('?');
    return question >= 0 && uri.indexOf(DIRECTIVE_PREFIX + "msn=", question) > 0;
  }
}
