package media.edge.disk;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The tier's file work handed to the io executor and not yet finished: entry writes, deletions and
 * ban-list saves, each holding a ticket. It serves three purposes.
 *
 * <ul>
 *   <li>Bounds the body bytes waiting for the executor, so that a slow disk sheds writes instead of
 *       holding gigabytes of buffers; an empty backlog always admits one write, however large.
 *   <li>Lets {@link DiskTier#close} wait for the work to finish.
 *   <li>Makes {@link DiskTier#remove} exact against writes in flight: a removal leaves a
 *       <em>tombstone</em> (a ticket number) for the key, and a write whose ticket is older than the
 *       tombstone gives up instead of publishing its file. Tombstones are dropped as soon as every
 *       older ticket has finished.
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on this object, for a few map operations at most.
 */
final class PendingWrites {
  private final long maxBytes;
  private final TreeSet<Long> tickets = new TreeSet<>();
  private final Map<KeyHash, Long> tombstones = new HashMap<>();
  private long bytes;
  private long lastTicket;
  private boolean closed;

  PendingWrites(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A ticket for work on {@code size} body bytes, or -1 when the backlog is full or closed. */
  synchronized long admit(long size) {
    if (closed || (size > 0 && bytes > 0 && bytes + size > maxBytes)) {
      return -1;
    }
    bytes += size;
    long ticket = ++lastTicket;
    tickets.add(ticket);
    return ticket;
  }

  synchronized void finish(long ticket, long size) {
    bytes -= size;
    tickets.remove(ticket);
    if (!tombstones.isEmpty()) {
      long oldest = tickets.isEmpty() ? Long.MAX_VALUE : tickets.first();
      tombstones.values().removeIf(tombstone -> tombstone < oldest);
    }
    if (tickets.isEmpty()) {
      notifyAll();
    }
  }

  /** Makes every write of {@code hash} admitted so far give up; the caller holds the index lock. */
  synchronized void tombstone(KeyHash hash) {
    if (!tickets.isEmpty()) {
      tombstones.put(hash, ++lastTicket);
    }
  }

  /** Whether {@code hash} was removed after the write holding {@code ticket} was admitted. */
  synchronized boolean removedSince(KeyHash hash, long ticket) {
    Long tombstone = tombstones.get(hash);
    return tombstone != null && tombstone > ticket;
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Admits nothing more, then waits for the work in flight; false if it outlasted the timeout. */
  synchronized boolean closeAndAwait(Duration timeout) throws InterruptedException {
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!tickets.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
