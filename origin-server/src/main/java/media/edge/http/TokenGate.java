package media.edge.http;

import java.util.List;
import media.edge.config.TokenConfig;
import media.edge.token.TokenRejection;
import media.edge.token.TokenVerifier;
import media.edge.token.TokenVerifier.Verdict;

/**
 * Whether a request may be served, by its token: the HTTP side of {@link TokenVerifier}. It finds
 * the token ({@link TokenLocator}), lets exempt prefixes through, and checks the token against the
 * normalized library path, so an encoded dot or slash cannot walk around an ACL.
 *
 * <p>Immutable and thread-safe.
 */
final class TokenGate {
  private final boolean required;
  private final TokenLocator locator;
  private final TokenVerifier verifier;
  /** An array, not a list: a loop over it allocates no iterator on every request. */
  private final String[] exemptPrefixes;

  /** The verdict when no token is required: accepted, for no one in particular (no cookie is set). */
  static final Verdict OPEN = new Verdict(null, Long.MAX_VALUE, List.of());
  private static final Verdict MALFORMED = new Verdict(TokenRejection.MALFORMED, 0, List.of());
  private static final Verdict MISSING = new Verdict(TokenRejection.MISSING, 0, List.of());

  TokenGate(TokenConfig config, TokenVerifier verifier) {
    this.required = config.required();
    this.locator = new TokenLocator(config.name(), config.sources());
    this.verifier = verifier;
    this.exemptPrefixes = config.exemptPrefixes().toArray(new String[0]);
  }

  /** The token name, for rewriting playlists and setting cookies. */
  String name() {
    return locator.name();
  }

  /** Finds the token and the path left once a path token is removed, into {@code sink}. */
  void locate(String path, Request request, TokenLocator.Sink sink) {
    locator.locate(path, request, sink);
  }

  /**
   * Checks a request's token: the verdict of a verified token (accepted or not), {@link #OPEN} when no
   * token is required here, or a refusal for a token that is missing or malformed.
   *
   * @param libraryPath the normalized path, {@code /} + the library key
   */
  Verdict check(String token, boolean malformed, String libraryPath, String client) {
    if (!required || exempt(libraryPath)) {
      return OPEN;
    }
    if (malformed) {
      return MALFORMED;
    }
    if (token == null) {
      return MISSING;
    }
    return verifier.verify(token, libraryPath, client);
  }

  /**
   * The {@code Set-Cookie} value that carries {@code token} for the rest of its stream: scoped to the
   * part of its first ACL before any wildcard, and living until the token expires.
   */
  String cookie(String token, Verdict verdict, long nowSeconds) {
    String acl = verdict.acls().isEmpty() ? "/" : verdict.acls().get(0);
    int wildcard = acl.length();
    for (int i = 0; i < acl.length(); i++) {
      if (acl.charAt(i) == '*' || acl.charAt(i) == '?') {
        wildcard = i;
        break;
      }
    }
    String scope = acl.substring(0, acl.lastIndexOf('/', Math.max(0, wildcard - 1)) + 1);
    long maxAge = Math.max(0, verdict.expiresEpochSeconds() - nowSeconds);
    return name() + "=" + token + "; Path=" + (scope.isEmpty() ? "/" : scope) + "; Max-Age=" + maxAge
        + "; HttpOnly; SameSite=Lax";
  }

  private boolean exempt(String libraryPath) {
    for (String prefix : exemptPrefixes) {
      if (libraryPath.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
