package media.edge.token;

import java.util.List;

/**
 * Matches a request path against a token's ACLs the way Akamai's edge does. The whole path must
 * match one pattern (anchored at both ends), character by character, except:
 *
 * <ul>
 *   <li>{@code *} matches any sequence of characters, the empty one included, and it spans
 *       {@code /}: {@code /vod/title/*} opens {@code /vod/title/720p/seg_1.ts}, and {@code /vod/*.ts}
 *       opens {@code /vod/a/b/c.ts};
 *   <li>{@code ?} matches exactly one character, {@code /} included;
 *   <li>a token holds several patterns separated by {@code !}; any one matching opens the path.
 * </ul>
 *
 * There is no escape: {@code *} and {@code ?} in a pattern are always wildcards. Matching is on the
 * path as the caller passes it (the request path without its query), with no decoding or
 * normalisation, so the caller must pass the form the tokens were minted for.
 *
 * <p>The matcher is the classic iterative one that remembers only the last {@code *} and where it
 * resumed: on a mismatch it lets that star swallow one more character and retries from there.
 * Earlier stars never need revisiting (whatever they could have absorbed, the last one can), so
 * there is no backtracking explosion as with a regular expression: at most
 * {@code pattern.length() * path.length()} steps, and linear for patterns with one star. Patterns
 * come from tokens whose signature was already checked, paths are bounded by the request-line limit.
 *
 * <p>Stateless; safe from any thread.
 */
final class AclMatcher {

  private AclMatcher() {}

  /** True when any of {@code acls} matches {@code path}. */
  static boolean matchesAny(List<String> acls, String path) {
    for (int i = 0; i < acls.size(); i++) {
      if (matches(acls.get(i), path)) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code pattern} matches all of {@code path}. */
  static boolean matches(String pattern, String path) {
    int p = 0;
    int s = 0;
    int star = -1; // index in pattern of the last '*' met
    int resume = -1; // index in path where that star's match currently ends
    while (s < path.length()) {
      if (p < pattern.length()) {
        char c = pattern.charAt(p);
        if (c == '*') {
          star = p++;
          resume = s;
          continue;
        }
        if (c == '?' || c == path.charAt(s)) {
          p++;
          s++;
          continue;
        }
      }
      if (star < 0) {
        return false;
      }
      p = star + 1;
      s = ++resume;
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
