package media.edge.config;

import java.time.Duration;

/**
 * The memory tier.
 *
 * @param memoryBytes total bytes of file bodies kept in memory ({@code cache.memory-bytes})
 * @param memoryMaxObjectBytes files larger than this are streamed from disk instead ({@code cache.memory-max-object-bytes})
 * @param memoryRevalidate a memory entry older than this (or than its response's max-age, if shorter)
 *     is checked against the file on disk before it is served again ({@code cache.memory-revalidate})
 */
public record CacheConfig(long memoryBytes, long memoryMaxObjectBytes, Duration memoryRevalidate) {

  /** Returns a copy with other memory bounds. */
  public CacheConfig withMemory(long memoryBytes, long memoryMaxObjectBytes) {
    return new CacheConfig(memoryBytes, memoryMaxObjectBytes, memoryRevalidate);
  }
}
