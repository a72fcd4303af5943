package media.edge.upstream;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses each upstream host name last resolved to, and when, so that a name that stops resolving
 * (its DNS servers unreachable, SERVFAIL, a zone push that lost it) is still reached at them for up to
 * {@code upstream.dns.stale-for} after it last resolved, rather than every fetch failing at once. Past
 * that bound the failure stands: an origin that moved for good must not be held at an old address.
 * Each such connect is counted in {@code edge_upstream_dns_stale_total} and logged at WARN at most once
 * per {@link LogLimit#INTERVAL_NANOS}.
 *
 * <p>Holds one entry per upstream host name, since only those go through the client's resolver.
 *
 * <p>Thread-safe: a concurrent map of immutable entries; the resolvers of every event loop share one.
 */
final class LastGoodAddresses {
  private static final Logger LOG = LoggerFactory.getLogger(LastGoodAddresses.class);

  private record Good(List<InetAddress> addresses, long atNanos) {}

  private final ConcurrentMap<String, Good> byHost = new ConcurrentHashMap<>();
  private final long staleForNanos;
  private final LongSupplier nanoTime;
  private final UpstreamMetrics metrics;
  private final LogLimit log;

  /** {@code nanoTime} is {@link System#nanoTime} in production; tests pass a fake. */
  LastGoodAddresses(Duration staleFor, LongSupplier nanoTime, UpstreamMetrics metrics) {
    this.staleForNanos = staleFor.toNanos();
    this.nanoTime = nanoTime;
    this.metrics = metrics;
    this.log = new LogLimit(nanoTime);
  }

  /** {@code host} resolved to {@code addresses} (from DNS, its cache or the hosts file) just now. */
  void remember(String host, List<InetAddress> addresses) {
    if (staleForNanos > 0 && !addresses.isEmpty()) {
      byHost.put(host.toLowerCase(Locale.ROOT), new Good(List.copyOf(addresses), nanoTime.getAsLong()));
    }
  }

  /**
   * {@code host} did not resolve, for {@code why}: its last good addresses if they are recent enough
   * (counted and logged), else null.
   */
  List<InetAddress> recall(String host, Throwable why) {
    Good good = byHost.get(host.toLowerCase(Locale.ROOT));
    if (good == null) {
      return null;
    }
    long age = nanoTime.getAsLong() - good.atNanos();
    if (age > staleForNanos) {
      byHost.remove(host.toLowerCase(Locale.ROOT), good);
      return null;
    }
    metrics.dnsStale();
    long quiet = log.admit();
    if (quiet >= 0) {
      LOG.warn("upstream host {} does not resolve ({}); connecting to its last good addresses {}, resolved {} s ago,"
              + " for at most {} s more{}",
          host, ErrorText.of(why), good.addresses().stream().map(InetAddress::getHostAddress).toList(), TimeUnit.NANOSECONDS.toSeconds(age),
          TimeUnit.NANOSECONDS.toSeconds(staleForNanos - age), LogLimit.since(quiet));
    }
    return good.addresses();
  }
}
