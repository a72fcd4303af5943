package media.edge.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import media.edge.cache.MemoryEntry;
import media.edge.cache.MemoryTier;
import media.edge.config.EdgeCacheConfig;
import media.edge.disk.DiskEntry;
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
  private final long maxObjectBytes;
  private final long staleIfErrorMillis;
  private final ConcurrentHashMap<String, Fill> fills = new ConcurrentHashMap<>();
  private final Cache<String, List<String>> varyFields = Caffeine.newBuilder().maximumSize(100_000).build();

  /**
   * @param disk the disk tier, or null for memory only
   * @param maxObjectBytes larger responses are passed through uncached and uncoalesced
   */
  public EdgeCache(
      MemoryTier memory,
      DiskTier disk,
      UpstreamClient upstream,
      EdgeCacheConfig config,
      ProxyMetrics metrics,
      Clock clock,
      ByteBufAllocator allocator,
      long maxObjectBytes) {
    this.memory = memory;
    this.disk = disk;
    this.upstream = upstream;
    this.heuristics = new Heuristics(config);
    this.metrics = metrics;
    this.clock = clock;
    this.allocator = allocator;
    this.maxObjectBytes = maxObjectBytes;
    this.staleIfErrorMillis = config.staleIfError().toMillis();
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
      metrics.lookup(CacheResult.MEMORY, "hit");
      return new Lookup.Hit(stored, CacheResult.MEMORY, false);
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
      decide(request, key, stored, CacheResult.MEMORY, waiter, answer);
      return;
    }
    metrics.lookup(CacheResult.MEMORY, "miss");
    if (disk == null || !disk.contains(key)) {
      fetch(request, key, null, waiter, answer);
      return;
    }
    disk.read(key).whenComplete((entry, error) -> {
      StoredResponse promoted = error == null ? promote(key, entry, request) : null;
      if (promoted == null) {
        metrics.lookup(CacheResult.DISK, "miss");
        fetch(request, key, null, waiter, answer);
        return;
      }
      // The Hit keeps this reference (the answer releases it): the tier may evict the entry at
      // once, and a hit that could not take its body would look up, and read the disk, again.
      decide(request, key, promoted, CacheResult.DISK, waiter, found -> {
        if (!(found instanceof Lookup.Hit)) {
          promoted.release();
        }
        answer.accept(found instanceof Lookup.Hit hit ? new Lookup.Hit(hit.response(), hit.tier(), true) : found);
      });
    });
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
    StoredResponse stored = new StoredResponse(head, entry.body(), request.kind());
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

  /** Persists a head refreshed by a 304. */
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
  }

  void rememberVary(String primaryKey, List<String> fields) {
    varyFields.put(primaryKey, List.copyOf(fields));
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

  long maxObjectBytes() {
    return maxObjectBytes;
  }

  ByteBufAllocator allocator() {
    return allocator;
  }

  // ---- keys and invalidation ------------------------------------------------------------------------

  /** The key a request's response is stored under: the primary key, plus its variant when it varies. */
  String storageKey(ProxyRequest request) {
    List<String> fields = varyFields.getIfPresent(request.key());
    if (fields == null || fields.isEmpty()) {
      return request.key();
    }
    return variantKey(request.key(), VaryKey.of(fields, request.varyView(fields)));
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
}
