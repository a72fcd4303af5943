package media.edge.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import media.edge.hls.CachePolicy;
import media.edge.hls.DeltaUpdate;
import media.edge.hls.LowLatency;
import media.edge.hls.PlaylistPaths;
import media.edge.http.Compression;
import media.edge.http.SafePath;

/**
 * What the origin keeps about live low-latency playlists from one version to the next: which files
 * their preload hints name (a request for one is held rather than refused, section 6.2.6), which date
 * ranges left them recently (for {@code _HLS_skip=v2}), and which folders the {@link LibraryWatch}
 * watches. It also makes each version's {@link LiveVersion}: the blocking answers' freshness and the
 * delta updates.
 *
 * <p>At most {@code maxPlaylists} playlists are remembered (least recently read dropped first), and
 * {@link #MAX_HINTS} hints of each, so its memory is bounded whatever the library holds.
 *
 * <p>Thread-safe: versions are read on file I/O threads, hints looked up on event loops.
 */
public final class LivePlaylists {
  /** A playlist should hint one part and one map (section 6.2.6); a few more are tolerated. */
  static final int MAX_HINTS = 4;

  /**
   * A file a live playlist hints.
   *
   * @param playlistKey the playlist that hints it
   * @param byteStart where the hinted part begins when the file grows part by part, else 0
   * @param targetDurationSeconds the playlist's, for how long a request may be held
   */
  public record Hint(String playlistKey, long byteStart, double targetDurationSeconds) {}

  /** One playlist's memory across versions; guarded by itself. */
  private static final class History {
    Set<String> dateranges = Set.of();
    final Map<String, Long> removedAt = new LinkedHashMap<>();
    Set<String> hints = Set.of();
  }

  private final Library library;
  private final LibraryWatch watch;
  private final CachePolicy policy;
  private final ByteBufAllocator allocator;
  private final boolean gzipPlaylists;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, Hint> hints = new ConcurrentHashMap<>();
  private final Cache<String, History> histories;

  /**
   * @param watch told of each live playlist's folder, and of each hinted key a new version no longer
   *     hints (so that requests held on it are answered: 404 when the file never came)
   * @param nanos the clock date ranges' removal is timed by
   */
  LivePlaylists(
      Library library, LibraryWatch watch, CachePolicy policy, ByteBufAllocator allocator, boolean gzipPlaylists,
      LongSupplier nanos, int maxPlaylists) {
    this.library = library;
    this.watch = watch;
    this.policy = policy;
    this.allocator = allocator;
    this.gzipPlaylists = gzipPlaylists;
    this.nanos = nanos;
    this.histories =
        Caffeine.newBuilder()
            .maximumSize(maxPlaylists)
            .executor(Runnable::run)
            .removalListener((String key, History history, RemovalCause cause) -> {
              if (history != null && cause.wasEvicted()) {
                synchronized (history) {
                  history.hints.forEach(
                      hinted -> hints.computeIfPresent(hinted, (k, hint) -> hint.playlistKey().equals(key) ? null : hint));
                }
              }
            })
            .build();
  }

  /** The hint of {@code key}, when a live playlist read recently names it in {@code EXT-X-PRELOAD-HINT}; else null. */
  public Hint hint(String key) {
    return hints.get(key);
  }

  /**
   * Watches the folder of a live playlist just read, before its version is confirmed, so that no change
   * after the confirmation goes unseen. Blocking (a system call the first time): file I/O threads only.
   */
  void watchFolderOf(SafePath path) {
    String key = path.key();
    int slash = key.lastIndexOf('/');
    String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
    Path folder = slash < 0 ? library.root() : library.root().resolve(key.substring(0, slash));
    try {
      Path real = folder.toRealPath();
      if (real.startsWith(library.root()) && Files.isDirectory(real)) {
        watch.watch(real, prefix);
      }
    } catch (IOException | SecurityException e) {
      // Gone meanwhile: the next read tries again.
    }
  }

