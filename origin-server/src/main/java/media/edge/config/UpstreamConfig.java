package media.edge.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Edge mode: where misses are fetched from, and how patiently ({@code upstream.*}). With no URLs and no
 * parents the server is a pure origin; otherwise (optionally with a library, which is looked at first) it
 * is a pull-through cache. The defaults are {@link ConfigLoader#defaults()}'s, and nowhere else.
 *
 * @param urls origins, {@code http://} or {@code https://}, tried in order when one refuses connections
 *     ({@code upstream.urls})
 * @param parents other edges (a shield tier) chosen per cache key by rendezvous hashing before the
 *     origins ({@code upstream.parents})
 * @param connectTimeout the longest wait for a TCP connection or a pooled one, and again for each DNS query and
 *     for a TLS handshake ({@code upstream.connect-timeout})
 * @param responseTimeout the longest wait from request to response headers ({@code upstream.response-timeout})
 * @param idleTimeout the longest gap between two reads of a response body ({@code upstream.idle-timeout})
 * @param maxConnections connections per upstream host, idle ones included ({@code upstream.max-connections})
 * @param healthInterval how often parents are probed ({@code upstream.health-interval})
 * @param healthPath what the probe asks parents for with HEAD ({@code upstream.health-path})
 * @param nodeName this node's name in {@code Via}, which also detects loops; "" for the host name
 *     ({@code upstream.node-name})
 * @param holdTimeout the wait for response headers of a request the upstream holds (a blocking playlist
 *     reload, a preload-hinted part) before its playlist's target duration is known; once it is, three
 *     target durations and a second, if longer than {@code responseTimeout} ({@code upstream.hold-timeout})
 * @param tls how {@code https://} upstreams are verified, and the client certificate ({@code upstream.tls.*})
 * @param dns how upstream host names are resolved ({@code upstream.dns.*})
 */
public record UpstreamConfig(
    List<URI> urls,
    List<URI> parents,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    int maxConnections,
    Duration healthInterval,
    String healthPath,
    String nodeName,
    Duration holdTimeout,
    UpstreamTlsConfig tls,
    UpstreamDnsConfig dns) {

  /** An RFC 9110 token, plus ':' for a {@code name:port} pseudonym; or empty, for the host name. */
  private static final Pattern NODE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z:-]*");

  /** Checks what the configuration's value types check, for records built in code (tests, embedding). */
  public UpstreamConfig {
    urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
    parents = List.copyOf(Objects.requireNonNull(parents, "parents"));
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(dns, "dns");
    positive("upstream.connect-timeout", connectTimeout);
    positive("upstream.response-timeout", responseTimeout);
    positive("upstream.idle-timeout", idleTimeout);
    positive("upstream.health-interval", healthInterval);
    positive("upstream.hold-timeout", holdTimeout);
    if (maxConnections < 1) {
      throw new IllegalArgumentException("upstream.max-connections: " + maxConnections + " (expected: at least 1)");
    }
    if (healthPath == null || !healthPath.startsWith("/") || healthPath.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "upstream.health-path: " + healthPath + " (expected: an absolute path such as /health)");
    }
    if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
      throw new IllegalArgumentException("upstream.node-name: " + nodeName + " (expected: a token such as edge-1)");
    }
  }

  private static void positive(String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: a positive duration)");
    }
  }

  /** The defaults with these origins: a starting point for code that builds its own configuration. */
  public static UpstreamConfig of(URI... origins) {
    return ConfigLoader.defaults().upstream().withUrls(List.of(origins), List.of());
  }

  /**
   * The name this node goes by in {@code Via}: {@code upstream.node-name}, or the host name when that is
   * empty and the host name is a plain token, else {@code edge}.
   */
  public String resolvedNodeName() {
    if (!nodeName.isEmpty()) {
      return nodeName;
    }
    try {
      String host = java.net.InetAddress.getLocalHost().getHostName();
      return host.matches("[A-Za-z0-9._-]{1,64}") ? host : "edge";
    } catch (java.io.IOException e) {
      return "edge";
    }
  }

  /** True when misses go upstream. */
  public boolean enabled() {
    return !urls.isEmpty() || !parents.isEmpty();
  }

  /** True when an origin or parent is {@code https://}, or a TLS file is set: then start-up reads the files. */
  public boolean usesTls() {
    return tls.hasFiles()
        || Stream.concat(urls.stream(), parents.stream())
            .anyMatch(uri -> "https".equalsIgnoreCase(uri.getScheme()));
  }

  /** Returns a copy verifying upstreams' certificates this way. */
  public UpstreamConfig withTls(UpstreamTlsConfig tls) {
    return toBuilder().tls(tls).build();
  }

  /** Returns a copy resolving upstream names this way. */
  public UpstreamConfig withDns(UpstreamDnsConfig dns) {
    return toBuilder().dns(dns).build();
  }

  /** Returns a copy fetching from other origins and parents. */
  public UpstreamConfig withUrls(List<URI> urls, List<URI> parents) {
    return toBuilder().origins(urls).parents(parents).build();
  }

  /** Returns a copy with another node name. */
  public UpstreamConfig withNodeName(String nodeName) {
    return toBuilder().nodeName(nodeName).build();
  }

  /** Returns a copy with other timeouts. */
  public UpstreamConfig withTimeouts(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout) {
    return toBuilder().connectTimeout(connectTimeout).responseTimeout(responseTimeout).idleTimeout(idleTimeout).build();
  }

  /** Returns a copy probing parents at another interval, at another path. */
  public UpstreamConfig withHealth(Duration healthInterval, String healthPath) {
    return toBuilder().healthInterval(healthInterval).healthPath(healthPath).build();
  }

  /** Returns a copy with another connection bound per host. */
  public UpstreamConfig withMaxConnections(int maxConnections) {
    return toBuilder().maxConnections(maxConnections).build();
  }

  /** Returns a copy probing parents at another interval. */
  public UpstreamConfig withHealthInterval(Duration healthInterval) {
    return withHealth(healthInterval, healthPath);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder starting from the defaults, for code that builds its own configuration (tests, embedding). */
  public static Builder builder() {
    return new Builder(ConfigLoader.defaults().upstream());
  }

  /** Changes some settings of a configuration; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private List<URI> urls;
    private List<URI> parents;
    private Duration connectTimeout;
    private Duration responseTimeout;
    private Duration idleTimeout;
    private int maxConnections;
    private Duration healthInterval;
    private String healthPath;
    private String nodeName;
    private Duration holdTimeout;
    private UpstreamTlsConfig tls;
    private UpstreamDnsConfig dns;

    private Builder(UpstreamConfig from) {
      this.urls = from.urls;
      this.parents = from.parents;
      this.connectTimeout = from.connectTimeout;
      this.responseTimeout = from.responseTimeout;
      this.idleTimeout = from.idleTimeout;
      this.maxConnections = from.maxConnections;
      this.healthInterval = from.healthInterval;
      this.healthPath = from.healthPath;
      this.nodeName = from.nodeName;
      this.holdTimeout = from.holdTimeout;
      this.tls = from.tls;
      this.dns = from.dns;
    }

    public Builder origins(URI... origins) {
      this.urls = List.of(origins);
      return this;
    }

    public Builder origins(List<URI> origins) {
      this.urls = origins;
      return this;
    }

    public Builder parents(URI... parents) {
      this.parents = List.of(parents);
      return this;
    }

    public Builder parents(List<URI> parents) {
      this.parents = parents;
      return this;
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

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
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

    public Builder holdTimeout(Duration holdTimeout) {
      this.holdTimeout = holdTimeout;
      return this;
    }

    public Builder tls(UpstreamTlsConfig tls) {
      this.tls = tls;
      return this;
    }

    public Builder dns(UpstreamDnsConfig dns) {
      this.dns = dns;
      return this;
    }

    public UpstreamConfig build() {
      return new UpstreamConfig(
          urls, parents, connectTimeout, responseTimeout, idleTimeout, maxConnections, healthInterval, healthPath, nodeName,
          holdTimeout, tls, dns);
    }
  }
}
