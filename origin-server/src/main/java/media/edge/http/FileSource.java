package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the bytes of a file answer ({@link Body.InFile}) come from: a descriptor its memory-tier entry
 * keeps open across requests, or, when there is none (no entry, or the {@link OpenFiles} budget is
 * spent), the file opened for the one request. Keeping the descriptor saves an {@code open} and a
 * {@code close} per request, which is what nginx's {@code open_file_cache} is for.
 *
 * <p>A kept descriptor follows the entry's version of the file: a file replaced by a rename keeps
 * being served, old bytes under old headers, until the entry is revalidated and replaced; a deleted
 * file, until then too. That is the same window in which the entry's metadata is trusted
 * ({@code cache.memory-revalidate}, {@code cache.immutable-revalidate}), and unlike opening the path
 * per request it never pairs one version's headers with another version's bytes.
 *
 * <p>Thread-safe: opening and closing are synchronized; a request takes a reference on the shared
 * channel, so closing the source (eviction) closes the descriptor only once the last region sent
 * from it is released. Regions use positional {@code sendfile}, so requests do not share a file
 * offset.
 */
public final class FileSource {
  private final Path file;
  private final OpenFiles budget;
  /** For a per-request source, the size of the version looked up; -1: not checked. */
  private final long expectedSize;
  private volatile SharedChannel shared;
  private boolean closed;

  private FileSource(Path file, OpenFiles budget, long expectedSize) {
    this.file = file;
    this.budget = budget;
    this.expectedSize = expectedSize;
  }

  private FileSource(Path file, OpenFiles budget) {
    this(file, budget, -1);
  }

  /** The file opened at send time is not the version that was looked up (a packager renamed a new one over it). */
  public static final class ChangedException extends IOException {
    ChangedException(Path file) {
      super("changed since it was looked up: " + file.getFileName());
    }
  }

  /** A source that opens the file for each request, whatever version is there then. */
  public static FileSource perRequest(Path file) {
    return new FileSource(file, null);
  }

  /**
   * A source that opens the file for each request and refuses ({@link ChangedException}) a file whose size
   * is no longer {@code size}: the answer's head, already decided, describes that version.
   */
  public static FileSource perRequest(Path file, long size) {
    return new FileSource(file, null, size);
  }

  /** Opens the path, checked against the version looked up. */
  private FileChannel openChecked() throws IOException {
    FileChannel opened = FileChannel.open(file, StandardOpenOption.READ);
    if (expectedSize >= 0 && opened.size() != expectedSize) {
      opened.close();
      throw new ChangedException(file);
    }
    return opened;
  }

  /**
   * A source over {@code channel}, already open, kept until {@link #close}: a disk-tier entry opened and
   * verified once. The caller took the descriptor's place in {@code budget}; it is given back when the
   * descriptor closes.
   */
  public static FileSource adopt(Path file, FileChannel channel, OpenFiles budget) {
    FileSource source = new FileSource(file, budget);
    source.shared = new SharedChannel(channel, budget);
    return source;
  }

  /** A source that keeps one descriptor open, while {@code budget} allows, until {@link #close}. */
  public static FileSource kept(Path file, OpenFiles budget) {
    return new FileSource(file, budget);
  }

  /**
   * The bytes {@code [position, position + count)} as a region for Netty to send (with
   * {@code sendfile} on the epoll and NIO transports). The caller writes or releases it.
   *
   * @throws IOException when the file cannot be opened (gone since it was looked up)
   */
  public FileRegion region(long position, long count) throws IOException {
    SharedChannel channel = sharedChannel();
    if (channel != null && channel.tryRetain()) {
      return new SharedRegion(channel, position, count);
    }
    return new DefaultFileRegion(openChecked(), position, count);
  }

