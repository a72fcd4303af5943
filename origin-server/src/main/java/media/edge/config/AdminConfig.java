package media.edge.config;

import java.nio.file.Path;

/**
 * Who may change state through the admin port (purges): a bearer token, given inline ({@code admin.token},
 * or {@code EDGE_ADMIN_TOKEN}) or in a file ({@code admin.token-file}, trimmed). With neither, every
 * state-changing admin call is refused; {@code /metrics}, {@code /healthz}, {@code /readyz} and
 * {@code /audience} need none.
 *
 * @param token the bearer token, or "" for none
 * @param tokenFile a file holding the token, or null
 */
public record AdminConfig(String token, Path tokenFile) {
  /** Never printed: the token is a secret. */
  @Override
  public String toString() {
    return "AdminConfig[token=" + (token.isEmpty() ? "none" : "(set)") + ", tokenFile=" + tokenFile + "]";
  }
}
