package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * The bytes of one response while it arrives from upstream: written by the upstream connection's
 * thread, read concurrently by every waiter's thread as slices of what has arrived so far.
 *
 * <p>Why blocks rather than one growing buffer: growing a buffer moves its memory, which would pull
 * it from under readers on other threads. A body of known length gets one block of exactly that
 * size; a body of unknown length gets fixed 64 KiB blocks. Blocks never move.
 *
 * <p>Thread-safe for one writer and many readers: the writer copies bytes, then publishes the block
 * array and the new length through volatile fields; readers read the length first and never look
 * past it.
 */
final class FillBody {
  static final int BLOCK_BYTES = 64 * 1024;

  private final ByteBufAllocator allocator;
  private final long maxBytes;
  private final int blockBytes;
  private volatile ByteBuf[] blocks = new ByteBuf[0];
  private volatile long written;
  private boolean handedOver;

  /**
   * @param contentLength the announced length, or -1 when unknown
   * @param maxBytes the most bytes accepted; more fails {@link #append}
   */
  FillBody(ByteBufAllocator allocator, long contentLength, long maxBytes) {
    this.allocator = allocator;
    this.maxBytes = maxBytes;
    this.blockBytes = contentLength >= 0 ? (int) Math.max(1, contentLength) : BLOCK_BYTES;
  }

  /** Bytes received so far. */
  long written() {
    return written;
  }

  /** Copies {@code chunk} in (without consuming it); false when that would exceed the bound. */
  boolean append(ByteBuf chunk) {
    int remaining = chunk.readableBytes();
    if (written + remaining > maxBytes) {
      return false;
    }
    int index = chunk.readerIndex();
    ByteBuf[] current = blocks;
    while (remaining > 0) {
      ByteBuf last = current.length == 0 ? null : current[current.length - 1];
      if (last == null || !last.isWritable()) {
        last = allocator.directBuffer(blockBytes, blockBytes);
        current = Arrays.copyOf(current, current.length + 1);
        current[current.length - 1] = last;
        blocks = current;
      }
      int n = Math.min(remaining, last.writableBytes());
      last.writeBytes(chunk, index, n);
      index += n;
      remaining -= n;
    }
    written += chunk.readableBytes();
    return true;
  }

  /**
   * A retained slice starting at {@code from} and ending at {@code to} or at the end of the block
   * that holds {@code from}, whichever comes first; the caller loops for more.
   */
  ByteBuf retainedSlice(long from, long to) {
    ByteBuf[] current = blocks;
    int block = (int) (from / blockBytes);
    int offset = (int) (from % blockBytes);
    int length = (int) Math.min(to - from, blockBytes - offset);
    return current[block].retainedSlice(offset, length);
  }

  /**
   * The whole body as one buffer for the cache. A body that filled its one block exactly (a known
   * length) is that block, handed over: this object must not release it. Anything else (64 KiB
   * blocks, the last one part-filled) is copied once into a buffer of exact size, so the memory tier
   * weighs what it holds; the blocks stay this object's until {@link #release()}, since slices taken
   * from them may still be read.
   */
  ByteBuf handOver() {
    ByteBuf[] current = blocks;
    if (current.length == 1 && current[0].readableBytes() == current[0].capacity()) {
      handedOver = true;
      return current[0];
    }
    ByteBuf whole = allocator.directBuffer((int) written, (int) written);
    for (ByteBuf block : current) {
      whole.writeBytes(block, block.readerIndex(), block.readableBytes());
    }
    return whole;
  }

  /** Frees the blocks unless the only one was handed over. */
  void release() {
    if (handedOver) {
      return;
    }
    handedOver = true;
    for (ByteBuf block : blocks) {
      block.release();
    }
  }
}
