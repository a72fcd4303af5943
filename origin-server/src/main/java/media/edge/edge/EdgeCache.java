package media.edge.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import media.edge.memory.MemoryTier;
import media.edge.config.EdgeCacheConfig;
import media.edge.disk.DiskEntry;
import media.edge.disk.DiskFile;
import media.edge.hls.ContentKind;
import media.edge.http.FileSource;
import media.edge.http.OpenFiles;
import media.edge.disk.DiskTier;
import media.edge.httpcache.Serving;
import media.edge.httpcache.StoredHead;
import media.edge.httpcache.VaryKey;
import media.edge.metrics.CacheResult;
import media.edge.upstream.UpstreamClient;
import media.edge.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's cache engine: memory tier, then disk tier, then one coalesced upstream fetch per key.
 * A disk hit is promoted into memory. Freshness, revalidation and staleness follow RFC 9111 through
 * {@code media.edge.httpcache}; this class only decides where the bytes come from.
 *
 * <p>Keys: the primary key is the request path and query (without the token); a response with
 * {@code Vary} is stored under the primary key plus its variant, and the varied field names are
 * remembered per primary key so the next request computes its variant before looking.
 *
 * <p>Thread-safe: the tiers are concurrent, in-flight fills live in a concurrent map, and each
 * {@link Fill} guards its own state.
 */
