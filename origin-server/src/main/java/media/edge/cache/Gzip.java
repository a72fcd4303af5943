package media.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses a playlist once, when it is read into memory. Playlists are small text read by every
 * player every few seconds; compressing per request cost about 16 µs each (bench/RESULTS.md),
 * once per file version it costs nothing per request.
 */
final class Gzip {
  private Gzip() {}

  /** The gzip form of {@code body}'s readable bytes (left untouched), in a new buffer. */
  static ByteBuf compress(ByteBuf body, ByteBufAllocator allocator) {
    ByteBuf out = allocator.directBuffer(Math.max(64, body.readableBytes() / 3));
    boolean done = false;
    try {
      try (OutputStream gzip = new BestGzip(new ByteBufOutputStream(out))) {
        body.getBytes(body.readerIndex(), gzip, body.readableBytes());
      }
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (!done) {
        out.release();
      }
    }
    return out;
  }

  /** Maximum compression: paid once per version, saved on every answer. */
  private static final class BestGzip extends GZIPOutputStream {
    BestGzip(OutputStream out) throws IOException {
      super(out, 8192);
      def.setLevel(Deflater.BEST_COMPRESSION);
    }
  }
}
