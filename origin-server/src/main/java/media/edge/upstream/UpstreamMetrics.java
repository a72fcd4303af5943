package media.edge.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's meters, all registered at start-up: {@code edge_upstream_requests_seconds{outcome}},
 * {@code edge_upstream_retries_total}, {@code edge_upstream_desyncs_total{when}}, {@code
 * edge_upstream_connect_failures_total{reason}}, {@code edge_upstream_dns_stale_total} and {@code
 * edge_upstream_parent_up{parent}}. The outcome tag is a status class or a {@link UpstreamFailure} tag,
 * {@code when} a {@link Desync} tag and {@code reason} one of connect, dns, tls; never anything from the
 * request.
 *
 * <p>Thread-safe: the meters are created in the constructor and Micrometer's meters are thread-safe.
 */
final class UpstreamMetrics {
  private static final String[] STATUS_CLASSES = {"2xx", "3xx", "4xx", "5xx"};

  /**
   * Histogram buckets, in seconds, so that dashboards and alerts can take quantiles of upstream latency
   * ({@code histogram_quantile} over {@code edge_upstream_requests_seconds_bucket}); from a fast shield hit
   * to {@code upstream.response-timeout}'s default of 10 s.
   */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  /** The {@link HostPool.AcquireFailure}s that are a failed attempt to connect, not a wait or a close. */
  private static final List<HostPool.AcquireFailure> CONNECT_REASONS =
      List.of(HostPool.AcquireFailure.CONNECT, HostPool.AcquireFailure.DNS, HostPool.AcquireFailure.TLS);

  private final MeterRegistry registry;
  private final Timer[] byStatusClass = new Timer[STATUS_CLASSES.length];
  private final Timer[] byFailure = new Timer[UpstreamFailure.values().length];
  private final Counter retries;
  private final Counter[] desyncs = new Counter[Desync.values().length];
  private final Counter[] connectFailures = new Counter[HostPool.AcquireFailure.values().length];
  private final Counter dnsStale;
  private final List<Meter> gauges = new ArrayList<>();

  UpstreamMetrics(MeterRegistry registry, ParentHealth health) {
    this.registry = registry;
    for (int i = 0; i < STATUS_CLASSES.length; i++) {
      byStatusClass[i] = timer(STATUS_CLASSES[i]);
    }
    for (UpstreamFailure failure : UpstreamFailure.values()) {
      byFailure[failure.ordinal()] = timer(failure.tag());
    }
    this.retries =
        Counter.builder("edge.upstream.retries")
            .description("Upstream attempts after a connect failure or a stale keep-alive connection")
            .register(registry);
    for (Desync when : Desync.values()) {
      desyncs[when.ordinal()] =
          Counter.builder("edge.upstream.desyncs")
              .description("Upstream connections closed for bytes that answered no request (never cached)")
              .tag("when", when.tag())
              .register(registry);
    }
    for (HostPool.AcquireFailure reason : CONNECT_REASONS) {
      connectFailures[reason.ordinal()] =
          Counter.builder("edge.upstream.connect.failures")
              .description("Attempts to open an upstream connection that failed: refused or timed out (connect),"
                  + " name not resolved (dns), handshake or certificate refused (tls); health checks included")
              .tag("reason", reason.tag())
              .register(registry);
    }
    this.dnsStale =
        Counter.builder("edge.upstream.dns.stale")
            .description("Connects to the last good addresses of an upstream name that stopped resolving")
            .register(registry);
    for (int i = 0; i < health.size(); i++) {
      int parent = i;
      gauges.add(
          Gauge.builder("edge.upstream.parent.up", health, h -> h.isUp(parent) ? 1 : 0)
              .description("1 when the parent edge is considered up, 0 when it is skipped")
              .tag("parent", health.name(parent))
              .strongReference(true)
              .register(registry));
    }
  }

  private Timer timer(String outcome) {
    return Timer.builder("edge.upstream.requests")
        .description("Upstream fetches, from the call to the last callback, by outcome")
        .tag("outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** Starts timing a fetch on the registry's clock. */
  Timer.Sample start() {
    return Timer.start(registry);
  }

  /** A complete response; status is 200 to 599 (other final statuses are failed as malformed). */
  void completed(Timer.Sample sample, int status) {
    int index = Math.min(Math.max(status / 100 - 2, 0), STATUS_CLASSES.length - 1);
    sample.stop(byStatusClass[index]);
  }

  void failed(Timer.Sample sample, UpstreamFailure failure) {
    sample.stop(byFailure[failure.ordinal()]);
  }

  void retried() {
    retries.increment();
  }

  /** Only through {@link ConnectFailures#report}, which also logs; {@code reason} is CONNECT, DNS or TLS. */
  void connectFailed(HostPool.AcquireFailure reason) {
    connectFailures[reason.ordinal()].increment();
  }

  /** Only through {@link LastGoodAddresses}, which also logs. */
  void dnsStale() {
    dnsStale.increment();
  }

  /** Only through {@link Desyncs#report}, which also logs. */
  void desynced(Desync when) {
    desyncs[when.ordinal()].increment();
  }

  /**
   * Removes the parent gauges, which hold this client's health state, so that a client built later on the
   * same registry can register its own. Timers and counters stay: a new client shares them.
   */
  void close() {
    gauges.forEach(registry::remove);
  }
}
