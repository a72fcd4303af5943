package media.edge.disk;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import media.edge.disk.DiskErrors.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier of the edge cache: entries (a key, opaque head bytes, a body) kept as files under
 * one folder, bounded in bytes, surviving restarts and crashes, and never in the way of serving:
 * every failure becomes a miss or a skipped write plus a count in {@code edge.cache.disk.errors},
 * so the server goes on from memory.
 *
 * <ul>
 *   <li><b>Layout</b>: {@code dir/ab/cd/<SHA-256 of the key in hex>}, in the format of {@link
 *       EntryFormat}; the ban list in {@code dir/bans}.
 *   <li><b>Writes</b> run on the {@code io} executor and are crash-safe ({@link AtomicFiles}: temporary
 *       file, {@code fsync}, rename). A write is dropped, and its body released, when the executor
 *       refuses it or when the bodies waiting for it exceed the backlog bound ({@link PendingWrites}).
 *       A body larger than the capacity is refused.
 *   <li><b>Index</b>: in memory ({@link DiskIndex}), rebuilt at {@link #open} from file names, sizes
 *       and modification times without opening any entry ({@link IndexRebuild}). When the files
 *       exceed the capacity, the least recently used are deleted, in batches down to 95% of it.
 *   <li><b>Reads</b> load the whole file into one direct buffer and check it ({@link EntryFormat});
 *       anything wrong deletes the file and answers null, so that the caller refetches.
 *   <li><b>Errors</b> cost as little as their cause. A failure of one entry's path (a folder, a link
 *       or an unwritable file where the entry should be: EISDIR, EACCES, ENOTEMPTY, ELOOP, ...)
 *       costs that entry alone: it is counted ({@code reason="write"} or {@code "read"}), a link or
 *       an empty folder at the path is deleted (never a link's target, never a folder with anything
 *       in it), the index forgets what is no longer there, and the key is not written again for the
 *       suspension time ({@link BlockedEntries}), so that a hot key with a bad path does not fail
 *       once per fill. Only a disk-wide failure (full, read-only, out of descriptors, EIO: see {@link
 *       DiskErrors#diskWide}), a failure of the cache folder itself or of the ban list, or three
 *       distinct entries failing in a row, suspends all writes for 30 seconds of the injected clock
 *       ({@link #degraded}). Reads go on either way, and nothing throws to the caller.
 *   <li><b>Links</b>: nothing is written or deleted through a link. Shard folders are checked as
 *       they are made ({@link EntryPaths}), entry files are opened without following one, and the
 *       index rebuild does not descend into a linked shard folder.
 *   <li><b>Purges</b>: {@link #remove} is exact and immediate, also against a write of the same key
 *       in flight; {@link #ban} purges a key prefix lazily, at read ({@link BanList}).
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread. Lookups go to a concurrent map;
 * publishing, evicting or deleting a file happens under a lock striped by key hash, together with
 * the matching index change, so the index and the folder agree whatever the interleaving.
 */
public final class DiskTier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskTier.class);

  /** How long {@link #close} waits for writes in flight. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * A read refreshes its file's modification time, which becomes the last access when the index is
   * rebuilt, at most this often, so that a hot entry costs no metadata write per read.
   */
  static final long TOUCH_INTERVAL_MILLIS = Duration.ofMinutes(10).toMillis();
  static final Duration DEFAULT_WRITE_SUSPENSION = Duration.ofSeconds(30);
  static final long DEFAULT_MAX_PENDING_BYTES = 64L * 1024 * 1024;

  private final Path dir;
  private final long capacityBytes;
  private final long lowWatermarkBytes;
  private final long maxFileBytes;
  private final Executor io;
  private final ByteBufAllocator allocator;
  private final Clock clock;
  private final long suspensionMillis;
  private final DiskErrors errors;
  private final DiskIndex index;
  private final BanList bans;
  private final PendingWrites pending;
  private final AtomicFiles.TempWriter tempWriter;
  private final BlockedEntries blocked =
      new BlockedEntries(BlockedEntries.DEFAULT_MAX_KEYS, BlockedEntries.DEFAULT_RUN_LIMIT);
  /** Entry failures since the last WARN about them, which is logged at most once per suspension time. */
  private long entryFailuresUnlogged;
  private long entryFailureLoggedAt = Long.MIN_VALUE / 2;
  private final AtomicBoolean evicting = new AtomicBoolean();
  private final Object bansFileLock = new Object();
  private volatile long suspendedUntil = Long.MIN_VALUE;
  private volatile boolean closed;

  private DiskTier(Builder options, Path dir, DiskIndex index, BanList bans, DiskErrors errors) {
    this.dir = dir;
    this.capacityBytes = options.capacityBytes;
    this.lowWatermarkBytes = capacityBytes - capacityBytes / 20;
    this.maxFileBytes = Math.min(capacityBytes, Integer.MAX_VALUE - 8);
    this.io = options.io;
    this.allocator = options.allocator;
    this.clock = options.clock;
    this.suspensionMillis = options.writeSuspension.toMillis();
    this.errors = errors;
    this.index = index;
    this.bans = bans;
    this.pending = new PendingWrites(options.maxPendingBytes());
    this.tempWriter = options.tempWriter;
  }

  /**
   * Opens (creating if needed) the cache under {@code dir}, rebuilding the index from what is there;
   * the other settings take their defaults (see {@link Builder}).
   *
   * @param io runs every file operation; it should be a bounded pool of a few threads, since each
   *     task blocks on the disk
   * @param clock stamps entries and bans, orders eviction and times the write suspension
   * @throws IOException when the folder cannot be created or listed
   */
  public static DiskTier open(
      Path dir, long capacityBytes, Executor io, ByteBufAllocator allocator, MeterRegistry registry, Clock clock)
      throws IOException {
    return builder(dir, capacityBytes, io, registry).allocator(allocator).clock(clock).open();
  }

  /** Settings beyond {@link #open}'s: backlog bound, ban limits, write suspension. */
  public static Builder builder(Path dir, long capacityBytes, Executor io, MeterRegistry registry) {
    return new Builder(dir, capacityBytes, io, registry);
  }

  /**
   * The stored entry for {@code key}, read fully and verified, or null (absent, banned, corrupt or
   * unreadable). Answers an index miss at once, without I/O; otherwise completes on an io thread.
   * Never completes exceptionally. The caller owns, and must release, the entry's body; if the
   * caller completes the future first (a timeout), the body is released here.
   */
  public CompletableFuture<DiskEntry> read(String key) {
    if (key == null || closed) {
      return CompletableFuture.completedFuture(null);
    }
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    KeyHash hash = KeyHash.of(keyBytes);
    DiskIndex.Slot slot = index.get(hash);
    if (slot == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<DiskEntry> result = new CompletableFuture<>();
    try {
      io.execute(() -> complete(result, key, keyBytes, hash, slot));
    } catch (RejectedExecutionException e) {
      result.complete(null);
    }
    return result;
  }

  /**
   * The stored entry for {@code key} opened for sending from the file: its header and both checksums
   * checked (the body read once, through the page cache, for its checksum), the descriptor left open for
   * the caller, who owns and must close it. Null as for {@link #read}. Never completes exceptionally; if
   * the caller completes the future first, the descriptor is closed here.
   */
  public CompletableFuture<DiskFile> open(String key) {
    if (key == null || closed) {
      return CompletableFuture.completedFuture(null);
    }
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    KeyHash hash = KeyHash.of(keyBytes);
    DiskIndex.Slot slot = index.get(hash);
    if (slot == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<DiskFile> result = new CompletableFuture<>();
    try {
      io.execute(() -> {
        DiskFile file = null;
        try {
          file = openChecked(key, keyBytes, hash, slot);
        } catch (RuntimeException e) {
          LOG.warn("disk cache open failed unexpectedly", e);
        } finally {
          if (!result.complete(file) && file != null) {
            closeQuietly(file.channel());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      result.complete(null);
    }
    return result;
  }

  /** The size of {@code key}'s entry file as indexed, header included, or -1 when it is not indexed. */
  public long size(String key) {
    if (key == null) {
      return -1;
    }
    DiskIndex.Slot slot = index.get(KeyHash.of(key));
    return slot == null ? -1 : slot.size;
  }

  private DiskFile openChecked(String key, byte[] keyBytes, KeyHash hash, DiskIndex.Slot slot) {
    Path file = hash.file(dir);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      forget(hash, slot);
      return null;
    } catch (IOException e) {
      readFailed(hash, slot, e);
      return null;
    }
    boolean kept = false;
    ByteBuf buffer = allocator.directBuffer(64 * 1024);
    try {
      long size = channel.size();
      int prefix = (int) Math.min(size, EntryFormat.maxHeaderBytes());
      ByteBuf start = allocator.directBuffer(prefix, prefix);
      EntryFormat.Header header;
      try {
        readAt(channel, start, 0, prefix);
        header = EntryFormat.parseHeader(start, size);
      } finally {
        start.release();
      }
      if (!Arrays.equals(header.key(), keyBytes)) {
        throw new CorruptFileException("stored key differs from the requested one");
      }
      if (bans.bans(key, header.storedAtMillis())) {
        drop(hash, slot);
        return null;
      }
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      for (long at = header.bodyOffset(), end = at + header.bodyLength(); at < end; ) {
        int n = (int) Math.min(buffer.capacity(), end - at);
        buffer.clear();
        readAt(channel, buffer, at, n);
        crc.update(buffer.nioBuffer(0, n));
        at += n;
      }
      if ((int) crc.getValue() != header.bodyCrc()) {
        throw new CorruptFileException("body checksum mismatch");
      }
      touch(file, slot);
      kept = true;
      return new DiskFile(key, header.head(), file, channel, header.bodyOffset(), header.bodyLength(), header.storedAtMillis());
    } catch (CorruptFileException e) {
      corrupt(hash, slot, e);
      return null;
    } catch (IOException e) {
      readFailed(hash, slot, e);
      return null;
    } finally {
      buffer.release();
      if (!kept) {
        closeQuietly(channel);
      }
    }
  }

  /** Reads exactly {@code length} bytes at {@code position} into {@code into}; a shorter file is corrupt. */
  private static void readAt(FileChannel channel, ByteBuf into, long position, int length)
      throws IOException, CorruptFileException {
    int start = into.writerIndex();
    while (into.writerIndex() - start < length) {
      int n = into.writeBytes(channel, position + into.writerIndex() - start, length - (into.writerIndex() - start));
      if (n < 0) {
        throw new CorruptFileException("file shrank while read");
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing buffered to lose
    }
  }

  /**
   * Stores {@code key} asynchronously, replacing any previous entry. Takes ownership of {@code body}
   * (its readable bytes, left unconsumed) and releases it when done, also when the write is refused
   * or fails. Never throws. Skipped without a count while {@link #degraded}, while {@code key} is
   * blocked after a failure of its path, and after {@link #close}.
   *
   * @param head opaque metadata stored with the body (serialized response headers), at most 64 KiB;
   *     kept without a copy until written, so not to be changed afterwards
   */
  public void write(String key, byte[] head, ByteBuf body) {
    if (body == null) {
      return;
    }
    boolean handedOver = false;
    try {
      if (key == null || head == null || closed || degraded()) {
        return;
      }
      byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
      long size = EntryFormat.fileSize(keyBytes.length, head.length, body.readableBytes());
      if (keyBytes.length > EntryFormat.MAX_KEY_BYTES || head.length > EntryFormat.MAX_HEAD_BYTES || size > capacityBytes) {
        return;
      }
      long storedAt = clock.millis();
      KeyHash hash = KeyHash.of(keyBytes);
      if (blocked.blocked(hash, storedAt)) {
        return;
      }
      long ticket = pending.admit(size);
      if (ticket < 0) {
        if (!closed) {
          errors.count(Reason.DROPPED);
        }
        return;
      }
      try {
        io.execute(() -> store(hash, keyBytes, head, body, storedAt, ticket, size));
        handedOver = true;
      } catch (RejectedExecutionException e) {
        pending.finish(ticket, size);
        errors.count(Reason.DROPPED);
      }
    } finally {
      if (!handedOver) {
        body.release();
      }
    }
  }

  /**
   * Deletes {@code key}'s entry: absent for {@link #contains} and {@link #read} from now on, its file
   * deleted on the io executor, and a write of the key still in flight dropped rather than
   * published. Durable once the file is deleted, a moment later; a crash before that brings the
   * entry back at the next start-up (use {@link #ban} where that matters).
   */
  public void remove(String key) {
    if (key == null) {
      return;
    }
    KeyHash hash = KeyHash.of(key);
    DiskIndex.Slot removed;
    synchronized (index.lock(hash)) {
      pending.tombstone(hash);
      removed = index.remove(hash);
    }
    if (removed != null) {
      runFileTask(() -> deleteUnlessRewritten(hash));
    }
  }

  /**
   * Purges every entry whose key starts with {@code keyPrefix} and that was stored until now, lazily:
   * each is deleted when next read (see {@link BanList} for the bounds and why). Until then
   * {@link #contains} may still answer true for it. The ban is saved to {@code dir/bans} on the io
   * executor and outlives restarts.
   */
  public void ban(String keyPrefix) {
    if (keyPrefix == null || keyPrefix.getBytes(StandardCharsets.UTF_8).length > EntryFormat.MAX_KEY_BYTES) {
      return; // No stored key is that long.
    }
    bans.add(keyPrefix, clock.millis());
    runFileTask(this::saveBans);
  }

  /** Whether the index lists {@code key}: no I/O, and no check of the file or of bans. */
  public boolean contains(String key) {
    return key != null && index.get(KeyHash.of(key)) != null;
  }

  public long entries() {
    return index.entries();
  }

  /** The size of the indexed files, headers included. */
  public long bytes() {
    return index.bytes();
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * Whether writes are suspended after a disk-wide error; they resume when the suspension ends. A
   * failure of one entry's path does not suspend them.
   */
  public boolean degraded() {
    return clock.millis() < suspendedUntil;
  }

  /**
   * Waits up to {@link #CLOSE_TIMEOUT} for file work in flight. Afterwards reads answer null and
   * writes are skipped; removals and bans still reach the disk, on the calling thread.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!pending.closeAndAwait(CLOSE_TIMEOUT)) {
        LOG.warn("disk cache closed with file operations still running after {}", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  private void complete(
      CompletableFuture<DiskEntry> result, String key, byte[] keyBytes, KeyHash hash, DiskIndex.Slot slot) {
    DiskEntry entry = null;
    try {
      entry = load(key, keyBytes, hash, slot);
    } catch (RuntimeException e) {
      LOG.warn("disk cache read failed unexpectedly", e);
    } finally {
      if (!result.complete(entry) && entry != null) {
        entry.body().release();
      }
    }
  }

  private DiskEntry load(String key, byte[] keyBytes, KeyHash hash, DiskIndex.Slot slot) {
    Path file = hash.file(dir);
    ByteBuf whole;
    try {
      whole = readWhole(file);
    } catch (NoSuchFileException e) {
      forget(hash, slot); // Deleted behind the index's back.
      return null;
    } catch (CorruptFileException e) {
      corrupt(hash, slot, e);
      return null;
    } catch (IOException e) {
      readFailed(hash, slot, e);
      return null;
    }
    try {
      EntryFormat.Header header = EntryFormat.parseHeader(whole);
      if (!Arrays.equals(header.key(), keyBytes)) {
        throw new CorruptFileException("stored key differs from the requested one");
      }
      if (bans.bans(key, header.storedAtMillis())) {
        drop(hash, slot);
        return null;
      }
      EntryFormat.verifyBody(whole, header);
      touch(file, slot);
      ByteBuf body = whole.retainedSlice(header.bodyOffset(), header.bodyLength());
      return new DiskEntry(key, header.head(), body, header.storedAtMillis());
    } catch (CorruptFileException e) {
      corrupt(hash, slot, e);
      return null;
    } finally {
      whole.release();
    }
  }

  private ByteBuf readWhole(Path file) throws IOException, CorruptFileException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (size > maxFileBytes) {
        throw new CorruptFileException("file larger than the tier: " + size + " bytes");
      }
      ByteBuf whole = allocator.directBuffer((int) size, (int) size);
      boolean read = false;
      try {
        while (whole.writerIndex() < size) {
          if (whole.writeBytes(channel, whole.writerIndex(), (int) size - whole.writerIndex()) < 0) {
            throw new CorruptFileException("file shrank while read");
          }
        }
        read = true;
        return whole;
      } finally {
        if (!read) {
          whole.release();
        }
      }
    }
  }

  /** Records the access; now and then also on disk, for the index of the next start-up. */
  private void touch(Path file, DiskIndex.Slot slot) {
    long now = clock.millis();
    slot.lastAccess = now;
    if (now - slot.touchedAt >= TOUCH_INTERVAL_MILLIS) {
      slot.touchedAt = now;
      try {
        FileTime time = FileTime.fromMillis(now);
        Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(time, null, null);
      } catch (IOException e) {
        // Only the eviction order after a restart suffers.
      }
    }
  }

  /**
   * Reading {@code slot}'s file failed. A disk-wide cause leaves the entry for a later read; a cause
   * at its path (a folder or a link where the file should be) costs the entry: a stray link or empty
   * folder is deleted, a regular file this tier cannot read is deleted like a corrupt one, and the
   * index forgets it either way, so that its gauges stop counting it.
   */
  private void readFailed(KeyHash hash, DiskIndex.Slot slot, IOException e) {
    errors.count(Reason.READ);
    LOG.debug("disk cache read failed: {}", DiskErrors.describe(e));
    if (DiskErrors.diskWide(e)) {
      return;
    }
    synchronized (index.lock(hash)) {
      if (index.get(hash) != slot) {
        return; // rewritten meanwhile
      }
      if (EntryPaths.clearStray(hash.file(dir)) == EntryPaths.Found.FILE) {
        drop(hash, slot);
      } else {
        index.remove(hash, slot);
      }
    }
  }

  private void corrupt(KeyHash hash, DiskIndex.Slot slot, CorruptFileException e) {
    errors.count(Reason.CORRUPT);
    LOG.debug("disk cache dropped a corrupt entry: {}", e.getMessage());
    drop(hash, slot);
  }

  // ---- writing ------------------------------------------------------------------------------

  private void store(
      KeyHash hash, byte[] keyBytes, byte[] head, ByteBuf body, long storedAt, long ticket, long size) {
    Path temp = null;
    try {
      if (degraded()) {
        return; // Suspended while this write waited.
      }
      Path target = hash.file(dir);
      ByteBuffer header = EntryFormat.header(keyBytes, storedAt, head, body);
      long now = clock.millis();
      EntryPaths.ensureFolders(target);
      temp = tempWriter.writeTemp(target, header, body, FileTime.fromMillis(now));
      synchronized (index.lock(hash)) {
        if (pending.removedSince(hash, ticket)) {
          return;
        }
        AtomicFiles.publish(temp, target);
        temp = null;
        index.put(hash, new DiskIndex.Slot(size, now));
      }
      blocked.succeeded();
      evictIfOverCapacity();
    } catch (IOException e) {
      if (temp != null) {
        AtomicFiles.deleteQuietly(temp); // before looking at the folder: no temporary file is left in it
        temp = null;
      }
      fileFailed(hash, e);
    } catch (RuntimeException e) {
      LOG.warn("disk cache write failed unexpectedly", e);
    } finally {
      if (temp != null) {
        AtomicFiles.deleteQuietly(temp);
      }
      body.release();
      pending.finish(ticket, size);
    }
  }

  /**
   * Writing or deleting {@code hash}'s file failed. Disk-wide, or with the cache folder itself gone:
   * suspends writes. Otherwise the entry's alone: counted, its path cleared where safe, forgotten by
   * the index unless its file is still there, and its key blocked; the third distinct entry to fail in
   * a row suspends writes all the same.
   */
  private void fileFailed(KeyHash hash, IOException e) {
    if (DiskErrors.diskWide(e) || !Files.isDirectory(dir)) {
      writeFailed(e);
      return;
    }
    errors.count(Reason.WRITE);
    synchronized (index.lock(hash)) {
      if (EntryPaths.clearStray(hash.file(dir)) != EntryPaths.Found.FILE) {
        index.remove(hash); // what the index listed, if anything, is not there any more
      }
    }
    long now = clock.millis();
    if (blocked.failed(hash, now, now + suspensionMillis)) {
      suspend(Reason.WRITE, BlockedEntries.DEFAULT_RUN_LIMIT + " entries failed in a row, the last with "
          + DiskErrors.describe(e));
    } else {
      logEntryFailure(e, now);
    }
  }

  /** At most one WARN per suspension time, carrying how many entry failures it stands for. */
  private synchronized void logEntryFailure(IOException e, long now) {
    entryFailuresUnlogged++;
    if (now - entryFailureLoggedAt >= suspensionMillis) {
      LOG.warn("disk cache skipped {} entr{} whose path failed (last: {}); each key is retried after {}",
          entryFailuresUnlogged, entryFailuresUnlogged == 1 ? "y" : "ies", DiskErrors.describe(e),
          Duration.ofMillis(suspensionMillis));
      entryFailuresUnlogged = 0;
      entryFailureLoggedAt = now;
    }
  }

  /** A disk-wide failure: counted as full or write, and writes suspended. */
  private void writeFailed(IOException e) {
    Reason reason = DiskErrors.ofWrite(e);
    errors.count(reason);
    suspend(reason, DiskErrors.describe(e));
  }

  private void suspend(Reason reason, String why) {
    boolean wasDegraded = degraded();
    suspendedUntil = clock.millis() + suspensionMillis;
    if (!wasDegraded) {
      LOG.warn("disk cache {} error ({}); writes suspended for {}", reason.tag(), why, Duration.ofMillis(suspensionMillis));
    }
  }

  private void saveBans() {
    synchronized (bansFileLock) {
      try {
        AtomicFiles.replace(dir.resolve(BanList.FILE_NAME), bans.encode(), FileTime.fromMillis(clock.millis()));
      } catch (IOException e) {
        writeFailed(e);
      }
    }
  }

  /** Runs file work on the io executor, or here when it refuses: a purge must not be lost. */
  private void runFileTask(Runnable task) {
    long ticket = pending.admit(0);
    if (ticket < 0) {
      task.run();
      return;
    }
    try {
      io.execute(() -> {
        try {
          task.run();
        } finally {
          pending.finish(ticket, 0);
        }
      });
    } catch (RejectedExecutionException e) {
      try {
        task.run();
      } finally {
        pending.finish(ticket, 0);
      }
    }
  }

  // ---- deleting -----------------------------------------------------------------------------

  /**
   * Evicts in batches until the files fit. One thread at a time: a writer that finds another
   * evicting leaves it to that thread, which checks the total again after each batch.
   */
  private void evictIfOverCapacity() {
    while (index.bytes() > capacityBytes && evicting.compareAndSet(false, true)) {
      boolean dropped = false;
      try {
        for (DiskIndex.Victim victim : index.leastRecentlyUsed(index.bytes() - lowWatermarkBytes)) {
          dropped |= drop(victim.hash(), victim.slot());
        }
      } finally {
        evicting.set(false);
      }
      if (!dropped) {
        return; // Every victim was rewritten meanwhile; the next write tries again.
      }
    }
  }

  /** Forgets the entry and deletes its file, unless a newer write has replaced {@code slot}. */
  private boolean drop(KeyHash hash, DiskIndex.Slot slot) {
    synchronized (index.lock(hash)) {
      if (!index.remove(hash, slot)) {
        return false;
      }
      deleteFile(hash);
      return true;
    }
  }

  private void forget(KeyHash hash, DiskIndex.Slot slot) {
    synchronized (index.lock(hash)) {
      index.remove(hash, slot);
    }
  }

  private void deleteUnlessRewritten(KeyHash hash) {
    synchronized (index.lock(hash)) {
      if (index.get(hash) == null) {
        deleteFile(hash);
      }
    }
  }

  /** Deletes the file (a link: the link; a folder: only if empty); a failure is handled as a write's. */
  private void deleteFile(KeyHash hash) {
    try {
      Files.deleteIfExists(hash.file(dir));
    } catch (IOException e) {
      fileFailed(hash, e);
    }
  }

  /**
   * Settings, validated as they are given. Defaults: the allocator {@link ByteBufAllocator#DEFAULT},
   * the system clock, a write backlog of 64 MiB or a quarter of the capacity if smaller, 1,000 bans
   * kept for at most 30 days, writes suspended for 30 seconds after an error.
   *
   * <p>Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final Path dir;
    private final long capacityBytes;
    private final Executor io;
    private final MeterRegistry registry;
    private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private long maxPendingBytes;
    private int maxBans = BanList.DEFAULT_MAX_BANS;
    private Duration banHorizon = BanList.DEFAULT_HORIZON;
    private Duration writeSuspension = DEFAULT_WRITE_SUSPENSION;
    private AtomicFiles.TempWriter tempWriter = AtomicFiles::writeTemp;

    private Builder(Path dir, long capacityBytes, Executor io, MeterRegistry registry) {
      this.dir = Objects.requireNonNull(dir, "dir");
      if (capacityBytes <= 0) {
        throw new IllegalArgumentException("capacityBytes: " + capacityBytes + " (expected: > 0)");
      }
      this.capacityBytes = capacityBytes;
      this.io = Objects.requireNonNull(io, "io");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    public Builder allocator(ByteBufAllocator allocator) {
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Body bytes that may wait for the io executor before further writes are dropped. */
    public Builder maxPendingBytes(long maxPendingBytes) {
      if (maxPendingBytes <= 0) {
        throw new IllegalArgumentException("maxPendingBytes: " + maxPendingBytes + " (expected: > 0)");
      }
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    public Builder maxBans(int maxBans) {
      if (maxBans < 1) {
        throw new IllegalArgumentException("maxBans: " + maxBans + " (expected: >= 1)");
      }
      this.maxBans = maxBans;
      return this;
    }

    /**
     * How long a ban is kept. Entries stored before a dropped ban are refetched once (see {@link
     * BanList}), so this is also about the longest an entry lives on disk without a refetch.
     */
    public Builder banHorizon(Duration banHorizon) {
      if (banHorizon.isNegative() || banHorizon.isZero()) {
        throw new IllegalArgumentException("banHorizon: " + banHorizon + " (expected: > 0)");
      }
      this.banHorizon = banHorizon;
      return this;
    }

    /**
     * How long writes stay suspended after a disk-wide error, and how long a key whose own path failed
     * is not written again.
     */
    public Builder writeSuspension(Duration writeSuspension) {
      if (writeSuspension.isNegative()) {
        throw new IllegalArgumentException("writeSuspension: " + writeSuspension + " (expected: >= 0)");
      }
      this.writeSuspension = writeSuspension;
      return this;
    }

    /** For tests: how entry files are written before being published. */
    Builder tempWriter(AtomicFiles.TempWriter tempWriter) {
      this.tempWriter = Objects.requireNonNull(tempWriter, "tempWriter");
      return this;
    }

    private long maxPendingBytes() {
      return maxPendingBytes > 0 ? maxPendingBytes : Math.min(DEFAULT_MAX_PENDING_BYTES, Math.max(1, capacityBytes / 4));
    }

    /**
     * Creates the folder if needed, deletes leftover temporary files, rebuilds the index (on the io
     * executor, shard by shard) and loads the bans; evicts in the background if the files exceed the
     * capacity.
     */
    public DiskTier open() throws IOException {
      Path root = dir.toAbsolutePath().normalize();
      Files.createDirectories(root);
      DiskErrors errors = new DiskErrors(registry);
      IndexRebuild.Result scan = IndexRebuild.scan(root, io);
      long now = clock.millis();
      BanList bans;
      boolean bansLost = false;
      try {
        bans = BanList.load(root.resolve(BanList.FILE_NAME), maxBans, banHorizon, now);
      } catch (CorruptFileException | IOException e) {
        errors.count(e instanceof CorruptFileException ? Reason.CORRUPT : Reason.READ);
        LOG.warn("disk cache ban list unreadable ({}); treating every stored entry as banned",
            e instanceof IOException ioe ? DiskErrors.describe(ioe) : e.getMessage());
        bans = BanList.everythingUpTo(now, maxBans, banHorizon);
        bansLost = true;
      }
      DiskTier tier = new DiskTier(this, root, scan.index(), bans, errors);
      LOG.info("disk cache at {}: {} entries, {} bytes, {} temporary files deleted",
          root, tier.entries(), tier.bytes(), scan.tempFilesDeleted());
      if (bansLost) {
        tier.runFileTask(tier::saveBans);
      }
      if (tier.bytes() > tier.capacityBytes) {
        tier.runFileTask(tier::evictIfOverCapacity);
      }
      return tier;
    }
  }
}
