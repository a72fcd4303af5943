package media.edge.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import media.edge.hls.LowLatency;
import media.edge.hls.MediaTypes;
import media.edge.hls.PlaylistType;
import media.edge.http.Compression;
import media.edge.http.OpenFiles;
import media.edge.http.SafePath;
import media.edge.memory.MemoryEntry;
import media.edge.memory.MemoryTier;
import media.edge.metrics.CacheResult;

/**
 * Finds a request's file: a fresh memory entry without any system call, otherwise a look at the library
 * on a file I/O thread followed by a revalidation (file unchanged: keep the entry), a single coalesced
 * read into memory, or zero-copy streaming for files too large for memory or at least
 * {@code cache.sendfile-min-bytes}.
 *
 * <p>Why a stale entry is checked rather than dropped: live playlists change every few seconds but
 * segments never do, so most revalidations are one {@code stat} that keeps the bytes.
 *
 * <p>Thread-safe; {@link #lookup} may be called from any event loop.
 */
public final class ContentStore {
  /**
   * Reads of a file that changes under us are retried this many times before failing, waiting
   * {@link #RETRY_PAUSE_MILLIS} times the attempt's number in between (5, 10, ... 25 ms, 75 ms in all, on a
   * file thread): a packager that renames a burst of versions over a live playlist (it catches up after
   * a stall) is then read once it settles, instead of answered 500 three reads into the burst.
   */
  private static final int READ_ATTEMPTS = 6;
  private static final long RETRY_PAUSE_MILLIS = 5;

  private final Library library;
  private final MemoryTier memory;
  private final CachePolicy policy;
  private final ByteBufAllocator allocator;
  private final Executor fileIo;
  private final long maxObjectBytes;
  private final boolean gzipPlaylists;
  private final long sendfileMinBytes;
  private final OpenFiles descriptors;
  private final LivePlaylists live;
  private final LongAdder diskReads = new LongAdder();

  private ContentStore(Builder b) {
    this.library = b.library;
    this.memory = b.memory;
    this.policy = b.policy;
    this.allocator = b.allocator;
    this.fileIo = b.fileIo;
    this.maxObjectBytes = b.maxObjectBytes;
    this.gzipPlaylists = b.gzipPlaylists;
    this.sendfileMinBytes = b.sendfileMinBytes;
    this.descriptors = new OpenFiles(b.openFiles);
    this.live =
        b.watch == null
            ? null
            : new LivePlaylists(library, b.watch, policy, allocator, gzipPlaylists, memory::now, b.livePlaylists);
  }

  /**
   * A store over {@code library} and {@code memory}; every other setting has the default of its
   * configuration key.
   *
   * @param fileIo runs every blocking file operation; a rejected task fails the lookup (503)
   */
  public static Builder builder(Library library, MemoryTier memory, CachePolicy policy, Executor fileIo) {
    return new Builder(library, memory, policy, fileIo);
  }

  /** File descriptors kept open by memory entries now ({@code edge_cache_open_files}). */
  public int openFiles() {
    return descriptors.open();
  }

  /**
   * What the store knows of live low-latency playlists (their preload hints); null when the library is
   * not watched, and live playlists are then served as any other.
   */
  public LivePlaylists live() {
    return live;
  }

  /** Whole-file reads into memory so far: the proof that concurrent misses coalesce. */
  public long diskReads() {
    return diskReads.sum();
  }

  /**
   * A fresh answer without any system call or thread hop: a body in memory, or a file to send with
   * {@code sendfile} whose metadata is in memory; null when {@link #lookup} is needed.
   */
  public Content.Found freshHit(SafePath path) {
    MemoryEntry entry = memory.peekEntry(path.key());
    long now = memory.now();
    if (entry instanceof CachedFile file && file.isFresh(now)) {
      return new Content.Found(file.representation(), file.fromDisk(), CacheResult.MEMORY, file);
    }
    if (entry instanceof FileRef ref && ref.isFresh(now)) {
      return new Content.Found(ref.representation(), ref.representation(), CacheResult.DISK, null);
    }
    return null;
  }

