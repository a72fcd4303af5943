package media.edge.config;

import java.time.Duration;
import java.util.List;

/**
 * Cross-origin rules for browser players.
 *
 * @param allowedOrigins origins allowed to read responses; {@code ["*"]} allows any ({@code http.cors.allowed-origins})
 * @param maxAge how long a browser may cache a preflight answer ({@code http.cors.max-age})
 */
public record CorsConfig(List<String> allowedOrigins, Duration maxAge) {

  public CorsConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** True when any origin may read responses. */
  public boolean allowsAnyOrigin() {
    return allowedOrigins.contains("*");
  }
}
