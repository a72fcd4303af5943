package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) and deflate (zlib, RFC 1950) bodies of playlists: text that shrinks five- to ten-fold.
 * A playlist held in memory is compressed once per version at the highest level ({@link #gzipOnce}),
 * since every player reads it every few seconds; one rewritten per viewer is compressed per answer at
 * the default level ({@link #compress}), as nginx's {@code gzip_comp_level} 6 would.
 *
 * <p>Thread-safe: each thread reuses its own {@link Deflater}s, so an answer allocates no compressor.
 */
public final class Compression {
  private static final int PER_ANSWER_LEVEL = 6;
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final FastThreadLocal<Deflater[]> DEFLATERS =
      new FastThreadLocal<>() {
        @Override
        protected Deflater[] initialValue() {
          return new Deflater[] {
            new Deflater(PER_ANSWER_LEVEL, true), new Deflater(PER_ANSWER_LEVEL, false),
            new Deflater(Deflater.BEST_COMPRESSION, true)
          };
        }

        @Override
        protected void onRemoval(Deflater[] deflaters) {
          for (Deflater deflater : deflaters) {
            deflater.end();
          }
        }
      };

  private Compression() {}

  /** The gzip form of {@code body}'s readable bytes (left untouched) at the highest level, for keeping. */
  public static ByteBuf gzipOnce(ByteBuf body, ByteBufAllocator allocator) {
    return encode(body, allocator, true, DEFLATERS.get()[2]);
  }

  /** The gzip or deflate form of {@code body}'s readable bytes (left untouched), for one answer. */
  static ByteBuf compress(ByteBuf body, ByteBufAllocator allocator, boolean gzip) {
    return encode(body, allocator, gzip, DEFLATERS.get()[gzip ? 0 : 1]);
  }

  private static ByteBuf encode(ByteBuf body, ByteBufAllocator allocator, boolean gzip, Deflater deflater) {
    deflater.reset();
    ByteBuffer input = body.nioBuffer(body.readerIndex(), body.readableBytes());
    deflater.setInput(input.duplicate());
    deflater.finish();
    ByteBuf out = allocator.directBuffer(Math.max(64, body.readableBytes() / 3 + 32));
    boolean done = false;
    try {
      if (gzip) {
        out.writeBytes(GZIP_HEADER);
      }
      while (!deflater.finished()) {
        if (!out.isWritable()) {
          out.ensureWritable(Math.max(256, out.capacity()));
        }
        ByteBuffer target = out.nioBuffer(out.writerIndex(), out.writableBytes());
        out.writerIndex(out.writerIndex() + deflater.deflate(target));
      }
      if (gzip) {
        CRC32 crc = new CRC32();
        crc.update(input.duplicate());
        out.writeIntLE((int) crc.getValue());
        out.writeIntLE(body.readableBytes());
      }
      done = true;
      return out;
    } finally {
      if (!done) {
        out.release();
      }
    }
  }
}
