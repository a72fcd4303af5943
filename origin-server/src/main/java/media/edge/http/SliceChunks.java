package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A memory body handed out in slices, for {@code ChunkedWriteHandler}, which asks for the next only
 * while the channel is writable. Under TLS this is what bounds a slow reader: a whole body written at
 * once would be encrypted at once, into copies as large as the body, whether or not the client reads.
 *
 * <p>Owns {@code body} until the last slice was taken or {@link #close} ran; confined to its event loop.
 */
final class SliceChunks implements ChunkedInput<ByteBuf> {
  private final ByteBuf body;
  private final int chunkBytes;
  private final long length;
  private boolean closed;

  SliceChunks(ByteBuf body, int chunkBytes) {
    this.body = body;
    this.chunkBytes = chunkBytes;
    this.length = body.readableBytes();
  }

  @Override
  public boolean isEndOfInput() {
    return closed || !body.isReadable();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      body.release();
    }
  }

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) {
    if (isEndOfInput()) {
      return null;
    }
    return body.readRetainedSlice(Math.min(chunkBytes, body.readableBytes()));
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long progress() {
    return length - body.readableBytes();
  }
}
