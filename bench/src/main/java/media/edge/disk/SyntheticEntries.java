package media.edge.disk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A disk-tier folder filled quickly for measurements: entry files in the tier's own format and
 * layout ({@link EntryFormat}, {@link KeyHash}), written in parallel and without {@code fsync}
 * (durability is not what is measured; the tier's own writes would take one sync per entry).
 *
 * <p>Keys look like segment paths of a VOD library: {@code /vod/title-0042/720p/seg_00017.ts}.
 */
final class SyntheticEntries {
  private static final byte[] HEAD = "content-type: video/mp2t\r\n".getBytes(StandardCharsets.US_ASCII);

  private SyntheticEntries() {}

  static String key(int i) {
    return String.format("/vod/title-%04d/720p/seg_%05d.ts", i / 1000, i % 1000);
  }

  /** Writes entries {@code 0 .. count-1} with {@code bodyBytes} of random body each. */
  static void write(Path dir, int count, int bodyBytes) {
    byte[] body = new byte[bodyBytes];
    new SplittableRandom(7).nextBytes(body);
    long storedAt = System.currentTimeMillis();
    IntStream.range(0, count).parallel().forEach(i -> {
      byte[] key = key(i).getBytes(StandardCharsets.UTF_8);
      ByteBuf bodyBuf = Unpooled.wrappedBuffer(body);
      ByteBuffer header = EntryFormat.header(key, storedAt, HEAD, bodyBuf);
      Path file = KeyHash.of(key).file(dir);
      try {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer[] parts = {header, ByteBuffer.wrap(body)};
          while (parts[1].hasRemaining()) {
            channel.write(parts);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Deletes {@code dir} and everything in it, top-level shards in parallel (unlinks are slow on some disks). */
  static void deleteRecursively(Path dir) throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.toList();
    }
    children.parallelStream().forEach(child -> {
      try (Stream<Path> paths = Files.walk(child)) {
        for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Files.delete(dir);
  }
}
