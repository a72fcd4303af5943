package media.edge.upstream;

import media.edge.config.UpstreamConfig;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
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
import java.util.function.LongSupplier;

/**
 * The HTTP/1.1 client an edge cache fetches misses with. Each request goes to the parent edge that owns
 * its hash key (rendezvous hashing over the parents that are up), falling back to the other parents and
 * then the origins in configured order when a connect fails. Connections are pooled per upstream and kept
 * alive; an active checker brings parents that went down back into use.
 *
 * <p>Upstreams may be {@code https://}: connections then carry TLS from the one {@link SslContext} given to
 * the {@link Builder} (verification, client certificate and session cache are its business, see {@code
 * media.edge.tls.UpstreamTls}), and are handed out only after the handshake. Host names are resolved by
 * {@link UpstreamResolvers}, asynchronously, on the connect's own event loop; IP literals are connected to
 * directly, exactly as before host names were supported.
 *
 * <p>Uses the caller's event loop group and channel classes, so that it runs on epoll or NIO like the
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
  private final UpstreamResolvers resolvers;

  private UpstreamClient(
      EventLoopGroup group,
      Map<String, HostPool> pools,
      UpstreamSelector selector,
      ParentHealth health,
      HealthChecker checker,
      FetchContext context,
      UpstreamResolvers resolvers) {
    this.group = group;
    this.pools = pools;
    this.selector = selector;
    this.health = health;
    this.checker = checker;
    this.context = context;
    this.resolvers = resolvers;
  }

  /**
   * A client on an NIO group for plaintext upstreams, with NIO's channels for DNS; see {@link #builder}
   * for another transport or for {@code https://} upstreams.
   *
   * @throws IllegalArgumentException as {@link Builder#build()}
   */
  public static UpstreamClient create(
      UpstreamConfig config,
      EventLoopGroup group,
      Class<? extends SocketChannel> channelType,
      MeterRegistry registry) {
    return builder(config, group, registry).channels(channelType, NioDatagramChannel.class).build();
  }

  /** A builder; {@link Builder#build()} starts the parents' health checks. */
  public static Builder builder(UpstreamConfig config, EventLoopGroup group, MeterRegistry registry) {
    return new Builder(config, group, registry);
  }

  /** Sets what a client needs beyond its configuration. Not thread-safe. */
  public static final class Builder {
    private final UpstreamConfig config;
    private final EventLoopGroup group;
    private final MeterRegistry registry;
    private Class<? extends SocketChannel> socketChannel = NioSocketChannel.class;
    private Class<? extends DatagramChannel> datagramChannel = NioDatagramChannel.class;
    private SslContext tls;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(UpstreamConfig config, EventLoopGroup group, MeterRegistry registry) {
      this.config = Objects.requireNonNull(config, "config");
      this.group = Objects.requireNonNull(group, "group");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The transport's TCP and UDP channel classes, which must fit the group (NIO's by default). */
    public Builder channels(Class<? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {
      this.socketChannel = Objects.requireNonNull(socketChannel, "socketChannel");
      this.datagramChannel = Objects.requireNonNull(datagramChannel, "datagramChannel");
      return this;
    }

    /** The client context for {@code https://} upstreams; required when there is one. */
    public Builder tls(SslContext tls) {
      this.tls = tls;
      return this;
    }

    /** The clock of the last good DNS answers and the log limits; tests pass a fake. */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * Builds the client and starts the parents' health checks.
     *
     * @throws IllegalArgumentException naming the URI if an origin or parent is not {@code
     *     http[s]://host[:port][/path]}, if a parent is listed twice, or if one is https:// and there is no
     *     TLS context
     */
    public UpstreamClient build() {
      return UpstreamClient.build(this);
    }
  }

  private static UpstreamClient build(Builder b) {
    UpstreamConfig config = b.config;
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
    List<Upstream> all = new ArrayList<>(parents);
    all.addAll(origins);
    if (b.tls == null) {
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).tls()) {
          URI uri = i < parents.size() ? config.parents().get(i) : config.urls().get(i - parents.size());
          throw new IllegalArgumentException(
              "upstream: " + uri + " (expected: a TLS context for https:// upstreams, from UpstreamClient.Builder.tls)");
        }
      }
    }

    ParentHealth health = new ParentHealth(parents.stream().map(Upstream::name).toList());
    UpstreamMetrics metrics = new UpstreamMetrics(b.registry, health);
    Desyncs desyncs = new Desyncs(metrics, b.nanoTime);
    AtomicBoolean closed = new AtomicBoolean();
    ConnectFailures failures = new ConnectFailures(metrics, closed, b.nanoTime);
    UpstreamResolvers resolvers =
        all.stream().anyMatch(u -> u.address().isUnresolved())
            ? UpstreamResolvers.create(
                config.dns(), b.datagramChannel, b.socketChannel, config.connectTimeout(),
                new LastGoodAddresses(config.dns().staleFor(), b.nanoTime, metrics))
            : null;
    Bootstrap base =
        new Bootstrap()
            .group(b.group)
            .channel(b.socketChannel)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(config.connectTimeout().toMillis()))
            .option(ChannelOption.TCP_NODELAY, true)
            // The data port's allocator: what upstream bodies hold is counted with the rest
            // (netty_allocator_memory_used_bytes), not in Netty 4.2's default adaptive allocator.
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    Map<String, Connector> connectors = new LinkedHashMap<>();
    for (Upstream upstream : all) {
      connectors.computeIfAbsent(upstream.name(), name -> {
        InetSocketAddress address = upstream.address();
        Bootstrap bootstrap = base.clone().remoteAddress(address);
        if (address.isUnresolved()) {
          bootstrap.resolver(resolvers);
        } else {
          bootstrap.disableResolver();
        }
        bootstrap.handler(new UpstreamChannelInitializer(
            config.responseTimeout(), config.idleTimeout(), desyncs, upstream.tls() ? b.tls : null, upstream,
            config.connectTimeout().toMillis()));
        return new Connector(bootstrap, name, failures);
      });
    }
    Map<String, HostPool> pools = new LinkedHashMap<>();
    List<Candidate> parentCandidates = new ArrayList<>();
    List<Candidate> originCandidates = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      parentCandidates.add(new Candidate(parents.get(i), pool(pools, connectors, parents.get(i), config), i));
    }
    for (Upstream origin : origins) {
      originCandidates.add(new Candidate(origin, pool(pools, connectors, origin, config), Candidate.ORIGIN));
    }

    String via = "1.1 " + config.resolvedNodeName();
    HealthChecker checker = null;
    if (!parents.isEmpty()) {
      List<Connector> parentConnectors = parents.stream().map(p -> connectors.get(p.name())).toList();
      checker = new HealthChecker(parents, parentConnectors, health, config.healthPath(), via);
      checker.start(b.group, config.healthInterval());
    }
    FetchContext context = new FetchContext(metrics, health, via, closed);
    return new UpstreamClient(
        b.group, pools, new UpstreamSelector(parentCandidates, originCandidates, health), health, checker, context,
        resolvers);
  }

  private static HostPool pool(
      Map<String, HostPool> pools, Map<String, Connector> connectors, Upstream upstream, UpstreamConfig config) {
    return pools.computeIfAbsent(
        upstream.name(),
        name -> new HostPool(connectors.get(name), config.maxConnections(), config.connectTimeout().toNanos()));
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
    if (resolvers != null) {
      resolvers.close();
    }
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
