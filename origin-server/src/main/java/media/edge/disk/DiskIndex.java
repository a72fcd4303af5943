package media.edge.disk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What is on disk, in memory: key hash to file size and last access, plus the total of the sizes.
 * Lookups touch no file; the index is authoritative, so a file it does not list is never read.
 *
 * <p>Eviction order is least recently used, approximated: {@link #leastRecentlyUsed} sorts a
 * snapshot of every entry by last access (millisecond resolution, ties in any order), and the tier
 * evicts in batches down to a low watermark, so the sort is paid once per batch rather than once
 * per write. Accesses that land while a batch is chosen may be missed by it.
 *
 * <p>Thread-safe. Lookups are lock-free; once the tier is shared, {@link #put} and both {@code
 * remove}s must be called while holding {@link #lock} of the hash, which the tier also holds while
 * renaming or deleting that hash's file, so that the index and the folder change together. (Before,
 * {@link IndexRebuild} puts distinct hashes from several threads without it.)
 */
final class DiskIndex {
  private static final int STRIPES = 256;

  /**
   * One file. Its identity matters: a rewrite of the same key makes a new slot, which is how a
   * reader or the evictor notices that the file it looked at has been replaced.
   */
  static final class Slot {
    final long size;
    /** By the tier's clock; read and written without a lock, a lost update only blurs the order. */
    volatile long lastAccess;
    /** When the file's modification time was last set, so that reads touch it only now and then. */
    volatile long touchedAt;

    Slot(long size, long lastAccess) {
      this.size = size;
      this.lastAccess = lastAccess;
      this.touchedAt = lastAccess;
    }
  }

  /** A candidate for eviction, with the access time it was sorted by. */
  record Victim(KeyHash hash, Slot slot, long lastAccess) {}

  private final ConcurrentHashMap<KeyHash, Slot> slots;
  private final AtomicLong bytes = new AtomicLong();
  private final Object[] locks = new Object[STRIPES];

  DiskIndex(int expectedEntries) {
    slots = new ConcurrentHashMap<>(Math.max(16, expectedEntries));
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** The monitor that guards changes to {@code hash}'s entry and file. */
  Object lock(KeyHash hash) {
    return locks[(int) (hash.b() & (STRIPES - 1))];
  }

  Slot get(KeyHash hash) {
    return slots.get(hash);
  }

  long bytes() {
    return bytes.get();
  }

  long entries() {
    return slots.mappingCount();
  }

  /** Records a file; the caller holds {@link #lock}. */
  void put(KeyHash hash, Slot slot) {
    Slot old = slots.put(hash, slot);
    bytes.addAndGet(slot.size - (old == null ? 0 : old.size));
  }

  /** Forgets {@code hash}, returning what it was; the caller holds {@link #lock}. */
  Slot remove(KeyHash hash) {
    Slot old = slots.remove(hash);
    if (old != null) {
      bytes.addAndGet(-old.size);
    }
    return old;
  }

  /** Forgets {@code hash} if it is still {@code slot}; the caller holds {@link #lock}. */
  boolean remove(KeyHash hash, Slot slot) {
    if (slots.remove(hash, slot)) {
      bytes.addAndGet(-slot.size);
      return true;
    }
    return false;
  }

  /**
   * The least recently used entries whose sizes add up to at least {@code bytesToFree}, oldest
   * first. Costs a sort of the whole index: call it for a batch, not per entry.
   */
  List<Victim> leastRecentlyUsed(long bytesToFree) {
    List<Victim> all = new ArrayList<>(slots.size());
    // The access time is copied: sorting on a field that changes under the sort breaks the sort.
    slots.forEach((hash, slot) -> all.add(new Victim(hash, slot, slot.lastAccess)));
    all.sort(Comparator.comparingLong(Victim::lastAccess));
    long freed = 0;
    int count = 0;
    while (count < all.size() && freed < bytesToFree) {
      freed += all.get(count++).slot().size;
    }
    return all.subList(0, count);
  }
}
