package media.edge.upstream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failed attempt to open an upstream connection is reported, whoever made it (a fetch's
 * pool or a health check): counted in {@code edge_upstream_connect_failures_total{reason}} every time, and
 * for {@code dns} and {@code tls}, which an operator has to fix (a name, a certificate, a trust store),
 * logged at WARN at most once per {@link LogLimit#INTERVAL_NANOS} each, with the upstream's {@code
 * host:port} and the reason, never a URL, a key or a stack trace. A refused connect is not logged: it is
 * routine while an upstream restarts, and {@link ParentHealth} logs a parent going down.
 *
 * <p>Reports after the client closed are dropped: closing cuts connects and handshakes short, and those
 * are not the upstream's failures.
 *
 * <p>Thread-safe: every event loop reports here; the meters, the limits and the flag are.
 */
final class ConnectFailures {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectFailures.class);

  private final UpstreamMetrics metrics;
  private final AtomicBoolean closed;
  private final LogLimit dnsLog;
  private final LogLimit tlsLog;

  ConnectFailures(UpstreamMetrics metrics, AtomicBoolean closed, LongSupplier nanoTime) {
    this.metrics = metrics;
    this.closed = closed;
    this.dnsLog = new LogLimit(nanoTime);
    this.tlsLog = new LogLimit(nanoTime);
  }

  /** One failed attempt to {@code upstream} ({@code host:port}); {@code reason} is CONNECT, DNS or TLS. */
  void report(HostPool.AcquireFailure reason, String upstream, String detail) {
    if (closed.get()) {
      return;
    }
    metrics.connectFailed(reason);
    if (reason == HostPool.AcquireFailure.DNS) {
      long quiet = dnsLog.admit();
      if (quiet >= 0) {
        LOG.warn("upstream {}: its host name does not resolve: {}{}", upstream, detail, LogLimit.since(quiet));
      }
    } else if (reason == HostPool.AcquireFailure.TLS) {
      long quiet = tlsLog.admit();
      if (quiet >= 0) {
        LOG.warn("upstream {}: TLS refused, connection closed: {}{}", upstream, detail, LogLimit.since(quiet));
      }
    }
  }
}
