package media.edge.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * File bodies in memory, bounded by bytes. Caffeine decides what stays (W-TinyLFU keeps hot
 * segments of a live event in memory while a crawler's one-off reads pass through); the removal
 * listener releases the body's buffer, so evicted bytes go straight back to Netty's pool.
 *
 * <p>Thread-safe: backed by a Caffeine {@link AsyncCache}, whose per-key futures also coalesce
 * concurrent loads of one file into a single read.
 */
public final class MemoryTier implements AutoCloseable {
  private final AsyncCache<String, CachedFile> cache;
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
            .weigher((String key, CachedFile file) -> Math.max(1, file.weight()))
            .removalListener((String key, CachedFile file, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
              if (file != null) {
                file.release();
              }
            })
            .executor(Runnable::run)
            .ticker(ticker)
            .recordStats()
            .buildAsync();
  }

  /** The Caffeine cache, for Micrometer's binder. */
  public AsyncCache<String, CachedFile> caffeine() {
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

  /** Now, by this tier's ticker. */
  long now() {
    return ticker.read();
  }

  /** The loaded entry for {@code key} whether fresh or not, or null when absent or still loading. */
  CachedFile peek(String key) {
    CompletableFuture<CachedFile> future = cache.getIfPresent(key);
    if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
      return null;
    }
    return future.getNow(null);
  }

  /**
   * The entry for {@code key}, loading it with {@code load} when absent. Concurrent callers for the
   * same key share one load. {@code load} must not block: it returns a future completed elsewhere.
   */
  CompletableFuture<CachedFile> get(String key, Supplier<CompletableFuture<CachedFile>> load) {
    return cache.get(key, (k, executor) -> load.get());
  }

  /** Drops {@code stale} if it is still the entry for {@code key}; a newer entry is left alone. */
  void evictIfSame(String key, CachedFile stale) {
    CompletableFuture<CachedFile> current = cache.getIfPresent(key);
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
