package media.edge.token;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link KeyRing} of a key file and swaps in a new one when the file changes, so
 * keys rotate without a restart. A file that fails to load never replaces a good ring: the old keys
 * stay and the reason is logged (a {@link KeyFileException} message, never key material).
 *
 * <p>Two triggers, both ending in the same atomic swap:
 *
 * <ul>
 *   <li>{@link #reload()}: re-read now; the server calls it on SIGHUP.
 *   <li>{@link #watch}: every interval, on the caller's scheduler, {@link #reloadIfChanged()} compares
 *       the SHA-256 of the key file and of each PEM file it names with the bytes the last load read,
 *       and reloads when one differs. Polling content rather than a {@code WatchService} on the
 *       folder: it also sees a file replaced through a symlink swap (how Kubernetes updates a mounted
 *       secret), it has no missed-event or timestamp-granularity cases, and a test drives it by
 *       calling one method, without sleeping. Hashing a few kilobytes every few seconds costs
 *       nothing. The digests are of the bytes each load actually parsed, so a change made while a
 *       load was reading is seen at the next check, never lost.
 * </ul>
 *
 * A bad file is logged once, not at every check: its digests are recorded like a good one's, and
 * include the PEM files it named, so creating a missing PEM file also triggers a retry.
 *
 * <p>Thread-safe: {@link #get()} is a volatile read and never blocks; reloads are serialized.
 */
public final class KeyFileWatcher implements Supplier<KeyRing>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KeyFileWatcher.class);

  private final Path file;
  private final AtomicReference<KeyRing> current;
  private final Object reloadLock = new Object();
  private Map<Path, byte[]> seen; // guarded by reloadLock: digest of every file the last load read
  private ScheduledFuture<?> poll; // guarded by reloadLock

  private KeyFileWatcher(Path file, KeyRing ring, Map<Path, byte[]> seen) {
    this.file = file;
    this.current = new AtomicReference<>(ring);
    this.seen = seen;
  }

  /**
   * Loads {@code file}; start-up must fail when it cannot, so this throws rather than logs.
   *
   * @throws KeyFileException when the file is missing or invalid
   */
  public static KeyFileWatcher open(Path file) throws KeyFileException {
    Objects.requireNonNull(file, "file");
    Map<Path, byte[]> seen = new LinkedHashMap<>();
    KeyRing ring = KeyFile.read(file, seen);
    log.info("key file {} loaded: {}", file, ring);
    return new KeyFileWatcher(file, ring, seen);
  }

  /** The ring in force. */
  @Override
  public KeyRing get() {
    return current.get();
  }

  /**
   * Re-reads the key file now and installs the new ring; on failure keeps the old one and logs why.
   *
   * @return true when a new ring is in force
   */
  public boolean reload() {
    synchronized (reloadLock) {
      Map<Path, byte[]> read = new LinkedHashMap<>();
      try {
        KeyRing ring = KeyFile.read(file, read);
        current.set(ring);
        log.info("key file {} reloaded: {}", file, ring);
        return true;
      } catch (KeyFileException e) {
        log.warn("key file refused, keeping the keys loaded before ({}): {}", current.get(), e.getMessage());
        return false;
      } finally {
        seen = read;
      }
    }
  }

  /**
   * Reloads when the key file, or a PEM file it names, differs from what the last load read.
   *
   * @return true when a new ring is in force
   */
  public boolean reloadIfChanged() {
    synchronized (reloadLock) {
      for (Map.Entry<Path, byte[]> entry : seen.entrySet()) {
        if (!MessageDigest.isEqual(entry.getValue(), KeyFile.digest(entry.getKey()))) {
          return reload();
        }
      }
      return false;
    }
  }

  /**
   * Checks for changes every {@code interval} on {@code scheduler} until {@link #close()}. A check
   * that throws is logged and the next one still runs.
   */
  public KeyFileWatcher watch(ScheduledExecutorService scheduler, Duration interval) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: a positive duration)");
    }
    synchronized (reloadLock) {
      if (poll != null) {
        throw new IllegalStateException("already watching " + file);
      }
      long millis = Math.max(1, interval.toMillis());
      poll = scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Stops watching; the ring in force stays available through {@link #get()}. */
  @Override
  public void close() {
    synchronized (reloadLock) {
      if (poll != null) {
        poll.cancel(false);
        poll = null;
      }
    }
  }

  @Override
  public String toString() {
    return "KeyFileWatcher[" + file + ", " + current.get() + "]";
  }

  private void checkQuietly() {
    try {
      reloadIfChanged();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log and keep watching.
      log.warn("key file {} check failed: {}", file, e.getClass().getSimpleName());
    }
  }
}
