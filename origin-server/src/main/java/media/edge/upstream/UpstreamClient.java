package media.edge.upstream;

import media.edge.config.UpstreamConfig;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP/1.1 client an edge cache fetches misses with. Each request goes to the parent edge that owns
 * its hash key (rendezvous hashing over the parents that are up), falling back to the other parents and
 * then the origins in configured order when a connect fails. Connections are pooled per upstream and kept
 * alive; an active checker brings parents that went down back into use.
 *
 * <p>Uses the caller's event loop group and socket channel class, so that it runs on epoll or NIO like the
 * rest of the server; {@link #close()} does not shut the group down.
 *
 * <p>Thread-safe: {@link #fetch} may be called from any thread. Callbacks for one fetch run on one event
 * loop thread at a time, in order.
 */
public final class UpstreamClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final Map<String, HostPool> pools;
  private final UpstreamSelector selector;
  private final ParentHealth health;
  private final HealthChecker checker;
  private final FetchContext context;

  private UpstreamClient(
      EventLoopGroup group,
      Map<String, HostPool> pools,
      UpstreamSelector selector,
      ParentHealth health,
      HealthChecker checker,
      FetchContext context) {
    this.group = group;
    this.pools = pools;
    this.selector = selector;
    this.health = health;
    this.checker = checker;
    this.context = context;
  }

  /**
   * Builds a client and starts the parents' health checks.
   *
   * @throws IllegalArgumentException naming the URI if an origin or parent is not {@code
   *     http://host[:port][/path]}, or if a parent is listed twice
   */
  public static UpstreamClient create(
      UpstreamConfig config,
      EventLoopGroup group,
      Class<? extends SocketChannel> channelType,
      MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(channelType, "channelType");
    Objects.requireNonNull(registry, "registry");
    if (!config.enabled()) {
      throw new IllegalArgumentException("upstream.urls: [] (expected: at least one origin, or upstream.parents)");
    }
    List<Upstream> origins = config.urls().stream().map(Upstream::parse).toList();
    List<Upstream> parents = config.parents().stream().map(Upstream::parse).toList();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < parents.size(); i++) {
      if (!names.add(parents.get(i).name())) {
        throw new IllegalArgumentException(
            "parents: " + config.parents().get(i) + " (expected: each parent once; rendezvous needs distinct names)");
      }
    }

    ParentHealth health = new ParentHealth(parents.stream().map(Upstream::name).toList());
    UpstreamMetrics metrics = new UpstreamMetrics(registry, health);
    Desyncs desyncs = new Desyncs(metrics, System::nanoTime);
    Bootstrap base =
        new Bootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(config.connectTimeout().toMillis()))
            .option(ChannelOption.TCP_NODELAY, true)
            // The data port's allocator: what upstream bodies hold is counted with the rest
            // (netty_allocator_memory_used_bytes), not in Netty 4.2's default adaptive allocator.
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .handler(new UpstreamChannelInitializer(config.responseTimeout(), config.idleTimeout(), desyncs));
    Map<String, HostPool> pools = new LinkedHashMap<>();
    List<Candidate> parentCandidates = new ArrayList<>();
    List<Candidate> originCandidates = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      parentCandidates.add(new Candidate(parents.get(i), pool(pools, base, parents.get(i), config), i));
    }
    for (Upstream origin : origins) {
      originCandidates.add(new Candidate(origin, pool(pools, base, origin, config), Candidate.ORIGIN));
    }

    String via = "1.1 " + config.resolvedNodeName();
    HealthChecker checker = null;
    if (!parents.isEmpty()) {
      checker = new HealthChecker(parents, base, health, config.healthPath(), via);
      checker.start(group, config.healthInterval());
    }
    FetchContext context = new FetchContext(metrics, health, via, new AtomicBoolean());
    return new UpstreamClient(
        group, pools, new UpstreamSelector(parentCandidates, originCandidates, health), health, checker, context);
  }

  private static HostPool pool(Map<String, HostPool> pools, Bootstrap base, Upstream upstream, UpstreamConfig config) {
    return pools.computeIfAbsent(
        upstream.name(),
        name ->
            new HostPool(
                base.clone().remoteAddress(upstream.address()),
                config.maxConnections(),
                config.connectTimeout().toNanos()));
  }

  private static int millis(long millis) {
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  /**
   * Starts one exchange; exactly one terminal callback ({@link UpstreamListener#onComplete} or {@link
   * UpstreamListener#onError}) follows, on an event loop thread. After {@link #close()} that is {@code
   * onError(CLOSED)}.
   *
   * @return a handle to abandon the exchange
   * @throws IllegalArgumentException if a header name or value is invalid (a CR or LF in a value, for
   *     example); then no callback follows, and the body has been released
   */
  public UpstreamCall fetch(UpstreamRequest request, UpstreamListener listener) {
    Objects.requireNonNull(request, "request");
    Fetch fetch;
    try {
      Objects.requireNonNull(listener, "listener");
      fetch = new Fetch(request, listener, selector.candidates(request.hashKey()), context, group.next());
    } catch (RuntimeException e) {
      ByteBuf body = request.body();
      if (body != null) {
        body.release();
      }
      throw e;
    }
    fetch.start();
    return fetch::cancel;
  }

  /** Each parent's name ({@code host:port}) and whether it is up, in configured order. */
  public List<ParentState> parents() {
    return health.states();
  }

  /**
   * Stops the health checks and closes every connection. Fetches in flight end with {@code
   * onError(CLOSED)} shortly after, on their event loops; this does not wait for them, so that it may be
   * called from an event loop.
   */
  @Override
  public void close() {
    if (!context.closed().compareAndSet(false, true)) {
      return;
    }
    if (checker != null) {
      checker.close();
    }
    pools.values().forEach(HostPool::close);
    context.metrics().close();
  }

  /** Runs one round of health checks now; for tests. */
  CompletableFuture<Void> checkParents() {
    return checker == null ? CompletableFuture.completedFuture(null) : checker.checkAll();
  }

  /** Open or connecting connections to {@code name} ({@code host:port}); for tests. */
  int openConnections(String name) {
    HostPool pool = pools.get(name);
    return pool == null ? 0 : pool.openConnections();
  }
}