  /** The full lookup; the future completes on a file I/O thread (or at once for a fresh hit). */
  public CompletableFuture<Content> lookup(SafePath path) {
    Content hit = freshHit(path);
    if (hit != null) {
      return CompletableFuture.completedFuture(hit);
    }
    return onFileIo(() -> library.stat(path)).thenCompose(found -> afterStat(path, found));
  }

  private CompletableFuture<Content> afterStat(SafePath path, Library.Lookup found) {
    if (found.status() != Library.Status.FOUND) {
      return CompletableFuture.completedFuture(new Content.Refused(found.status()));
    }
    FileMeta meta = found.meta();
    ContentKind kind = ContentKind.of(path.fileName());
    String key = path.key();
    if (meta.size() > maxObjectBytes || (meta.size() >= sendfileMinBytes && kind != ContentKind.PLAYLIST)) {
      FileRef ref = sendfile(key, path, meta, kind);
      return CompletableFuture.completedFuture(new Content.Found(ref.representation(), ref.representation(), CacheResult.DISK, null));
    }
    MemoryEntry current = memory.peekEntry(key);
    if (current instanceof FileRef ref) {
      memory.evictIfSame(key, ref); // the file shrank below the sendfile threshold: read it in
    } else if (current instanceof CachedFile stale) {
      if (stale.meta().sameVersion(meta)) {
        stale.markValidated(memory.now());
        return CompletableFuture.completedFuture(
            new Content.Found(stale.representation(), stale.fromDisk(), CacheResult.MEMORY, stale));
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
        .thenApply(entry -> {
          CachedFile file = (CachedFile) entry;
          return new Content.Found(
              file.representation(), file.fromDisk(), loadedHere[0] ? CacheResult.DISK : CacheResult.MEMORY, file);
        });
  }

  /**
   * A file to send with {@code sendfile}, its metadata kept (or kept on) in memory: an unchanged file
   * only moves its validation time forward.
   */
  private FileRef sendfile(String key, SafePath path, FileMeta meta, ContentKind kind) {
    if (memory.peekEntry(key) instanceof FileRef known && known.meta().sameVersion(meta)) {
      known.markValidated(memory.now());
      return known;
    }
    FileRef ref =
        new FileRef(meta, kind, MediaTypes.of(path.fileName()), policy.freshness(kind, null), gzipPlaylists, memory.now(),
            descriptors);
    memory.put(key, ref);
    return ref;
  }

  /** Runs blocking work on the file I/O pool; a full pool fails the future instead of throwing. */
  private <T> CompletableFuture<T> onFileIo(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, fileIo);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CachedFile read(SafePath path, ContentKind kind, FileMeta expected) {
    FileMeta meta = expected;
    for (int attempt = 1; ; attempt++) {
      ByteBuf body = allocator.directBuffer((int) meta.size(), (int) meta.size());
      boolean done = false;
      try {
        // Short when a packager renamed a new version over the file between its stat and this open.
        boolean whole = readFully(meta, body);
        String text = whole && kind == ContentKind.PLAYLIST ? body.toString(StandardCharsets.UTF_8) : null;
        PlaylistType type = text == null ? null : PlaylistType.scan(text);
        LowLatency lowLatency =
            live != null && type != null && type.variant() == PlaylistType.Variant.LIVE ? LowLatency.parse(text) : LowLatency.NONE;
        if (lowLatency.blocks()) {
          live.watchFolderOf(path); // before the check below: a change after it is seen by the watch
        }
        Library.Lookup after = library.stat(path);
        if (whole && after.status() == Library.Status.FOUND && after.meta().sameVersion(meta)) {
          diskReads.increment();
          CachedFile file = entry(path, kind, meta, body, type, text, lowLatency);
          done = true;
          return file;
        }
        if (attempt == READ_ATTEMPTS || after.status() != Library.Status.FOUND || after.meta().size() > maxObjectBytes) {
          throw new CompletionException(new IOException("file kept changing while read: " + path));
        }
        meta = after.meta();
        pause(attempt);
      } catch (IOException e) {
        throw new CompletionException(e);
      } finally {
        if (!done) {
          body.release();
        }
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  /** The memory entry of a confirmed read: the body, its gzip copy and, for a live low-latency playlist, its extras. */
  private CachedFile entry(
      SafePath path, ContentKind kind, FileMeta meta, ByteBuf body, PlaylistType type, String text, LowLatency lowLatency) {
    Freshness freshness = policy.freshness(kind, type);
    ByteBuf gzip = gzipPlaylists && kind == ContentKind.PLAYLIST ? Compression.gzipOnce(body, allocator) : null;
    LiveVersion version = null;
    try {
      if (lowLatency.blocks()) {
        version = live.version(path, text, lowLatency);
      } else if (live != null && kind == ContentKind.PLAYLIST) {
        live.notLive(path);
      }
      return new CachedFile(body, gzip, meta, kind, MediaTypes.of(path.fileName()), freshness, gzipPlaylists, memory.now(), version);
    } catch (RuntimeException | Error e) {
      if (gzip != null) {
        gzip.release();
      }
      if (version != null) {
        version.release();
      }
      throw e;
    }
  }

  /** Reads the file's {@code meta.size()} bytes; false when it ended before (it was replaced or truncated). */
  private static boolean readFully(FileMeta meta, ByteBuf body) throws IOException {
    try (FileChannel channel = FileChannel.open(meta.file(), StandardOpenOption.READ)) {
      int length = (int) meta.size();
      long position = 0;
      while (position < length) {
        int n = body.writeBytes(channel, position, length - (int) position);
        if (n < 0) {
          return false;
        }
        position += n;
      }
      return true;
    }
  }

  /** The store's settings beyond the four it cannot do without. Not thread-safe; build once. */
  public static final class Builder {
    private final Library library;
    private final MemoryTier memory;
    private final CachePolicy policy;
    private final Executor fileIo;
    private ByteBufAllocator allocator = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
    private long maxObjectBytes = media.edge.config.ConfigLoader.defaults().cache().memoryMaxObjectBytes();
    private boolean gzipPlaylists;
    private long sendfileMinBytes = Long.MAX_VALUE;
    private int openFiles;
    private LibraryWatch watch;
    private int livePlaylists = 10_000;

    private Builder(Library library, MemoryTier memory, CachePolicy policy, Executor fileIo) {
      this.library = library;
      this.memory = memory;
      this.policy = policy;
      this.fileIo = fileIo;
    }

    /** Where bodies are allocated: the server's pooled allocator. */
    public Builder allocator(ByteBufAllocator allocator) {
      this.allocator = allocator;
      return this;
    }

    /** Files larger than this are never read into memory ({@code cache.memory-max-object-bytes}). */
    public Builder maxObjectBytes(long maxObjectBytes) {
      this.maxObjectBytes = maxObjectBytes;
      return this;
    }

    /**
     * Keep a gzip copy of each playlist read into memory, made once per file version, so that compressed
     * answers cost no compression per request ({@code http.gzip-playlists}).
     */
    public Builder gzipPlaylists(boolean gzipPlaylists) {
      this.gzipPlaylists = gzipPlaylists;
      return this;
    }

    /**
     * Files of at least this size (playlists excepted) are sent with {@code sendfile}; the memory tier
     * keeps only their answer ({@code cache.sendfile-min-bytes}); unset: never.
     */
    public Builder sendfileMinBytes(long sendfileMinBytes) {
      this.sendfileMinBytes = sendfileMinBytes;
      return this;
    }

    /** Descriptors of such files kept open at most, by their memory entries ({@code cache.open-files}). */
    public Builder openFiles(int openFiles) {
      this.openFiles = openFiles;
      return this;
    }

    /**
     * Serve live low-latency playlists (section 6.2.5 of draft-pantos-hls-rfc8216bis): their folders are
     * watched by {@code watch}, whose listener must invalidate changed keys in the memory tier; at most
     * {@code playlists} of them are remembered across versions (preload hints, removed date ranges).
     */
    public Builder lowLatency(LibraryWatch watch, int playlists) {
      this.watch = watch;
      this.livePlaylists = playlists;
      return this;
    }

    public ContentStore build() {
      return new ContentStore(this);
    }
  }
}
