package media.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import media.edge.hls.CachePolicy;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.hls.MediaTypes;
import media.edge.hls.PlaylistType;
import media.edge.library.FileMeta;
import media.edge.library.Library;
import media.edge.library.LibraryPath;

/**
 * Finds a request's bytes: a fresh memory entry without any system call, otherwise a look at the
 * library on a file I/O thread followed by a revalidation (file unchanged: keep the entry), a
 * single coalesced read into memory, or zero-copy streaming for files above the object limit.
 *
 * <p>Why a stale entry is checked rather than dropped: live playlists change every few seconds
 * but segments never do, so most revalidations are one {@code stat} that keeps the bytes.
 *
 * <p>Thread-safe; {@link #lookup} may be called from any event loop.
 */
public final class ContentStore {
  /** Reads of a file that changes under us are retried this many times before failing. */
  private static final int READ_ATTEMPTS = 3;

  private final Library library;
  private final MemoryTier memory;
  private final CachePolicy policy;
  private final ByteBufAllocator allocator;
  private final Executor fileIo;
  private final long maxObjectBytes;
  private final boolean gzipPlaylists;
  private final long sendfileMinBytes;
  private final OpenFiles descriptors;
  private final LongAdder diskReads = new LongAdder();

  /**
   * @param fileIo runs every blocking file operation; a rejected task fails the lookup
   * @param maxObjectBytes files larger than this are never read into memory
   */
  public ContentStore(
      Library library,
      MemoryTier memory,
      CachePolicy policy,
      ByteBufAllocator allocator,
      Executor fileIo,
      long maxObjectBytes) {
    this(library, memory, policy, allocator, fileIo, maxObjectBytes, false);
  }

  /**
   * @param gzipPlaylists also keep a gzip copy of each playlist read into memory, made once per file
   *     version, so that compressed answers cost no compression per request
   */
  public ContentStore(
      Library library,
      MemoryTier memory,
      CachePolicy policy,
      ByteBufAllocator allocator,
      Executor fileIo,
      long maxObjectBytes,
      boolean gzipPlaylists) {
    this(library, memory, policy, allocator, fileIo, maxObjectBytes, gzipPlaylists, Long.MAX_VALUE, 0);
  }

  /**
   * @param sendfileMinBytes files of at least this size (playlists excepted) are answered with
   *     {@link Content.OnDisk}, sent with {@code sendfile}; the memory tier keeps only their metadata
   * @param openFilesMax descriptors of such files kept open at most, by their memory entries
   */
  public ContentStore(
      Library library,
      MemoryTier memory,
      CachePolicy policy,
      ByteBufAllocator allocator,
      Executor fileIo,
      long maxObjectBytes,
      boolean gzipPlaylists,
      long sendfileMinBytes,
      int openFilesMax) {
    this.sendfileMinBytes = sendfileMinBytes;
    this.descriptors = new OpenFiles(openFilesMax);
    this.library = library;
    this.memory = memory;
    this.policy = policy;
    this.allocator = allocator;
    this.fileIo = fileIo;
    this.maxObjectBytes = maxObjectBytes;
    this.gzipPlaylists = gzipPlaylists;
  }

  /** File descriptors kept open by memory entries now ({@code edge_cache_open_files}). */
  public int openFiles() {
    return descriptors.open();
  }

  /** Whole-file reads into memory so far: the proof that concurrent misses coalesce. */
  public long diskReads() {
    return diskReads.sum();
  }

  /**
   * A fresh memory hit, answered on the caller's thread, or null when the disk must be consulted
   * through {@link #lookup}.
   */
  public Content.InMemory memoryHit(LibraryPath path) {
    CachedFile file = memory.peek(path.key());
    if (file == null || !file.isFresh(memory.now())) {
      return null;
    }
    ByteBuf body = file.retainedBody();
    return body == null ? null : new Content.InMemory(file, body, false);
  }

  /**
   * A fresh answer without any system call or thread hop: a body in memory, or a file to send with
   * {@code sendfile} whose metadata is in memory; null when {@link #lookup} is needed.
   */
  public Content freshHit(LibraryPath path) {
    MemoryEntry entry = memory.peekEntry(path.key());
    if (entry instanceof FileRef ref) {
      return ref.isFresh(memory.now()) ? ref.content() : null;
    }
    return memoryHit(path);
  }

  /** The full lookup; the future completes on a file I/O thread. */
  public CompletableFuture<Content> lookup(LibraryPath path) {
    Content hit = freshHit(path);
    if (hit != null) {
      return CompletableFuture.completedFuture(hit);
    }
    return onFileIo(() -> library.stat(path)).thenCompose(found -> afterStat(path, found));
  }

