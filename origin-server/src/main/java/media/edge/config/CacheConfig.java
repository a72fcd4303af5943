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
 * @param immutableRevalidate the same as {@code memoryRevalidate} for files answered with
 *     {@code immutable} (segments, by default), which are never rewritten ({@code cache.immutable-revalidate})
 * @param openFiles descriptors of sendfile files kept open by their memory entries, at most, as nginx's
 *     {@code open_file_cache max=} ({@code cache.open-files}); 0 opens each file per request
 */
public record CacheConfig(
    long memoryBytes,
    long memoryMaxObjectBytes,
    Duration memoryRevalidate,
    long sendfileMinBytes,
    Duration immutableRevalidate,
    int openFiles) {
  /** Returns a copy with other memory bounds. */
  public CacheConfig withMemory(long memoryBytes, long memoryMaxObjectBytes) {
    return new CacheConfig(memoryBytes, memoryMaxObjectBytes, memoryRevalidate, sendfileMinBytes, immutableRevalidate, openFiles);
  }

  /** Returns a copy with another sendfile threshold. */
  public CacheConfig withSendfileMinBytes(long sendfileMinBytes) {
    return new CacheConfig(memoryBytes, memoryMaxObjectBytes, memoryRevalidate, sendfileMinBytes, immutableRevalidate, openFiles);
  }
}
