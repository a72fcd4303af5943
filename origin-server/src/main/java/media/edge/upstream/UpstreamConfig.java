package media.edge.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where misses are fetched from and how patiently. Immutable; validated when built, except the URIs'
 * scheme and shape, which {@link UpstreamClient#create} checks when it turns them into addresses.
 *
 * @param origins tried in this order after the parents
 * @param parents parent edges, chosen per object by rendezvous hashing of the hash key
 * @param connectTimeout for the TCP connect, and for waiting for a free pooled connection
 * @param responseTimeout from sending the request to the response headers
 * @param idleTimeout the longest gap between body reads
 * @param maxConnectionsPerHost open connections per upstream, idle ones included
 * @param healthInterval between active checks of the parents
 * @param healthPath the path the checker sends {@code HEAD} to
 * @param nodeName this edge's name in the {@code Via} header
 */
public record UpstreamConfig(
    List<URI> origins,
    List<URI> parents,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    int maxConnectionsPerHost,
    Duration healthInterval,
    String healthPath,
    String nodeName) {

  /** Defaults, in one place. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 64;
  static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
  static final String DEFAULT_HEALTH_PATH = "/";
  static final String DEFAULT_NODE_NAME = "edge";

  /** An RFC 9110 token, plus ':' for a {@code name:port} pseudonym. */
  private static final Pattern NODE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z:-]+");

  public UpstreamConfig {
    origins = List.copyOf(Objects.requireNonNull(origins, "origins"));
    parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
    if (origins.isEmpty() && parents.isEmpty()) {
      throw new IllegalArgumentException("origins: [] (expected: at least one origin or parent)");
    }
    positive("connectTimeout", connectTimeout);
    positive("responseTimeout", responseTimeout);
    positive("idleTimeout", idleTimeout);
    positive("healthInterval", healthInterval);
    if (maxConnectionsPerHost < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsPerHost: " + maxConnectionsPerHost + " (expected: at least 1)");
    }
    if (healthPath == null || !healthPath.startsWith("/") || healthPath.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("healthPath: " + healthPath + " (expected: an absolute path such as /health)");
    }
    if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
      throw new IllegalArgumentException("nodeName: " + nodeName + " (expected: a token such as edge-1)");
    }
  }

  /** A builder with the defaults: 2 s connect, 10 s response and idle, 64 connections, HEAD / every 5 s. */
  public static Builder builder() {
    return new Builder();
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: a positive duration)");
    }
  }

  /** Collects settings; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private List<URI> origins = List.of();
    private List<URI> parents = List.of();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
    private Duration healthInterval = DEFAULT_HEALTH_INTERVAL;
    private String healthPath = DEFAULT_HEALTH_PATH;
    private String nodeName = DEFAULT_NODE_NAME;

    private Builder() {}

    public Builder origins(List<URI> origins) {
      this.origins = origins;
      return this;
    }

    public Builder origins(URI... origins) {
      return origins(List.of(origins));
    }

    public Builder parents(List<URI> parents) {
      this.parents = parents;
      return this;
    }

    public Builder parents(URI... parents) {
      return parents(List.of(parents));
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder responseTimeout(Duration responseTimeout) {
      this.responseTimeout = responseTimeout;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder maxConnectionsPerHost(int maxConnectionsPerHost) {
      this.maxConnectionsPerHost = maxConnectionsPerHost;
      return this;
    }

    public Builder healthInterval(Duration healthInterval) {
      this.healthInterval = healthInterval;
      return this;
    }

    public Builder healthPath(String healthPath) {
      this.healthPath = healthPath;
      return this;
    }

    public Builder nodeName(String nodeName) {
      this.nodeName = nodeName;
      return this;
    }

    /** The validated configuration. */
    public UpstreamConfig build() {
      return new UpstreamConfig(
          origins,
          parents,
          connectTimeout,
          responseTimeout,
          idleTimeout,
          maxConnectionsPerHost,
          healthInterval,
          healthPath,
          nodeName);
    }
  }
}
