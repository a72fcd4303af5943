package media.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import media.edge.memory.MemoryTier;
import media.edge.hls.ContentKind;
import media.edge.token.TokenRejection;

/**
 * Every meter of the server, registered on one Prometheus registry. Tags take values from small
 * fixed sets (method, status, kind, cache tier, reason), never from a path or a token, so the
 * number of series is bounded whatever clients send.
 *
 * <p>Thread-safe: request meters are created on first use into a fixed array slot (a benign race
 * creates the same meter twice, which Micrometer deduplicates) and then read without locking.
 */
public final class EdgeMetrics implements AutoCloseable {
  /** Latency buckets, in seconds: enough resolution for memory hits and for slow disks. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
    Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  private static final String[] METHODS = {"GET", "HEAD", "OPTIONS", "OTHER"};
  private static final ContentKind[] KINDS = ContentKind.values();
  private static final int TIERS = CacheResult.values().length;
  private static final int STATUS_MIN = 100;
  private static final int STATUS_COUNT = 500;

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final AtomicReferenceArray<Timer> timers;
  private final Counter[] responseBytes;
  private final Counter[] rejections;
  private final Counter[] tokenRejections;
  private final Counter[] cutOffs;
  private final Counter[] protocolErrors;
  private final Counter connectionsRefused;

  private EdgeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    registry.config().meterFilter(PromtoolClean.FILTER);
    this.timers = new AtomicReferenceArray<>(STATUS_COUNT * METHODS.length * KINDS.length * TIERS);
    this.responseBytes = new Counter[KINDS.length * TIERS];
    for (ContentKind kind : KINDS) {
      for (CacheResult tier : CacheResult.values()) {
        responseBytes[kind.ordinal() * TIERS + tier.ordinal()] =
            Counter.builder("edge.http.response.bytes")
                .description("Body bytes sent, by content kind and where they came from")
                .baseUnit("bytes")
                .tag("kind", kind.tag())
                .tag("cache", tier.tag())
                .register(registry);
      }
    }
    this.rejections = new Counter[Rejection.values().length];
    for (Rejection reason : Rejection.values()) {
      rejections[reason.ordinal()] =
          Counter.builder("edge.http.rejections")
              .description("Requests refused before any file was looked up, by reason")
              .tag("reason", reason.tag())
              .register(registry);
    }
    this.tokenRejections = new Counter[TokenRejection.values().length];
    for (TokenRejection reason : TokenRejection.values()) {
      tokenRejections[reason.ordinal()] =
          Counter.builder("edge.token.rejections")
              .description("Requests refused with 403 for their token, by reason")
              .tag("reason", reason.tag())
              .register(registry);
    }
    this.cutOffs = new Counter[CutOff.values().length];
    for (CutOff reason : CutOff.values()) {
      cutOffs[reason.ordinal()] =
          Counter.builder("edge.clients.cut.off")
              .description("Answers cut off because their client stopped taking bytes, by reason")
              .tag("reason", reason.tag())
              .register(registry);
    }
    this.protocolErrors = new Counter[ProtocolError.values().length];
    for (ProtocolError reason : ProtocolError.values()) {
      protocolErrors[reason.ordinal()] =
          Counter.builder("edge.protocol.errors")
              .description("Connections ended by an error (resets, bad TLS or HTTP/2, undecodable bytes), by reason")
              .tag("reason", reason.tag())
              .register(registry);
    }
    this.connectionsRefused =
        Counter.builder("edge.connections.refused")
            .description("Data connections closed on arrival because server.max-connections were open")
            .register(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    PromtoolClean.bindProcessCpuSeconds(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
  }

  /** A registry with the request, response and JVM meters. */
  public static EdgeMetrics create() {
    return new EdgeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The registry, for binders owned elsewhere. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Adds the memory tier's size, capacity and Caffeine statistics. */
  public void bindMemoryTier(MemoryTier memory) {
    Gauge.builder("edge.cache.bytes", memory, MemoryTier::weightedBytes)
        .description("Bytes held by a cache tier")
        .tag("tier", "memory")
        .strongReference(true)
        .register(registry);
    Gauge.builder("edge.cache.capacity.bytes", memory, MemoryTier::capacityBytes)
        .description("Configured capacity of a cache tier in bytes")
        .tag("tier", "memory")
        .strongReference(true)
        .register(registry);
    CaffeineCacheMetrics.monitor(registry, memory.caffeine(), "memory");
  }

  /** Adds the disk tier's size, capacity and entry count. */
  public void bindDiskTier(LongSupplier bytes, LongSupplier capacity, LongSupplier entries) {
    Gauge.builder("edge.cache.bytes", bytes, LongSupplier::getAsLong)
        .description("Bytes held by a cache tier")
        .tag("tier", "disk")
        .strongReference(true)
        .register(registry);
    Gauge.builder("edge.cache.capacity.bytes", capacity, LongSupplier::getAsLong)
        .description("Configured capacity of a cache tier in bytes")
        .tag("tier", "disk")
        .strongReference(true)
        .register(registry);
    Gauge.builder("edge.cache.entries", entries, LongSupplier::getAsLong)
        .description("Entries held by the disk tier")
        .tag("tier", "disk")
        .strongReference(true)
        .register(registry);
  }

  /** Adds Netty's allocator usage: direct and heap memory held by its pools, where bodies live. */
  public void bindAllocator(ByteBufAllocatorMetricProvider allocator) {
    ByteBufAllocatorMetric metric = allocator.metric();
    Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
        .description("Bytes reserved by Netty's pooled allocator")
        .baseUnit("bytes")
        .tag("memory", "direct")
        .strongReference(true)
        .register(registry);
    Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
        .description("Bytes reserved by Netty's pooled allocator")
        .baseUnit("bytes")
        .tag("memory", "heap")
        .strongReference(true)
        .register(registry);
  }

  /** Adds the count of file descriptors memory entries keep open for sendfile: library files and disk-tier entries. */
  public void bindOpenFiles(IntSupplier open) {
    Gauge.builder("edge.cache.open.files", open, IntSupplier::getAsInt)
        .description("File descriptors kept open by memory entries of files sent with sendfile")
        .strongReference(true)
        .register(registry);
  }

  /** Adds the count of access-log lines dropped because the log's writer could not keep up. */
  /**
   * Requests held for live low-latency playlists and preload hints (origin mode). Meters keep only a
   * weak reference to what they read: {@code holds} must be kept alive by its owner.
   */
  public <T> void bindLiveHolds(T holds, ToDoubleFunction<T> held, ToDoubleFunction<T> released, ToDoubleFunction<T> timedOut) {
    Gauge.builder("edge.llhls.held.requests", holds, held)
        .description("Blocking playlist reloads and preload-hinted requests held now, waiting for the packager")
        .register(registry);
    FunctionCounter.builder("edge.llhls.released", holds, released)
        .description("Held requests answered because what they waited for was written")
        .register(registry);
    FunctionCounter.builder("edge.llhls.timed.out", holds, timedOut)
        .description("Held requests answered 503 after three target durations without what they waited for")
        .register(registry);
  }

  /** Lines the access log dropped; {@code log} must be kept alive by its owner (meters hold it weakly). */
  public <T> void bindAccessLog(T log, ToDoubleFunction<T> dropped) {
    FunctionCounter.builder("edge.access.log.dropped.lines", log, dropped)
        .description("Access-log lines dropped because standard output or the log file could not keep up")
        .register(registry);
  }

  public void bindConnections(LongSupplier open) {
    Gauge.builder("edge.connections.active", open, s -> s.getAsLong())
        .description("Open client connections on the data port")
        .strongReference(true)
        .register(registry);
  }

  /** Records one finished request. */
  public void request(String method, int status, ContentKind kind, CacheResult cache, long bytes, long nanos) {
    timer(methodIndex(method), status, kind, cache).record(nanos, TimeUnit.NANOSECONDS);
    if (bytes > 0) {
      responseBytes[kind.ordinal() * TIERS + cache.ordinal()].increment(bytes);
    }
  }

  /** Counts a request refused for {@code reason}. */
  public void rejected(Rejection reason) {
    rejections[reason.ordinal()].increment();
  }

  /** Counts an answer cut off because of its client. */
  public void cutOff(CutOff reason) {
    cutOffs[reason.ordinal()].increment();
  }

  /** Counts a connection ended by an error. */
  public void protocolError(ProtocolError reason) {
    protocolErrors[reason.ordinal()].increment();
  }

  /** Counts a connection refused at {@code server.max-connections}. */
  public void connectionRefused() {
    connectionsRefused.increment();
  }

  /** Counts a request refused for its token. */
  public void tokenRejected(TokenRejection reason) {
    tokenRejections[reason.ordinal()].increment();
  }

  /** The Prometheus text exposition; OpenMetrics when {@code accept} asks for it. */
  public String scrape(String accept) {
    return registry.scrape(accept == null ? "text/plain" : accept);
  }

  /** The content type that {@link #scrape} returns for {@code accept}. */
  public static String scrapeContentType(String accept) {
    if (accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")) {
      return "application/openmetrics-text; version=1.0.0; charset=utf-8";
    }
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  private Timer timer(int method, int status, ContentKind kind, CacheResult cache) {
    int statusSlot = status >= STATUS_MIN && status < STATUS_MIN + STATUS_COUNT ? status - STATUS_MIN : 499;
    int slot = ((statusSlot * METHODS.length + method) * KINDS.length + kind.ordinal()) * TIERS + cache.ordinal();
    Timer timer = timers.get(slot);
    if (timer == null) {
      timer =
          Timer.builder("edge.http.requests")
              .description("Requests on the data port, from first byte read to last byte written")
              .tag("method", METHODS[method])
              .tag("status", Integer.toString(statusSlot + STATUS_MIN))
              .tag("kind", kind.tag())
              .tag("cache", cache.tag())
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      timers.set(slot, timer);
    }
    return timer;
  }

  private static int methodIndex(String method) {
    switch (method) {
      case "GET":
        return 0;
      case "HEAD":
        return 1;
      case "OPTIONS":
        return 2;
      default:
        return 3;
    }
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
