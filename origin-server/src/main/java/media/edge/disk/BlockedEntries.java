package media.edge.disk;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries whose own path failed (a directory, a link or an unwritable file where the entry
 * should be), so that such a failure costs that entry alone instead of suspending the whole tier.
 *
 * <ul>
 *   <li><b>Blocked keys</b>: a key whose path failed is not written again until its block ends (the
 *       tier's write suspension, 30 seconds by default), so that a hot key with a bad path costs one
 *       failed write per interval, not one per fill. At most {@code maxKeys} are held (1,024 in the
 *       tier); past that the oldest block is forgotten first, which only lets that key try again early.
 *   <li><b>Failure run</b>: {@link #failed} reports when {@code runLimit} distinct entries have failed
 *       with no successful write between them. A planted directory is one path; three unrelated paths
 *       failing in a row says the file system is in trouble in a way its error text did not name, and
 *       the tier then suspends writes as for a full disk.
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on this object, for a few map operations. Writes are
 * rare next to reads and each costs a disk write, so one monitor is no bottleneck.
 */
final class BlockedEntries {
  static final int DEFAULT_MAX_KEYS = 1_024;
  static final int DEFAULT_RUN_LIMIT = 3;

  private final int maxKeys;
  private final int runLimit;
  /** Block ends by key hash, oldest block first. */
  private final LinkedHashMap<KeyHash, Long> until = new LinkedHashMap<>();
  private final List<KeyHash> run = new ArrayList<>();

  BlockedEntries(int maxKeys, int runLimit) {
    this.maxKeys = maxKeys;
    this.runLimit = runLimit;
  }

  /** Whether {@code hash} may not be written at {@code nowMillis}; forgets blocks that have ended. */
  synchronized boolean blocked(KeyHash hash, long nowMillis) {
    if (until.isEmpty()) {
      return false;
    }
    Long end = until.get(hash);
    if (end == null) {
      return false;
    }
    if (nowMillis < end) {
      return true;
    }
    until.remove(hash);
    return false;
  }

  /**
   * Blocks {@code hash} until {@code untilMillis} and adds it to the failure run. Returns true when
   * the run has reached its limit (and starts a new run): the caller should treat the disk as failing.
   */
  synchronized boolean failed(KeyHash hash, long nowMillis, long untilMillis) {
    until.remove(hash); // re-inserted last: the newest block is the last to be forgotten
    until.put(hash, untilMillis);
    if (until.size() > maxKeys) {
      dropEnded(nowMillis);
      Iterator<Map.Entry<KeyHash, Long>> oldest = until.entrySet().iterator();
      while (until.size() > maxKeys) {
        oldest.next();
        oldest.remove();
      }
    }
    if (!run.contains(hash)) {
      run.add(hash);
    }
    if (run.size() >= runLimit) {
      run.clear();
      return true;
    }
    return false;
  }

  /** A write succeeded: the failures so far were not in a row. */
  synchronized void succeeded() {
    if (!run.isEmpty()) {
      run.clear();
    }
  }

  synchronized int size() {
    return until.size();
  }

  private void dropEnded(long nowMillis) {
    until.values().removeIf(end -> end <= nowMillis);
  }
}