  /**
   * The bytes {@code [position, position + count)} read in chunks of {@code chunkSize}, for a channel
   * that cannot take a file region (TLS, HTTP/2). Reads are positional, so they share the kept
   * descriptor as regions do. The caller (Netty's {@code ChunkedWriteHandler}) closes it.
   *
   * @throws IOException when the file cannot be opened (gone since it was looked up)
   */
  public ChunkedInput<ByteBuf> chunks(long position, long count, int chunkSize) throws IOException {
    SharedChannel channel = sharedChannel();
    if (channel != null && channel.tryRetain()) {
      try {
        return new SharedChunks(channel, position, count, chunkSize);
      } catch (IOException | RuntimeException e) {
        channel.release();
        throw e;
      }
    }
    FileChannel opened = openChecked();
    try {
      return new CheckedChunks(opened, position, count, chunkSize);
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** True when a descriptor is kept open now: for tests. */
  public boolean keepsDescriptor() {
    SharedChannel channel = shared;
    return channel != null && channel.refCnt() > 0;
  }

  /** Lets go of the kept descriptor; it closes once no request is still sending from it. */
  public synchronized void close() {
    closed = true;
    SharedChannel channel = shared;
    if (channel != null) {
      shared = null;
      channel.release();
    }
  }

  private SharedChannel sharedChannel() throws IOException {
    SharedChannel channel = shared;
    if (channel != null || budget == null) {
      return channel;
    }
    synchronized (this) {
      if (closed || shared != null || !budget.tryAcquire()) {
        return shared;
      }
      try {
        shared = new SharedChannel(FileChannel.open(file, StandardOpenOption.READ), budget);
      } catch (IOException | RuntimeException e) {
        budget.release();
        throw e;
      }
      return shared;
    }
  }

  /** One open descriptor, closed (and given back to the budget) when its last user releases it. */
  private static final class SharedChannel extends AbstractReferenceCounted {
    private final FileChannel channel;
    private final OpenFiles budget;

    SharedChannel(FileChannel channel, OpenFiles budget) {
      this.channel = channel;
      this.budget = budget;
    }

    boolean tryRetain() {
      try {
        retain();
        return true;
      } catch (IllegalReferenceCountException e) {
        return false;
      }
    }

    @Override
    protected void deallocate() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // a read-only descriptor: nothing was buffered that closing could lose
      } finally {
        budget.release();
      }
    }

    @Override
    public SharedChannel touch(Object hint) {
      return this;
    }
  }

  /**
   * Chunked reads that fail when the file ends before the answer does. Netty's {@code ChunkedNioFile}
   * returns an empty chunk at the end of a file that shrank after the response was planned, without
   * moving on, and {@code ChunkedWriteHandler} then writes empty chunks for ever while the channel
   * stays writable: a frozen event loop. Failing the read fails the write, and the handler closes.
   */
  private static class CheckedChunks extends ChunkedNioFile {
    CheckedChunks(FileChannel channel, long position, long count, int chunkSize) throws IOException {
      super(channel, position, count, chunkSize);
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
      ByteBuf chunk = super.readChunk(allocator);
      if (chunk != null && !chunk.isReadable() && !isEndOfInput()) {
        chunk.release();
        throw new IOException("file ended at byte " + currentOffset() + ", before the answer did (" + endOffset() + ")");
      }
      return chunk;
    }
  }

  /** Chunked reads of the shared channel; closing drops a reference instead of closing it. */
  private static final class SharedChunks extends CheckedChunks {
    private final SharedChannel channel;
    private boolean closed;

    SharedChunks(SharedChannel channel, long position, long count, int chunkSize) throws IOException {
      super(channel.channel, position, count, chunkSize);
      this.channel = channel;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        channel.release();
      }
    }
  }

  /**
   * A {@link DefaultFileRegion}, so that the epoll transport still sends it with {@code sendfile},
   * whose release drops a reference on the shared channel instead of closing it.
   */
  private static final class SharedRegion extends DefaultFileRegion {
    private final SharedChannel channel;

    SharedRegion(SharedChannel channel, long position, long count) {
      super(channel.channel, position, count);
      this.channel = channel;
    }

    @Override
    protected void deallocate() {
      channel.release();
    }
  }
}