  private CompletableFuture<Content> afterStat(LibraryPath path, Library.Lookup found) {
    if (found.status() != Library.Status.FOUND) {
      return CompletableFuture.completedFuture(new Content.Refused(found.status()));
    }
    FileMeta meta = found.meta();
    ContentKind kind = ContentKind.of(path.fileName());
    String key = path.key();
    if (meta.size() > maxObjectBytes || (meta.size() >= sendfileMinBytes && kind != ContentKind.PLAYLIST)) {
      return CompletableFuture.completedFuture(sendfile(key, path, meta, kind));
    }
    if (memory.peekEntry(key) instanceof FileRef ref) {
      memory.evictIfSame(key, ref); // the file shrank below the sendfile threshold: read it in
    }
    CachedFile stale = memory.peek(key);
    if (stale != null) {
      if (stale.meta().sameVersion(meta)) {
        stale.markValidated(memory.now());
        ByteBuf body = stale.retainedBody();
        if (body != null) {
          return CompletableFuture.completedFuture(new Content.InMemory(stale, body, false));
        }
      }
      memory.evictIfSame(key, stale);
    }
    boolean[] loadedHere = new boolean[1];
    return memory
        .get(
            key,
            () -> {
              loadedHere[0] = true;
              return onFileIo(() -> (MemoryEntry) read(path, kind, meta));
            })
        .thenApply(entry -> served((CachedFile) entry, kind, loadedHere[0]));
  }

  /**
   * A file to send with {@code sendfile}, its metadata kept (or kept on) in memory: an unchanged
   * file only moves its validation time forward.
   */
  private Content.OnDisk sendfile(String key, LibraryPath path, FileMeta meta, ContentKind kind) {
    if (memory.peekEntry(key) instanceof FileRef known && known.content().meta().sameVersion(meta)) {
      known.markValidated(memory.now());
      return known.content();
    }
    FileRef ref =
        new FileRef(meta, kind, MediaTypes.of(path.fileName()), policy.freshness(kind, null), memory.now(), descriptors);
    memory.put(key, ref);
    return ref.content();
  }

  /** Runs blocking work on the file I/O pool; a full pool fails the future instead of throwing. */
  private <T> CompletableFuture<T> onFileIo(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, fileIo);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Content served(CachedFile file, ContentKind kind, boolean loadedHere) {
    ByteBuf body = file.retainedBody();
    if (body == null) {
      // Evicted between the load and now (a tiny cache under pressure): stream it instead.
      return new Content.OnDisk(
          file.meta(), kind, file.contentType(), file.freshness(), FileSource.perRequest(file.meta().file()));
    }
    return new Content.InMemory(file, body, loadedHere);
  }

  private CachedFile read(LibraryPath path, ContentKind kind, FileMeta expected) {
    FileMeta meta = expected;
    for (int attempt = 1; ; attempt++) {
      ByteBuf body = allocator.directBuffer((int) meta.size(), (int) meta.size());
      boolean done = false;
      try {
        readFully(meta, body);
        Library.Lookup after = library.stat(path);
        if (after.status() == Library.Status.FOUND && after.meta().sameVersion(meta)) {
          diskReads.increment();
          Freshness freshness =
              policy.freshness(
                  kind, kind == ContentKind.PLAYLIST ? PlaylistType.scan(body.nioBuffer()) : null);
          ByteBuf gzip = gzipPlaylists && kind == ContentKind.PLAYLIST ? Gzip.compress(body, allocator) : null;
          CachedFile file =
              new CachedFile(body, gzip, meta, kind, MediaTypes.of(path.fileName()), freshness, memory.now());
          done = true;
          return file;
        }
        if (attempt == READ_ATTEMPTS || after.status() != Library.Status.FOUND || after.meta().size() > maxObjectBytes) {
          throw new CompletionException(new IOException("file kept changing while read: " + path));
        }
        meta = after.meta();
      } catch (IOException e) {
        throw new CompletionException(e);
      } finally {
        if (!done) {
          body.release();
        }
      }
    }
  }

  private static void readFully(FileMeta meta, ByteBuf body) throws IOException {
    try (FileChannel channel = FileChannel.open(meta.file(), StandardOpenOption.READ)) {
      int length = (int) meta.size();
      long position = 0;
      while (position < length) {
        int n = body.writeBytes(channel, position, length - (int) position);
        if (n < 0) {
          throw new IOException("file shorter than its size: " + meta.file().getFileName());
        }
        position += n;
      }
    }
  }
}
