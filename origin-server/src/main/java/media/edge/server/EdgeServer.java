package media.edge.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import media.edge.admin.AdminChannelInitializer;
import media.edge.admin.AdminHandler;
import media.edge.admin.Readiness;
import media.edge.cache.ContentStore;
import media.edge.cache.MemoryTier;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.http.ConnectionTracker;
import media.edge.http.DataChannelInitializer;
import media.edge.library.Library;
import media.edge.config.EdgeCacheConfig;
import media.edge.config.UpstreamSection;
import media.edge.disk.DiskTier;
import media.edge.proxy.EdgeCache;
import media.edge.tls.ServerTls;
import media.edge.tls.TlsFileException;
import media.edge.proxy.ProxyMetrics;
import media.edge.upstream.UpstreamClient;
import media.edge.upstream.UpstreamConfig;
import java.net.InetAddress;
import media.edge.metrics.EdgeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: the data port, the admin port and what they share. {@link #start} wires and
 * binds; {@link #drain} is the SIGTERM path; {@link #close} stops at once.
 *
 * <p>Thread-safe: start-up happens on one thread, and afterwards only {@link #drain} and
 * {@link #close} change state, both idempotent.
 */
public final class EdgeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

  private final EdgeConfig config;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ThreadPoolExecutor fileIo;
  private final ScheduledExecutorService housekeeping;
  private final TokenKeys tokenKeys;
  private final MemoryTier memory;
  private final ContentStore store;
  private final EdgeMetrics metrics;
  private final ServerTls tls;
  private final ConnectionTracker connections;
  private final Readiness readiness;
  private final String transport;
  private final String nodeName;
  private final EdgeCache edge;
  private ProxyMetrics proxyMetrics;
  private Channel dataChannel;
  private Channel adminChannel;
  private boolean closed;

  private EdgeServer(EdgeConfig config, Clock clock, Ticker ticker) throws IOException, StartupException {
    this.config = config;
    Library library = config.library().root() == null ? null : Library.open(config.library().root());
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "edge-housekeeping");
              thread.setDaemon(true);
              return thread;
            });
    try {
      this.tokenKeys = TokenKeys.open(config.tokens(), clock, housekeeping);
    } catch (StartupException e) {
      housekeeping.shutdownNow();
      throw e;
    }
    this.metrics = EdgeMetrics.create();
    try {
      this.tls = config.server().tls().enabled()
          ? ServerTls.open(config.server().tls(), metrics.registry(), housekeeping)
          : null;
    } catch (TlsFileException e) {
      tokenKeys.close();
      housekeeping.shutdownNow();
      metrics.close();
      throw new StartupException(e.getMessage(), e);
    }
    Transport chosen = Transport.best();
    this.transport = chosen.name();
    this.bossGroup = new MultiThreadIoEventLoopGroup(1, chosen.ioHandlerFactory());
    this.workerGroup = new MultiThreadIoEventLoopGroup(config.server().ioThreads(), chosen.ioHandlerFactory());
    this.fileIo = FileIoExecutor.create(config.server().fileThreads());
    this.memory = new MemoryTier(config.cache().memoryBytes(), ticker);
    CachePolicy policy =
        new CachePolicy(config.http().cacheControl(), config.cache().memoryRevalidate(), config.cache().immutableRevalidate());
    this.store =
        library == null
            ? null
            : new ContentStore(
                library,
                memory,
                policy,
                PooledByteBufAllocator.DEFAULT,
                fileIo,
                config.cache().memoryMaxObjectBytes(),
                config.http().gzipPlaylists(),
                config.cache().sendfileMinBytes(),
                config.cache().openFiles());
    this.nodeName = nodeName(config.upstream());
    this.edge = config.upstream().enabled() ? openEdge(chosen, clock) : null;
    this.connections = new ConnectionTracker();
    this.readiness = new Readiness();
    metrics.bindMemoryTier(memory);
    metrics.bindAllocator(PooledByteBufAllocator.DEFAULT);
    metrics.bindConnections(connections::open);
    if (store != null) {
      metrics.bindOpenFiles(store::openFiles);
    }
    start(chosen, policy, clock);
  }

  /**
   * Edge mode: the upstream client on the data port's event loops, the disk tier if configured (its
   * index is rebuilt here, so a restarted edge serves its disk contents at once), and the cache.
   */
  private EdgeCache openEdge(Transport chosen, Clock clock) throws IOException {
    UpstreamSection section = config.upstream();
    UpstreamClient client =
        UpstreamClient.create(
            new UpstreamConfig(
                section.urls(),
                section.parents(),
                section.connectTimeout(),
                section.responseTimeout(),
                section.idleTimeout(),
                section.maxConnections(),
                section.healthInterval(),
                section.healthPath(),
                nodeName),
            workerGroup,
            chosen.socketChannel(),
            metrics.registry());
    DiskTier disk = null;
    EdgeCacheConfig cacheConfig = config.edgeCache();
    if (cacheConfig.diskDir() != null) {
      try {
        disk = DiskTier.open(
            cacheConfig.diskDir(), cacheConfig.diskBytes(), fileIo, PooledByteBufAllocator.DEFAULT, metrics.registry(), clock);
      } catch (IOException e) {
        client.close();
        throw new DiskUnavailableException(
            "cache.disk-dir: " + cacheConfig.diskDir() + " (expected: a writable directory; " + e.getMessage() + ")", e);
      }
      metrics.bindDiskTier(disk::bytes, disk::capacityBytes, disk::entries);
    }
    this.proxyMetrics = new ProxyMetrics(metrics.registry());
    return new EdgeCache(
        memory, disk, client, cacheConfig, proxyMetrics, clock, PooledByteBufAllocator.DEFAULT, config.cache().memoryMaxObjectBytes());
  }

  /** The configured node name, or the host name, which {@code Via} carries and loops are found by. */
  private static String nodeName(UpstreamSection section) {
    if (!section.nodeName().isEmpty()) {
      return section.nodeName();
    }
    try {
      String host = InetAddress.getLocalHost().getHostName();
      return host.matches("[A-Za-z0-9._-]{1,64}") ? host : "edge";
    } catch (IOException e) {
      return "edge";
    }
  }

  /** PURGE on the admin port: library copies in memory and edge responses in both tiers. */
  private int purge(String target, boolean prefix) {
    String libraryKey = target.substring(1);
    int dropped;
    if (prefix) {
      dropped = memory.invalidatePrefix(libraryKey) + (edge == null ? 0 : edge.invalidatePrefix(target));
    } else {
      dropped = memory.peekEntry(libraryKey) == null ? 0 : 1;
      memory.invalidate(libraryKey);
      dropped += edge == null ? 0 : edge.invalidate(target);
    }
    if (proxyMetrics != null) {
      proxyMetrics.purged(prefix);
    }
    return dropped;
  }

  /** Thrown when the disk tier cannot be opened; its message names the key. */
  public static final class DiskUnavailableException extends IOException {
    DiskUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Starts a server on the system clock. */
  public static EdgeServer start(EdgeConfig config) throws StartupException {
    return start(config, Clock.systemUTC(), Ticker.systemTicker());
  }

  /** Starts a server with injected time, for tests. */
  public static EdgeServer start(EdgeConfig config, Clock clock, Ticker ticker) throws StartupException {
    try {
      return new EdgeServer(config, clock, ticker);
    } catch (PortUnavailableException | DiskUnavailableException e) {
      throw new StartupException(e.getMessage(), e);
    } catch (IOException e) {
      throw new StartupException(
          "library.root: " + config.library().root() + " (expected: a readable directory; " + e.getMessage() + ")", e);
    }
  }

  private void start(Transport chosen, CachePolicy policy, Clock clock) throws IOException {
    try {
      dataChannel =
          bind(
              new ServerBootstrap()
                  .group(bossGroup, workerGroup)
                  .channel(chosen.serverChannel())
                  .option(ChannelOption.SO_BACKLOG, 1024)
                  .childOption(ChannelOption.AUTO_READ, false)
                  .childOption(ChannelOption.TCP_NODELAY, true)
                  .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                  .childHandler(
                      new DataChannelInitializer(
                          config, store, policy, metrics, connections, tokenKeys.verifier(), clock, edge, nodeName, tls)),
              "server.port",
              config.server().port());
      adminChannel =
          bind(
              new ServerBootstrap()
                  .group(bossGroup, workerGroup)
                  .channel(chosen.serverChannel())
                  .childOption(ChannelOption.TCP_NODELAY, true)
                  .childHandler(new AdminChannelInitializer(new AdminHandler(metrics, readiness, this::purge))),
              "server.admin-port",
              config.server().adminPort());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    readiness.ready();
    LOG.info(
        "serving {}{} on port {} ({}) (admin {}), transport {}, memory tier {} bytes",
        config.library().root() == null ? "" : config.library().root(),
        edge == null ? "" : " in front of " + config.upstream().urls() + " as " + nodeName,
        port(),
        tls == null ? "HTTP/1.1" : "HTTPS, h2 and http/1.1, TLS by " + tls.provider(),
        adminPort(),
        transport,
        config.cache().memoryBytes());
  }

  private Channel bind(ServerBootstrap bootstrap, String key, int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(config.server().bind(), port);
    try {
      return bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      String reason = e instanceof BindException || e.getMessage() == null ? "address already in use" : e.getMessage();
      throw new PortUnavailableException(
          key + ": " + port + " (expected: a free port on " + config.server().bind() + "; " + reason + ")", e);
    }
  }

  /** Thrown when a port cannot be bound; its message names the key. */
  public static final class PortUnavailableException extends IOException {
    PortUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The bound data port (the real one when configured as 0). */
  public int port() {
    return ((InetSocketAddress) dataChannel.localAddress()).getPort();
  }

  /** The bound admin port. */
  public int adminPort() {
    return ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  /** The metrics registry, for tests and embedding. */
  public EdgeMetrics metrics() {
    return metrics;
  }

  /** This node's name in {@code Via}. */
  public String nodeName() {
    return nodeName;
  }

  /** The edge cache, or null for an origin; for tests. */
  public EdgeCache edge() {
    return edge;
  }

  /** The content store, for tests that count disk reads. */
  public ContentStore store() {
    return store;
  }

  /** Re-reads the token key file and the TLS certificate and key (SIGHUP). */
  public void reloadKeys() {
    tokenKeys.reload();
    if (tls != null) {
      tls.reload();
    }
  }

  /** The data port's TLS, or null for plaintext; tests check which certificate is in force. */
  public ServerTls tls() {
    return tls;
  }

  /** The token keys in force, for signing demo URLs; null when tokens are not configured. */
  public media.edge.token.KeyRing tokenKeys() {
    return tokenKeys.ring();
  }

  /** The readiness flag behind {@code /readyz}. */
  public Readiness readiness() {
    return readiness;
  }

  /** Open data connections. */
  public long openConnections() {
    return connections.open();
  }

  /**
   * Graceful stop: not ready, no new connections, idle keep-alive connections closed, in-flight
   * responses given until {@code deadline}, then everything closed.
   *
   * @return true when every connection finished before the deadline
   */
  public boolean drain(Duration deadline) {
    readiness.draining();
    Channel data;
    synchronized (this) {
      data = dataChannel;
    }
    if (data != null) {
      data.close().syncUninterruptibly();
    }
    connections.drain();
    long until = System.nanoTime() + deadline.toNanos();
    while (connections.open() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean clean = connections.open() == 0;
    if (!clean) {
      LOG.warn("drain deadline {} passed with {} connections open; closing them", deadline, connections.open());
    }
    close();
    return clean;
  }

  /** Stops at once: closes ports and connections, releases the memory tier. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    readiness.draining();
    if (dataChannel != null) {
      dataChannel.close().syncUninterruptibly();
    }
    if (adminChannel != null) {
      adminChannel.close().syncUninterruptibly();
    }
    connections.closeAll();
    if (edge != null) {
      edge.upstream().close();
    }
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    fileIo.shutdown();
    try {
      fileIo.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tokenKeys.close();
    if (tls != null) {
      tls.close();
    }
    if (edge != null && edge.disk() != null) {
      edge.disk().close();
    }
    housekeeping.shutdownNow();
    memory.close();
    metrics.close();
    LOG.info("stopped");
  }
}
