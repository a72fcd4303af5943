package media.edge.config;

import java.time.Duration;

/**
 * The memory tier.
 *
 * @param memoryBytes total bytes of file bodies kept in memory ({@code cache.memory-bytes})
 * @param memoryMaxObjectBytes files larger than this are streamed from disk instead ({@code cache.memory-max-object-bytes})
 * @param memoryRevalidate a memory entry older than this (or than its response's max-age, if shorter)
 *     is checked against the file on disk before it is served again ({@code cache.memory-revalidate})
 * @param sendfileMinBytes library files of at least this size (playlists excepted) are sent with
 *     {@code sendfile} from the page cache instead of being read into memory; only their metadata is
 *     kept ({@code cache.sendfile-min-bytes})
 */
public record CacheConfig(long memoryBytes, long memoryMaxObjectBytes, Duration memoryRevalidate, long sendfileMinBytes) {
  /**
   * The built-in {@code cache.sendfile-min-bytes}, 1 MiB: on the machine of bench/RESULTS.md, 3 MB
   * segments cost less CPU and had a far shorter latency tail with sendfile, while 400 KB ones went
   * at half the rate, so only large bodies take that path for now.
   */
  public static final long DEFAULT_SENDFILE_MIN_BYTES = 1_048_576L;

  /** The memory tier with the default sendfile threshold. */
  public CacheConfig(long memoryBytes, long memoryMaxObjectBytes, Duration memoryRevalidate) {
    this(memoryBytes, memoryMaxObjectBytes, memoryRevalidate, DEFAULT_SENDFILE_MIN_BYTES);
  }

  /** Returns a copy with other memory bounds. */
  public CacheConfig withMemory(long memoryBytes, long memoryMaxObjectBytes) {
    return new CacheConfig(memoryBytes, memoryMaxObjectBytes, memoryRevalidate, sendfileMinBytes);
  }

  /** Returns a copy with another sendfile threshold. */
  public CacheConfig withSendfileMinBytes(long sendfileMinBytes) {
    return new CacheConfig(memoryBytes, memoryMaxObjectBytes, memoryRevalidate, sendfileMinBytes);
  }
}
