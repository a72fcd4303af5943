package media.edge.origin;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the origin within milliseconds that a packager changed a file in a folder of live low-latency
 * playlists: one {@link WatchService} (inotify on Linux) for the folders of the live playlists read so
 * far and of their preload hints, and one thread that turns its events into library keys. A packager
 * replaces a playlist by an atomic rename, which the watch reports as the creation of the final name.
 *
 * <p>Why a watch rather than the memory tier's revalidation: a low-latency playlist changes every part
 * (200 ms to 1 s), and blocked players must be answered as soon as it does; checking the file on each
 * request would cost a {@code stat} per request, and polling would answer late.
 *
 * <p>When the watch loses events (its queue overflowed), every file of that folder is reported changed.
 * At most {@code maxFolders} folders are watched (each costs a kernel watch); past it, playlists there
 * fall back to the memory tier's revalidation and blocked requests to their time limit.
 *
 * <p>Thread-safe: {@link #watch} is called from file I/O threads.
 */
public final class LibraryWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LibraryWatch.class);

  /** What the watch reports: a library key that changed, or a whole folder whose events were lost. */
  public interface Listener {
    /** {@code key} (as {@link media.edge.http.SafePath#key()}) was created, replaced, changed or deleted. */
    void changed(String key);

    /** Events of the folder whose keys start with {@code prefix} were lost: anything there may have changed. */
    void lost(String prefix);
  }

  private final WatchService service;
  private final Listener listener;
  private final int maxFolders;
  /** The key prefix ("live/2M/") each watched folder is known by; a linked folder may have several. */
  private final ConcurrentHashMap<WatchKey, Set<String>> prefixes = new ConcurrentHashMap<>();
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean full;

  private LibraryWatch(WatchService service, Listener listener, int maxFolders) {
    this.service = service;
    this.listener = listener;
    this.maxFolders = maxFolders;
    this.thread = new Thread(this::run, "library-watch");
    this.thread.setDaemon(true);
  }

  /** Starts the watch thread; nothing is watched until {@link #watch} is called. */
  public static LibraryWatch start(Listener listener, int maxFolders) throws IOException {
    LibraryWatch watch = new LibraryWatch(FileSystems.getDefault().newWatchService(), listener, maxFolders);
    watch.thread.start();
    return watch;
  }

  /**
   * Watches {@code folder} (a real directory of the library), whose files have keys starting with
   * {@code prefix} ("" for the root, else ending in '/'). Cheap when already watched.
   *
   * @return false when it could not be watched (the limit, or an error): callers rely on revalidation
   */
  public boolean watch(Path folder, String prefix) {
    if (watched.contains(prefix)) {
      return true;
    }
    if (watched.size() >= maxFolders) {
      if (!full) {
        full = true;
        LOG.warn("watching {} library folders already: live playlists in more fall back to revalidation", maxFolders);
      }
      return false;
    }
    try {
      WatchKey key =
          folder.register(
              service,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
      prefixes.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(prefix);
      watched.add(prefix);
      return true;
    } catch (IOException | ClosedWatchServiceException e) {
      LOG.warn("cannot watch library folder {}: {}", prefix.isEmpty() ? "/" : prefix, e.toString());
      return false;
    }
  }

  /** Reports a change the watch cannot see (a preload hint withdrawn), as if it had seen it. */
  public void announce(String key) {
    listener.changed(key);
  }

  /** Folders watched now. */
  public int folders() {
    return watched.size();
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Set<String> known = prefixes.getOrDefault(key, Set.of());
      for (WatchEvent<?> event : key.pollEvents()) {
        for (String prefix : known) {
          try {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
              listener.lost(prefix);
            } else {
              listener.changed(prefix + event.context());
            }
          } catch (RuntimeException e) {
            LOG.warn("library watch listener failed for {}: {}", prefix, e.toString());
          }
        }
      }
      if (!key.reset()) {
        // The folder is gone: watch it again if a playlist there is read again.
        Set<String> gone = prefixes.remove(key);
        if (gone != null) {
          watched.removeAll(gone);
          gone.forEach(listener::lost);
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      LOG.debug("closing the library watch: {}", e.toString());
    }
    thread.interrupt();
  }
}
