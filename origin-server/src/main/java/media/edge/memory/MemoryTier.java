package media.edge.memory;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Response bodies in memory, bounded by bytes: library files in origin mode, upstream responses in edge
 * mode, and the metadata (and kept descriptors) of files sent with {@code sendfile}. Caffeine decides what stays (W-TinyLFU keeps hot
 * segments of a live event in memory while a crawler's one-off reads pass through); the removal
 * listener releases the body's buffer, so evicted bytes go straight back to Netty's pool.
 *
 * <p>Thread-safe: backed by a Caffeine {@link AsyncCache}, whose per-key futures also coalesce
 * concurrent loads of one file into a single read.
 */
public final class MemoryTier implements AutoCloseable {
  private final AsyncCache<String, MemoryEntry> cache;
  private final long capacityBytes;
  private final Ticker ticker;

  /**
   * @param capacityBytes the most body bytes held at once
   * @param ticker the clock freshness is measured with; tests pass a fake one
   */
  public MemoryTier(long capacityBytes, Ticker ticker) {
    this.capacityBytes = capacityBytes;
    this.ticker = ticker;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .weigher((String key, MemoryEntry entry) -> Math.max(1, entry.weight()))
            .removalListener((String key, MemoryEntry entry, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
              if (entry != null) {
                entry.release();
              }
            })
            .executor(Runnable::run)
            .ticker(ticker)
            .recordStats()
            .buildAsync();
  }

  /** The Caffeine cache, for Micrometer's binder. */
  public AsyncCache<String, MemoryEntry> caffeine() {
    return cache;
  }

  /** The configured bound. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /** Bytes held now. */
  public long weightedBytes() {
    return cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Now, by this tier's ticker: what entries measure their freshness with. */
  public long now() {
    return ticker.read();
  }

  /** The loaded entry for {@code key}, of any kind, or null when absent or still loading. */
  public MemoryEntry peekEntry(String key) {
    CompletableFuture<MemoryEntry> future = cache.getIfPresent(key);
    if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
      return null;
    }
    return future.getNow(null);
  }

  /**
   * The entry for {@code key}, loading it with {@code load} when absent. Concurrent callers for the
   * same key share one load. {@code load} must not block: it returns a future completed elsewhere.
   */
  public CompletableFuture<MemoryEntry> get(String key, Supplier<CompletableFuture<MemoryEntry>> load) {
    return cache.get(key, (k, executor) -> load.get());
  }

  /** Stores {@code entry}, taking over the caller's reference; a replaced entry is released. */
  public void put(String key, MemoryEntry entry) {
    cache.put(key, CompletableFuture.completedFuture(entry));
  }

  /** Drops the entry for {@code key}, if any. */
  public void invalidate(String key) {
    cache.synchronous().invalidate(key);
  }

  /** Drops every entry whose key starts with {@code prefix}; returns how many. */
  public int invalidatePrefix(String prefix) {
    List<String> keys = cache.asMap().keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    cache.synchronous().invalidateAll(keys);
    return keys.size();
  }

  /** Drops {@code stale} if it is still the entry for {@code key}; a newer entry is left alone. */
  public void evictIfSame(String key, MemoryEntry stale) {
    CompletableFuture<MemoryEntry> current = cache.getIfPresent(key);
    if (current != null && current.isDone() && current.getNow(null) == stale) {
      cache.asMap().remove(key, current);
    }
  }

  /** Drops every entry, releasing its buffer. */
  @Override
  public void close() {
    cache.synchronous().invalidateAll();
    cache.synchronous().cleanUp();
  }
}
