package media.edge.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
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
import media.edge.admin.AdminToken;
import media.edge.admin.Readiness;
import media.edge.cmcd.CmcdReader;
import media.edge.config.AdminConfig;
import media.edge.config.EdgeCacheConfig;
import media.edge.config.EdgeConfig;
import media.edge.config.LogConfig;
import media.edge.config.UpstreamConfig;
import media.edge.disk.DiskTier;
import media.edge.edge.EdgeCache;
import media.edge.edge.EdgeResponder;
import media.edge.edge.ProxyMetrics;
import media.edge.hls.CachePolicy;
import media.edge.http.AccessLog;
import media.edge.http.ConnectionTracker;
import media.edge.http.DataChannelInitializer;
import media.edge.http.Pages;
import media.edge.http.Responder;
import media.edge.memory.MemoryTier;
import media.edge.metrics.EdgeMetrics;
import media.edge.origin.ContentStore;
import media.edge.origin.Library;
import media.edge.origin.LibraryWatch;
import media.edge.origin.LiveHolds;
import media.edge.origin.OriginResponder;
import media.edge.player.PlayerPage;
import media.edge.tls.ServerTls;
import media.edge.tls.TlsFileException;
import media.edge.tls.UpstreamTls;
import media.edge.token.TokenAlgorithm;
import media.edge.token.TokenClaims;
import media.edge.token.TokenQuery;
import media.edge.upstream.UpstreamClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: the data port, the admin port and what they share. {@link #start} wires and
 * binds, choosing the mode once: an origin answers from its library ({@link OriginResponder}), an edge
 * from its cache in front of upstreams ({@link EdgeResponder}), an edge with a library from the library
 * first and the cache for what it lacks. {@link #drain} is the SIGTERM path; {@link #close} stops at once.
 *
 * <p>Everything started is registered in {@link Resources} as it starts, so that {@link #close} and a
 * start-up failing half-way (a port in use, a disk tier that cannot open) stop it all, last first.
 *
 * <p>Thread-safe: start-up happens on one thread, and afterwards only {@link #drain} and
 * {@link #close} change state, both idempotent.
 */
public final class EdgeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
  /** Live low-latency playlists remembered across versions (preload hints, removed date ranges): a few KB each. */
  private static final int LIVE_PLAYLISTS = 10_000;

  /** A demo URL is signed for a day: longer than anyone watches, shorter than a leaked one should last. */
  private static final Duration PLAY_TOKEN_LIFETIME = Duration.ofHours(24);

  private final EdgeConfig config;
  /** The playlist the player page opens with, as given (unsigned); null for none. */
  private final String playPath;
  /** {@link #playPath} with a token when tokens are required; null for none. */
  private String playUrl;
  private final Resources resources = new Resources();
  private ScheduledExecutorService housekeeping;
  private TokenKeys tokenKeys;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private ThreadPoolExecutor fileIo;
  private MemoryTier memory;
  private ContentStore store;
  /** Set once the responder exists; the watch's thread reads it. */
  private volatile LiveHolds holds;
  private EdgeMetrics metrics;
  private ServerTls tls;
  private AccessLog accessLog;
  private final ConnectionTracker connections = new ConnectionTracker();
  private final Readiness readiness = new Readiness();
  private int maxConnections;
  private String transport;
  private String nodeName;
  private EdgeCache edge;
  private CmcdReader cmcd;
  private ProxyMetrics proxyMetrics;
  private Channel dataChannel;
  private Channel adminChannel;
  private boolean closed;

  private EdgeServer(EdgeConfig config, String playPath) {
    this.config = config;
    this.playPath = playPath;
  }

  private void open(Clock clock, Ticker ticker) throws IOException, StartupException {
    Library library = config.library().root() == null ? null : Library.open(config.library().root());
    housekeeping =
        resources.add(
            Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "edge-housekeeping");
                  thread.setDaemon(true);
                  return thread;
                }),
            () -> housekeeping.shutdownNow());
    tokenKeys = resources.add(TokenKeys.open(config.tokens(), clock, housekeeping), () -> tokenKeys.close());
    playUrl = playPath == null ? null : signed(playPath, clock);
    metrics = resources.add(EdgeMetrics.create(), () -> metrics.close());
    try {
      tls = config.server().tls().enabled() ? ServerTls.open(config.server().tls(), metrics.registry(), housekeeping) : null;
    } catch (TlsFileException e) {
      throw new StartupException(e.getMessage(), e);
    }
    if (tls != null) {
      resources.add(() -> tls.close());
    }
    accessLog = resources.add(openAccessLog(config.log(), clock), () -> accessLog.close());
    cmcd = CmcdReader.create(config.cmcd(), config.tokens().name(), metrics.registry(), ticker);
    metrics.bindAccessLog(accessLog, AccessLog::dropped);
    Headroom.directMemory(config.cache().memoryBytes(), io.netty.util.internal.PlatformDependent.maxDirectMemory())
        .ifPresent(LOG::warn);
    memory = resources.add(new MemoryTier(config.cache().memoryBytes(), ticker), () -> memory.close());
    fileIo = resources.add(FileIoExecutor.create(config.server().fileThreads()), () -> {
      fileIo.shutdown();
      fileIo.awaitTermination(5, TimeUnit.SECONDS);
    });
    Transport chosen = Transport.of(config.server().transport());
    transport = chosen.name();
    bossGroup = resources.add(new MultiThreadIoEventLoopGroup(1, chosen.ioHandlerFactory()),
        () -> bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    workerGroup = resources.add(new MultiThreadIoEventLoopGroup(config.server().ioThreads(), chosen.ioHandlerFactory()),
        () -> workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    CachePolicy policy =
        new CachePolicy(config.http().cacheControl(), config.cache().memoryRevalidate(), config.cache().immutableRevalidate());
    if (library != null) {
      LibraryWatch watch = config.library().watch() ? openWatch() : null;
      store =
          ContentStore.builder(library, memory, policy, fileIo)
              .lowLatency(watch, LIVE_PLAYLISTS)
              .allocator(PooledByteBufAllocator.DEFAULT)
              .maxObjectBytes(config.cache().memoryMaxObjectBytes())
              .gzipPlaylists(config.http().gzipPlaylists())
              .sendfileMinBytes(config.cache().sendfileMinBytes())
              .openFiles(config.cache().openFiles())
              .build();
    }
    nodeName = config.upstream().resolvedNodeName();
    Responder responder = Responder.NOT_FOUND;
    if (config.upstream().enabled()) {
      edge = openEdge(chosen, clock);
      responder = new EdgeResponder(edge, config.tokens().name(), nodeName, config.cmcd(), metrics.registry());
    }
    if (store != null) {
      OriginResponder origin = new OriginResponder(store, responder);
      holds = origin.holds();
      if (holds != null) {
        metrics.bindLiveHolds(holds, LiveHolds::held, LiveHolds::released, LiveHolds::timedOut);
      }
      responder = origin;
    }
    metrics.bindOpenFiles(() -> (store == null ? 0 : store.openFiles()) + (edge == null ? 0 : edge.openFiles()));
    metrics.bindMemoryTier(memory);
    metrics.bindAllocator(PooledByteBufAllocator.DEFAULT);
    metrics.bindConnections(connections::open);
    maxConnections = Headroom.maxConnections(config.server().maxConnections(), Headroom.descriptorLimit());
    connections.limit(maxConnections, metrics::connectionRefused);
    readiness.capacity(connections::full);
    bind(chosen, policy, clock, responder);
  }

  /**
   * The watch of live low-latency playlists' folders: a change drops the file's memory entry (a plain
   * reload never gets a version older than the watch saw) and wakes the requests held on it.
   */
  private LibraryWatch openWatch() throws IOException {
    LibraryWatch.Listener listener =
        new LibraryWatch.Listener() {
          @Override
          public void changed(String key) {
            memory.invalidate(key);
            LiveHolds current = holds;
            if (current != null) {
              current.changed(key);
            }
          }

          @Override
          public void lost(String prefix) {
            memory.invalidatePrefix(prefix);
            LiveHolds current = holds;
            if (current != null) {
              current.lost(prefix);
            }
          }
        };
    LibraryWatch watch = LibraryWatch.start(listener, config.library().watchMaxFolders());
    return resources.add(watch, watch::close);
  }

  /** The access log of {@code log.*}: a file, or standard output; off when {@code log.access} is false. */
  private static AccessLog openAccessLog(LogConfig log, Clock clock) throws StartupException {
    if (!log.access()) {
      return AccessLog.OFF;
    }
    try {
      return AccessLog.open(log.accessFile(), clock, (int) log.accessBuffer(), log.accessFlush());
    } catch (IOException e) {
      throw new StartupException(
          "log.access-file: " + log.accessFile() + " (expected: a file this user may append to; " + e.getMessage() + ")", e);
    }
  }

  /**
   * Edge mode: the upstream client on the data port's event loops, the disk tier if configured (its
   * index is rebuilt here, so a restarted edge serves its disk contents at once), and the cache.
   */
  private EdgeCache openEdge(Transport chosen, Clock clock) throws IOException, StartupException {
    UpstreamConfig section = config.upstream();
    UpstreamClient client =
        UpstreamClient.builder(section.withNodeName(nodeName), workerGroup, metrics.registry())
            .channels(chosen.socketChannel(), chosen.datagramChannel())
            .tls(upstreamTls(section))
            .build();
    resources.add(client::close);
    DiskTier disk = null;
    EdgeCacheConfig cacheConfig = config.edgeCache();
    if (cacheConfig.diskDir() != null) {
      try {
        disk = DiskTier.open(
            cacheConfig.diskDir(), cacheConfig.diskBytes(), fileIo, PooledByteBufAllocator.DEFAULT, metrics.registry(), clock);
      } catch (IOException e) {
        throw new DiskUnavailableException(
            "cache.disk-dir: " + cacheConfig.diskDir() + " (expected: a writable directory; " + e.getMessage() + ")", e);
      }
      resources.add(disk::close);
      metrics.bindDiskTier(disk::bytes, disk::capacityBytes, disk::entries);
    }
    this.proxyMetrics = new ProxyMetrics(metrics.registry());
    EdgeCache cache =
        EdgeCache.builder(memory, client, cacheConfig, proxyMetrics)
            .disk(disk)
            .clock(clock)
            .allocator(PooledByteBufAllocator.DEFAULT)
            .via("1.1 " + nodeName)
            .gzipPlaylists(config.http().gzipPlaylists())
            .maxObjectBytes(config.cache().memoryMaxObjectBytes())
            .memoryPressure(metrics.registry())
            .sendfileMinBytes(config.cache().sendfileMinBytes())
            .openFiles(config.cache().openFiles())
            .timeouts(section.responseTimeout(), section.holdTimeout())
            .build();
    return cache;
  }

  /**
   * The client TLS context for {@code https://} upstreams, or null when none is configured and no file is
   * set; files that cannot be used stop start-up, naming the key, as the data port's do.
   */
  private static SslContext upstreamTls(UpstreamConfig section) throws StartupException {
    if (!section.usesTls()) {
      return null;
    }
    try {
      return UpstreamTls.context(section.tls());
    } catch (TlsFileException e) {
      throw new StartupException(e.getMessage(), e);
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
    return start(config, clock, ticker, null);
  }

  /**
   * Starts a server that has a playlist to offer, the demo's: {@link #playUrl()} is {@code playPath}
   * signed for its folder for a day when tokens are required, and the player page, when on
   * ({@code http.player-page}), opens with it.
   *
   * @param playPath a library path such as {@code /demo/master.m3u8}, or null for none
   */
  public static EdgeServer start(EdgeConfig config, Clock clock, Ticker ticker, String playPath) throws StartupException {
    EdgeServer server = new EdgeServer(config, playPath);
    try {
      server.open(clock, ticker);
      return server;
    } catch (PortUnavailableException | DiskUnavailableException e) {
      server.close();
      throw new StartupException(e.getMessage(), e);
    } catch (IOException e) {
      server.close();
      throw new StartupException(
          "library.root: " + config.library().root() + " (expected: a readable directory; " + e.getMessage() + ")", e);
    } catch (StartupException | RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  /**
   * Binds the admin port, then the data port: the player page names the bound admin port, and until the
   * data port is bound {@code /readyz} says not ready.
   */
  private void bind(Transport chosen, CachePolicy policy, Clock clock, Responder responder) throws IOException, StartupException {
    adminChannel =
        bind(
            new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(chosen.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new AdminChannelInitializer(new AdminHandler(metrics, readiness, this::purge,
                    cmcd.enabled() ? () -> cmcd.audience().snapshot().toJson() : null,
                    new AdminToken(adminToken(), metrics.registry())))),
            "server.admin-port",
            config.server().adminBind(),
            config.server().adminPort());
    resources.add(() -> adminChannel.close().syncUninterruptibly());
    DataChannelInitializer data =
        DataChannelInitializer.builder(config, responder)
            .metrics(metrics)
            .connections(connections)
            .verifier(tokenKeys.verifier())
            .clock(clock)
            .tls(tls)
            .accessLog(accessLog)
            .cachePolicy(policy)
            .cmcd(cmcd)
            .pages(pages())
            .build();
    resources.add(connections::closeAll);
    dataChannel =
        bind(
            new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(chosen.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(data),
            "server.port",
            config.server().bind(),
            config.server().port());
    resources.add(() -> dataChannel.close().syncUninterruptibly());
    readiness.ready();
    LOG.info(
        "serving {}{} on port {} ({}) (admin {}), transport {}, memory tier {} bytes, at most {} connections{}",
        config.library().root() == null ? "" : config.library().root(),
        edge == null ? "" : " in front of " + config.upstream().urls() + " as " + nodeName,
        port(),
        tls == null ? "HTTP/1.1" : "HTTPS, h2 and http/1.1, TLS by " + tls.provider(),
        adminPort(),
        transport,
        config.cache().memoryBytes(),
        maxConnections,
        config.http().playerPage() ? ", player page at /" : "");
  }

  /** The player page and its script when {@code http.player-page} is on; none otherwise. */
  private Pages pages() throws StartupException {
    if (!config.http().playerPage()) {
      return Pages.NONE;
    }
    try {
      return PlayerPage.pages(playUrl, config.server().adminBind(), adminPort());
    } catch (IOException e) {
      throw new StartupException("http.player-page: true (expected: the page and hls.js in the jar; " + e.getMessage() + ")", e);
    }
  }

  /**
   * {@code path} with a token for its folder ({@code /demo/*} for {@code /demo/master.m3u8}), signed
   * with the primary HMAC key, when tokens are required and there is one to sign with; else as it is.
   */
  private String signed(String path, Clock clock) {
    var ring = tokenKeys.ring();
    if (!config.tokens().required() || ring == null || ring.primaryHmacKeyId().isEmpty()) {
      return path;
    }
    String salt = config.tokens().salt();
    String token =
        ring.signer()
            .algorithm(TokenAlgorithm.fromName(config.tokens().algorithm()).orElseThrow())
            .salt(salt.isEmpty() ? null : salt)
            .build()
            .sign(TokenClaims.acl(path.substring(0, path.lastIndexOf('/') + 1) + "*")
                .expires(clock.instant().plus(PLAY_TOKEN_LIFETIME))
                .build());
    return TokenQuery.url(path, config.tokens().name(), token);
  }

  /** The admin token: inline, or the trimmed content of {@code admin.token-file}; "" for none. */
  private String adminToken() throws StartupException {
    AdminConfig admin = config.admin();
    if (admin.tokenFile() == null) {
      return admin.token();
    }
    try {
      return java.nio.file.Files.readString(admin.tokenFile()).strip();
    } catch (IOException e) {
      throw new StartupException(
          "admin.token-file: " + admin.tokenFile() + " (expected: a readable file holding the token; " + e.getMessage() + ")", e);
    }
  }

  private Channel bind(ServerBootstrap bootstrap, String key, String host, int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(host, port);
    try {
      return bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      String reason = e instanceof BindException || e.getMessage() == null ? "address already in use" : e.getMessage();
      throw new PortUnavailableException(
          key + ": " + port + " (expected: a free port on " + host + "; " + reason + ")", e);
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

  /**
   * The playlist given at start ({@code start(config, clock, ticker, playPath)}) as a path and query,
   * with a token when tokens are required: what the player page opens with, and what the demo prints.
   * Null when none was given. It is a credential: print it to the operator, never log it.
   */
  public String playUrl() {
    return playUrl;
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

  /** Stops at once: closes ports and connections, stops every thread, releases the memory tier. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    readiness.draining();
    resources.close();
    LOG.info("stopped");
  }
}