  /**
   * The extras of a confirmed version of a live low-latency playlist: hints recorded (their folders
   * watched), date range removals timed, delta updates built. On the file I/O thread that read it.
   */
  LiveVersion version(SafePath path, String text, LowLatency lowLatency) {
    History history = histories.get(path.key(), k -> new History());
    List<String> recentlyRemoved;
    List<String> dropped;
    synchronized (history) {
      recentlyRemoved = timeRemovals(history, lowLatency);
      dropped = recordHints(history, path, lowLatency);
    }
    dropped.forEach(watch::announce);
    String blocking = policy.blockingPlaylist(lowLatency.targetDuration());
    ByteBuf delta = null;
    ByteBuf deltaGzip = null;
    ByteBuf deltaDateranges = null;
    ByteBuf deltaDaterangesGzip = null;
    boolean done = false;
    try {
      if (lowLatency.canSkipUntil() > 0) {
        delta = bytes(DeltaUpdate.of(text, lowLatency.canSkipUntil(), false, List.of()));
        deltaGzip = gzipPlaylists ? Compression.gzipOnce(delta, allocator) : null;
        if (lowLatency.canSkipDateranges()) {
          deltaDateranges = bytes(DeltaUpdate.of(text, lowLatency.canSkipUntil(), true, recentlyRemoved));
          deltaDaterangesGzip = gzipPlaylists ? Compression.gzipOnce(deltaDateranges, allocator) : null;
        }
      }
      LiveVersion version = new LiveVersion(lowLatency, blocking, delta, deltaGzip, deltaDateranges, deltaDaterangesGzip);
      done = true;
      return version;
    } finally {
      if (!done) {
        new LiveVersion(lowLatency, blocking, delta, deltaGzip, deltaDateranges, deltaDaterangesGzip).release();
      }
    }
  }

  /**
   * A playlist read that is not (or no longer) live low-latency: an ended stream. The hints its last live
   * version gave are withdrawn, so that requests held on them get their 404.
   */
  void notLive(SafePath path) {
    History history = histories.getIfPresent(path.key());
    if (history == null) {
      return;
    }
    histories.invalidate(path.key());
    List<String> dropped;
    synchronized (history) {
      dropped = new ArrayList<>(history.hints);
      dropped.forEach(hinted -> hints.computeIfPresent(hinted, (k, hint) -> hint.playlistKey().equals(path.key()) ? null : hint));
      history.hints = Set.of();
    }
    dropped.forEach(watch::announce);
  }

  private ByteBuf bytes(String text) {
    byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf buffer = allocator.directBuffer(encoded.length, encoded.length);
    buffer.writeBytes(encoded);
    return buffer;
  }

  /**
   * Notes when each date range left the playlist, forgets those that left longer ago than the skip
   * boundary, and answers the ids that left within it (section 6.2.5.1).
   */
  private List<String> timeRemovals(History history, LowLatency lowLatency) {
    long now = nanos.getAsLong();
    Set<String> current = new HashSet<>(lowLatency.dateranges());
    for (String id : history.dateranges) {
      if (!current.contains(id)) {
        history.removedAt.putIfAbsent(id, now);
      }
    }
    current.forEach(history.removedAt::remove);
    history.dateranges = current;
    long boundary = (long) (lowLatency.canSkipUntil() * 1e9);
    history.removedAt.values().removeIf(at -> now - at > boundary);
    return new ArrayList<>(history.removedAt.keySet());
  }

  /** Records the version's hints; answers the keys the previous version hinted and this one does not. */
  private List<String> recordHints(History history, SafePath path, LowLatency lowLatency) {
    Set<String> now = new HashSet<>();
    for (LowLatency.Hint hint : lowLatency.preloadHints()) {
      if (now.size() == MAX_HINTS) {
        break;
      }
      String raw = PlaylistPaths.resolve(path.slashed(), hint.uri());
      SafePath target = raw == null ? null : SafePath.parse(raw).path();
      if (target != null) {
        now.add(target.key());
        hints.put(target.key(), new Hint(path.key(), hint.byteStart(), lowLatency.targetDuration()));
        watchFolderOf(target);
      }
    }
    List<String> dropped = new ArrayList<>();
    for (String old : history.hints) {
      if (!now.contains(old)) {
        hints.computeIfPresent(old, (k, hint) -> hint.playlistKey().equals(path.key()) ? null : hint);
        dropped.add(old);
      }
    }
    history.hints = now;
    return dropped;
  }
}
