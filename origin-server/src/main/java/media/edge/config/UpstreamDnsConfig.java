package media.edge.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How upstream host names are resolved ({@code upstream.dns.*}): asynchronously, honouring each
 * answer's TTL and {@code /etc/hosts}, from the servers of {@code /etc/resolv.conf} or those given here.
 * IP literals are never looked up.
 *
 * @param servers DNS servers to ask, in order, instead of the system's; empty for the system's
 *     ({@code upstream.dns.servers})
 * @param staleFor how long a name that stops resolving (no answer, SERVFAIL, NXDOMAIN) keeps its last
 *     good addresses, counted from when they were last resolved; zero for not at all
 *     ({@code upstream.dns.stale-for})
 */
public record UpstreamDnsConfig(List<InetSocketAddress> servers, Duration staleFor) {

  /** Checks what the configuration's value types check, for records built in code. */
  public UpstreamDnsConfig {
    servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
    for (InetSocketAddress server : servers) {
      if (server.isUnresolved()) {
        throw new IllegalArgumentException(
            "upstream.dns.servers: " + server.getHostString() + " (expected: IP addresses, not host names)");
      }
    }
    if (staleFor == null || staleFor.isNegative()) {
      throw new IllegalArgumentException("upstream.dns.stale-for: " + staleFor + " (expected: a duration >= 0)");
    }
  }

  /** Returns a copy asking these servers. */
  public UpstreamDnsConfig withServers(List<InetSocketAddress> servers) {
    return new UpstreamDnsConfig(servers, staleFor);
  }

  /** Returns a copy keeping last good addresses this long. */
  public UpstreamDnsConfig withStaleFor(Duration staleFor) {
    return new UpstreamDnsConfig(servers, staleFor);
  }
}
