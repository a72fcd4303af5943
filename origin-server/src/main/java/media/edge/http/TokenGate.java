package media.edge.http;

import io.netty.handler.codec.http.HttpHeaders;
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
  private final List<String> exemptPrefixes;

  TokenGate(TokenConfig config, TokenVerifier verifier) {
    this.required = config.required();
    this.locator = new TokenLocator(config.name(), config.sources());
    this.verifier = verifier;
    this.exemptPrefixes = List.copyOf(config.exemptPrefixes());
  }

  /** The token name, for rewriting playlists and setting cookies. */
  String name() {
    return locator.name();
  }

  /** Finds the token and the path left once a path token is removed. */
  TokenLocator.Located locate(String path, String uri, HttpHeaders headers) {
    return locator.locate(path, uri, headers);
  }

  /** A check's outcome: why the request is refused (null when it is not), and the verdict if a token was verified. */
  record Checked(TokenRejection rejection, Verdict verdict) {
    static final Checked OPEN = new Checked(null, null);
  }

  /**
   * Checks a request's token.
   *
   * @param libraryPath the normalized path, {@code /} + the library key
   */
  Checked check(TokenLocator.Located located, String libraryPath, String client) {
    if (!required || exempt(libraryPath)) {
      return Checked.OPEN;
    }
    if (located.malformed()) {
      return new Checked(TokenRejection.MALFORMED, null);
    }
    if (located.token() == null) {
      return new Checked(TokenRejection.MISSING, null);
    }
    Verdict verdict = verifier.verify(located.token(), libraryPath, client);
    return new Checked(verdict.accepted() ? null : verdict.rejection(), verdict);
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