public final class EdgeCache {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeCache.class);
  private static final char VARIANT = '\u0000';

  private final MemoryTier memory;
  private final DiskTier disk;
  private final UpstreamClient upstream;
  private final Heuristics heuristics;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final ByteBufAllocator allocator;
  private final AnswerFields answerFields;
  private final long maxObjectBytes;
  private final MemoryPressure pressure;
  private final long sendfileMinBytes;
  private final OpenFiles descriptors;
  private final long staleIfErrorMillis;
  private final EdgeCacheConfig config;
  private final LiveTargets liveTargets;
  private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
  private final Cache<String, Varied> varyFields = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();

  /**
   * The fields a primary key's responses vary on, and, when every one of them is a field the edge manages
   * itself (Accept-Encoding, conditionals: never sent upstream, so the same for every request), the one
   * storage key they all map to, made once instead of per request.
   */
  private record Varied(List<String> fields, String fixedKey) {}

  private volatile boolean upstreamFailing;

  private EdgeCache(Builder b) {
    this.memory = b.memory;
    this.disk = b.disk;
    this.upstream = b.upstream;
    this.heuristics = new Heuristics(b.config);
    this.metrics = b.metrics;
    this.clock = b.clock;
    this.allocator = b.allocator;
    this.answerFields = new AnswerFields(b.via, b.gzipPlaylists);
    this.maxObjectBytes = b.maxObjectBytes;
    this.pressure = b.pressure;
    this.sendfileMinBytes = b.sendfileMinBytes;
    this.descriptors = new OpenFiles(b.openFiles);
    this.staleIfErrorMillis = b.config.staleIfError().toMillis();
    this.config = b.config;
    this.liveTargets = new LiveTargets(b.responseTimeout, b.holdTimeout);
  }

  /** The key policy of this cache's configuration, for a server whose token is {@code tokenName}. */
  CacheKeys cacheKeys(String tokenName) {
    return new CacheKeys(tokenName, config.keyIgnoreParams(), config.keyLiveParams());
  }

  /** What live low-latency playlists passed on so far say (target durations, hints). */
  LiveTargets liveTargets() {
    return liveTargets;
  }

  /** A cache over {@code memory} in front of {@code upstream}; the rest has defaults (see {@link Builder}). */
  public static Builder builder(MemoryTier memory, UpstreamClient upstream, EdgeCacheConfig config, ProxyMetrics metrics) {
    return new Builder(memory, upstream, config, metrics);
  }

  /** File descriptors kept open by memory entries of disk-tier hits sent from their files. */
  public int openFiles() {
    return descriptors.open();
  }

  /** The client that fetches misses, also used for requests passed through uncached. */
  public UpstreamClient upstream() {
    return upstream;
  }

  /** The disk tier, or null. */
  public DiskTier disk() {
    return disk;
  }

  /**
   * A fresh memory hit answered on the caller's thread, or null when the full {@link #lookup} is
   * needed. Counts nothing on a miss, since the full lookup will.
   */
  public Lookup.Hit freshMemoryHit(ProxyRequest request) {
    if (memory.peekEntry(storageKey(request)) instanceof StoredResponse stored
        && verdict(stored, request) == Serving.Verdict.FRESH) {
      metrics.lookup(stored.tier(), "hit");
      return stored.hit();
    }
    return null;
  }

  /**
   * Finds the response for {@code request}: memory, disk, a fill in flight, or a new fill that
   * {@code waiter} joins. {@code answer} runs once, on the caller's or a disk thread.
   */
  public void lookup(ProxyRequest request, FillWaiter waiter, Consumer<Lookup> answer) {
    String key = storageKey(request);
    if (memory.peekEntry(key) instanceof StoredResponse stored) {
      decide(request, key, stored, stored.tier(), waiter, answer);
      return;
    }
    metrics.lookup(CacheResult.MEMORY, "miss");
    if (disk == null || !disk.contains(key)) {
      fetch(request, key, null, waiter, answer);
      return;
    }
    if (disk.size(key) >= sendfileMinBytes && request.kind() != ContentKind.PLAYLIST && descriptors.tryAcquire()) {
      disk.open(key).whenComplete((file, error) -> {
        StoredResponse promoted = error == null && file != null ? promote(key, file, request) : null;
        if (file == null) {
          descriptors.release();
        }
        answerFromDisk(request, key, promoted, waiter, answer);
      });
      return;
    }
    disk.read(key).whenComplete((entry, error) -> answerFromDisk(request, key, error == null ? promote(key, entry, request) : null, waiter, answer));
  }

  /** Answers from a disk-tier entry just promoted into memory, or fetches when there was none. */
  private void answerFromDisk(
      ProxyRequest request, String key, StoredResponse promoted, FillWaiter waiter, Consumer<Lookup> answer) {
    if (promoted == null) {
      metrics.lookup(CacheResult.DISK, "miss");
      fetch(request, key, null, waiter, answer);
      return;
    }
    // The Hit keeps this reference (the answer releases it): the tier may evict the entry at once, and a
    // hit that could not take its body would look up, and read the disk, again.
    decide(request, key, promoted, CacheResult.DISK, waiter, found -> {
      if (!(found instanceof Lookup.Hit)) {
        promoted.release();
      }
      answer.accept(found instanceof Lookup.Hit hit ? new Lookup.Hit(hit.response(), hit.tier(), true) : found);
    });
  }

  /**
   * A disk entry opened for sending from its file turned into a memory entry that keeps its head and
   * descriptor (the tier gets its own reference); null when unusable (its descriptor then closed).
   */
  private StoredResponse promote(String key, DiskFile file, ProxyRequest request) {
    StoredHead head;
    try {
      head = StoredHead.decode(file.head());
    } catch (IllegalArgumentException e) {
      try {
        file.channel().close();
      } catch (java.io.IOException ignored) {
        // read-only
      }
      disk.remove(key);
      LOG.warn("discarded a disk entry with an unreadable head");
      return null;
    }
    FileSource source = FileSource.adopt(file.file(), file.channel(), descriptors);
    StoredResponse stored =
        StoredResponse.inFile(head, source, file.bodyOffset(), file.bodyLength(), request.kind(), answerFields, allocator);
    memory.put(key, stored.retain());
    return stored;
  }

  /** A disk entry turned into a memory entry (the tier gets its own reference); null when unusable. */
  private StoredResponse promote(String key, DiskEntry entry, ProxyRequest request) {
    if (entry == null) {
      return null;
    }
    StoredHead head;
    try {
      head = StoredHead.decode(entry.head());
    } catch (IllegalArgumentException e) {
      entry.body().release();
      disk.remove(key);
      LOG.warn("discarded a disk entry with an unreadable head");
      return null;
    }
    StoredResponse stored = newStored(head, entry.body(), request.kind());
    memory.put(key, stored.retain());
    return stored;
  }

  private void decide(
      ProxyRequest request, String key, StoredResponse stored, CacheResult tier, FillWaiter waiter, Consumer<Lookup> answer) {
    switch (verdict(stored, request)) {
      case FRESH -> {
        metrics.lookup(tier, "hit");
        answer.accept(new Lookup.Hit(stored, tier, false));
      }
      case STALE_WHILE_REVALIDATE -> {
        metrics.lookup(tier, "stale");
        metrics.staleServed("revalidating");
        revalidateInBackground(request, key, stored);
        answer.accept(new Lookup.Hit(stored, tier, false));
      }
      default -> {
        metrics.lookup(tier, "expired");
        fetch(request, key, stored, waiter, answer);
      }
    }
  }

  /** RFC 9111's verdict, with 404s capped at {@code cache.not-found-max-ttl} whatever they say. */
  private Serving.Verdict verdict(StoredResponse stored, ProxyRequest request) {
    StoredHead head = stored.head();
    long now = clock.millis();
    if ((head.status() == 404 || head.status() == 410) && head.ageMillis(now) >= heuristics.notFoundMaxMillis()) {
      return Serving.Verdict.MUST_REVALIDATE;
    }
    return Serving.verdict(head, request.cacheControl(), now, staleIfErrorMillis);
  }

  private void fetch(
      ProxyRequest request, String key, StoredResponse fallback, FillWaiter waiter, Consumer<Lookup> answer) {
    if (request.cacheControl().onlyIfCached()) {
      answer.accept(new Lookup.Refused(504));
      return;
    }
    while (true) {
      Fill running = fills.get(key);
      if (running != null) {
        if (running.join(waiter)) {
          metrics.coalesced();
          answer.accept(new Lookup.Joined(running, true));
          return;
        }
        fills.remove(key, running);
        continue;
      }
      if (pressure.refuses()) {
        answer.accept(new Lookup.Refused(503));
        return;
      }
      Fill fill = new Fill(this, key, request, fallback == null || !fallback.tryRetain() ? null : fallback, waiter);
      if (fills.putIfAbsent(key, fill) != null) {
        fill.discard();
        continue;
      }
      answer.accept(new Lookup.Joined(fill, false));
      start(fill);
      return;
    }
  }

  /** How a prefetch request went: already there (stored or coming), or started. */
  enum PrefetchStart { CACHED, IN_FLIGHT, STARTED }

  /**
   * Fetches {@code request} into the cache ahead of any request for it (a CMCD prefetch), unless it is
   * stored in either tier or being fetched; a request for it meanwhile joins this fill like any other.
   */
  PrefetchStart prefetch(ProxyRequest request, Fill.PrefetchListener listener) {
    String key = storageKey(request);
    if (memory.peekEntry(key) != null || (disk != null && disk.contains(key))) {
      return PrefetchStart.CACHED;
    }
    if (fills.containsKey(key)) {
      return PrefetchStart.IN_FLIGHT;
    }
    Fill fill = new Fill(this, key, request, listener);
    if (fills.putIfAbsent(key, fill) != null) {
      return PrefetchStart.IN_FLIGHT;
    }
    start(fill);
    return PrefetchStart.STARTED;
  }

  /**
   * The upstream's last answer was a failure (a 5xx, a timeout, no connection) and no success came since:
   * work nobody asked for (a prefetch) waits until a request's fill succeeds again.
   */
  boolean upstreamFailing() {
    return upstreamFailing;
  }

  /** Every fill's first word from upstream; written only on a change, so that hits on other cores stay cheap. */
  void upstreamAnswered(boolean ok) {
    if (upstreamFailing == ok) {
      upstreamFailing = !ok;
    }
  }

  private void revalidateInBackground(ProxyRequest request, String key, StoredResponse stored) {
    if (fills.containsKey(key) || !stored.tryRetain()) {
      return;
    }
    Fill fill = new Fill(this, key, request, stored, null);
    if (fills.putIfAbsent(key, fill) != null) {
      fill.discard();
      return;
    }
    start(fill);
  }

  private void start(Fill fill) {
    try {
      fill.started(upstream.fetch(fill.upstreamRequest(), fill));
    } catch (IllegalArgumentException e) {
      // A request header the upstream client refuses to send: the waiters get 502.
      fill.onError(UpstreamFailure.MALFORMED, e.getMessage());
    }
  }

  // ---- called by fills ------------------------------------------------------------------------------

  /** Stores a complete response in memory and, asynchronously, on disk. */
  void store(String key, StoredResponse response) {
    memory.put(key, response.retain());
    if (disk != null) {
      disk.write(key, response.head().encode(), response.retainedBody());
    }
  }

  /**
   * Persists a head refreshed by a 304. An entry sent from its disk file keeps its old head on disk (its
   * body is not in memory to write again): after a restart it is revalidated once more.
   */
  void rewriteHead(String key, StoredResponse response) {
    if (disk != null) {
      var body = response.retainedBody();
      if (body != null) {
        disk.write(key, response.head().encode(), body);
      }
    }
  }

  /** A fill ended: later requests must not join it. */
  void ended(Fill fill) {
    fills.remove(fill.key(), fill);
    fills.remove(fill.storeKey(), fill);
  }

  /** A fill learned its variant's key: requests that look it up there join it too. */
  void alsoUnder(Fill fill, String variantKey) {
    fills.putIfAbsent(variantKey, fill);
  }

  void rememberVary(String primaryKey, List<String> fields) {
    List<String> copy = List.copyOf(fields);
    String fixed = copy.stream().allMatch(ProxyRequests::managed)
        ? variantKey(primaryKey, VaryKey.of(copy, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE))
        : null;
    varyFields.put(primaryKey, new Varied(copy, fixed));
  }

  void countRevalidated() {
    metrics.lookup(CacheResult.UPSTREAM, "revalidated");
  }

  void countStaleServed(String reason) {
    metrics.staleServed(reason);
  }

  Heuristics heuristics() {
    return heuristics;
  }

  long nowMillis() {
    return clock.millis();
  }

  long staleIfErrorMillis() {
    return staleIfErrorMillis;
  }

  /** The global budget for bytes in flight. */
  MemoryPressure pressure() {
    return pressure;
  }

  long maxObjectBytes() {
    return maxObjectBytes;
  }

  ByteBufAllocator allocator() {
    return allocator;
  }

  AnswerFields answerFields() {
    return answerFields;
  }

  /** A stored response of this cache, owning {@code body}. */
  StoredResponse newStored(StoredHead head, io.netty.buffer.ByteBuf body, media.edge.hls.ContentKind kind) {
    return new StoredResponse(head, body, kind, answerFields, allocator);
  }

  // ---- keys and invalidation ------------------------------------------------------------------------

  /** The key a request's response is stored under: the primary key, plus its variant when it varies. */
  String storageKey(ProxyRequest request) {
    Varied varied = varyFields.getIfPresent(request.key());
    if (varied == null || varied.fields().isEmpty()) {
      return request.key();
    }
    if (varied.fixedKey() != null) {
      return varied.fixedKey();
    }
    return variantKey(request.key(), VaryKey.of(varied.fields(), request.varyView(varied.fields())));
  }

  /** The key of one variant of a primary key. */
  String variantKey(String primaryKey, String variant) {
    return primaryKey + VARIANT + variant;
  }

  /** Drops a URL's stored responses, every variant, from both tiers (unsafe methods, exact PURGE). */
  public int invalidate(String primaryKey) {
    fills.forEach((key, fill) -> {
      if (key.equals(primaryKey) || key.startsWith(primaryKey + VARIANT)) {
        fill.doNotStore();
      }
    });
    int dropped = memory.peekEntry(primaryKey) != null ? 1 : 0;
    memory.invalidate(primaryKey);
    dropped += memory.invalidatePrefix(primaryKey + VARIANT);
    if (disk != null) {
      disk.remove(primaryKey);
      if (varyFields.getIfPresent(primaryKey) != null) {
        disk.ban(primaryKey + VARIANT);
      }
    }
    return dropped;
  }

  /** Drops every stored response whose key starts with {@code prefix} (prefix PURGE). */
  public int invalidatePrefix(String prefix) {
    fills.forEach((key, fill) -> {
      if (key.startsWith(prefix)) {
        fill.doNotStore();
      }
    });
    int dropped = memory.invalidatePrefix(prefix);
    if (disk != null) {
      disk.ban(prefix);
    }
    return dropped;
  }

  /** Requests being fetched now, for tests and the admin port. */
  public int inFlight() {
    return fills.size();
  }

  /** The cache's settings beyond the four it cannot do without. Not thread-safe; build once. */
  public static final class Builder {
    private final MemoryTier memory;
    private final UpstreamClient upstream;
    private final EdgeCacheConfig config;
    private final ProxyMetrics metrics;
    private DiskTier disk;
    private Clock clock = Clock.systemUTC();
    private ByteBufAllocator allocator = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
    private String via = "1.1 edge";
    private boolean gzipPlaylists;
    private long maxObjectBytes = media.edge.config.ConfigLoader.defaults().cache().memoryMaxObjectBytes();
    private MemoryPressure pressure = MemoryPressure.NONE;
    private long sendfileMinBytes = Long.MAX_VALUE;
    private int openFiles;
    private Duration responseTimeout = media.edge.config.ConfigLoader.defaults().upstream().responseTimeout();
    private Duration holdTimeout = media.edge.config.ConfigLoader.defaults().upstream().holdTimeout();

    private Builder(MemoryTier memory, UpstreamClient upstream, EdgeCacheConfig config, ProxyMetrics metrics) {
      this.memory = memory;
      this.upstream = upstream;
      this.config = config;
      this.metrics = metrics;
    }

    /** The disk tier; unset for memory only. */
    public Builder disk(DiskTier disk) {
      this.disk = disk;
      return this;
    }

    /** Stamps stored responses and measures their age. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder allocator(ByteBufAllocator allocator) {
      this.allocator = allocator;
      return this;
    }

    /** This node's {@code Via} member, {@code 1.1 <node name>}, added to every answer. */
    public Builder via(String via) {
      this.via = via;
      return this;
    }

    /** Whether playlists may be compressed on the way out ({@code http.gzip-playlists}). */
    public Builder gzipPlaylists(boolean gzipPlaylists) {
      this.gzipPlaylists = gzipPlaylists;
      return this;
    }

    /** Refuses new fills and pass-throughs while direct memory is near the JVM's limit. */
    public Builder memoryPressure(MeterRegistry registry) {
      this.pressure = MemoryPressure.ofJvm(registry);
      return this;
    }

    /** The same, with a given measure (tests). */
    Builder memoryPressure(MemoryPressure pressure) {
      this.pressure = pressure;
      return this;
    }

    /** Larger responses are passed through uncached and uncoalesced ({@code cache.memory-max-object-bytes}). */
    public Builder maxObjectBytes(long maxObjectBytes) {
      this.maxObjectBytes = maxObjectBytes;
      return this;
    }

    /**
     * Disk-tier hits of at least this many bytes (playlists excepted) are sent from their entry file with
     * {@code sendfile}, the memory tier keeping only their head and descriptor ({@code cache.sendfile-min-bytes}).
     */
    public Builder sendfileMinBytes(long sendfileMinBytes) {
      this.sendfileMinBytes = sendfileMinBytes;
      return this;
    }

    /** Descriptors of such entries kept open at most ({@code cache.open-files}); past it they are read in. */
    public Builder openFiles(int openFiles) {
      this.openFiles = openFiles;
      return this;
    }

    /**
     * How long upstream requests wait for response headers ({@code upstream.response-timeout}), and those
     * the upstream holds on purpose before their playlist's target duration is known
     * ({@code upstream.hold-timeout}).
     */
    public Builder timeouts(Duration responseTimeout, Duration holdTimeout) {
      this.responseTimeout = responseTimeout;
      this.holdTimeout = holdTimeout;
      return this;
    }

    public EdgeCache build() {
      return new EdgeCache(this);
    }
  }
}
