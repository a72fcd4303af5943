package media.edge.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Edge mode: where misses are fetched from ({@code upstream.*}). With no URLs and no parents the
 * server is a pure origin; otherwise (optionally with a library, which is looked at first) it is a
 * pull-through cache.
 *
 * @param urls origins, tried in order when one refuses connections ({@code upstream.urls})
 * @param parents other edges (a shield tier) chosen per cache key by rendezvous hashing before the
 *     origins ({@code upstream.parents})
 * @param connectTimeout the longest wait for a TCP connection or a pooled one ({@code upstream.connect-timeout})
 * @param responseTimeout the longest wait from request to response headers ({@code upstream.response-timeout})
 * @param idleTimeout the longest gap between two reads of a response body ({@code upstream.idle-timeout})
 * @param maxConnections connections per upstream host ({@code upstream.max-connections})
 * @param healthInterval how often parents are probed ({@code upstream.health-interval})
 * @param healthPath what the probe asks parents for with HEAD ({@code upstream.health-path})
 * @param nodeName this node's name in {@code Via}, which also detects loops; "" for the host name
 *     ({@code upstream.node-name})
 */
public record UpstreamSection(
    List<URI> urls,
    List<URI> parents,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    int maxConnections,
    Duration healthInterval,
    String healthPath,
    String nodeName) {

  /** True when misses go upstream. */
  public boolean enabled() {
    return !urls.isEmpty() || !parents.isEmpty();
  }

  /** Returns a copy fetching from other origins and parents. */
  public UpstreamSection withUrls(List<URI> urls, List<URI> parents) {
    return new UpstreamSection(
        urls, parents, connectTimeout, responseTimeout, idleTimeout, maxConnections, healthInterval, healthPath, nodeName);
  }

  /** Returns a copy with another node name. */
  public UpstreamSection withNodeName(String nodeName) {
    return new UpstreamSection(
        urls, parents, connectTimeout, responseTimeout, idleTimeout, maxConnections, healthInterval, healthPath, nodeName);
  }

  /** Returns a copy with other timeouts. */
  public UpstreamSection withTimeouts(Duration connectTimeout, Duration responseTimeout, Duration idleTimeout) {
    return new UpstreamSection(
        urls, parents, connectTimeout, responseTimeout, idleTimeout, maxConnections, healthInterval, healthPath, nodeName);
  }

  /** Returns a copy probing parents at another interval. */
  public UpstreamSection withHealthInterval(Duration healthInterval) {
    return new UpstreamSection(
        urls, parents, connectTimeout, responseTimeout, idleTimeout, maxConnections, healthInterval, healthPath, nodeName);
  }
}
