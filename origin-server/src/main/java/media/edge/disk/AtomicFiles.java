package media.edge.disk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe replacement of a file, as bazel's disk cache does it: write a temporary file in the
 * target's own folder, {@code fsync} it, then rename it over the target. A reader, or the process
 * after a crash, sees the old file or the whole new one, never a part of it: the rename is atomic
 * within a file system, and the data is on disk before the name points at it.
 *
 * <p>The folder itself is not synced after the rename. A crash right after it can lose the new name
 * (the entry is missing: a cache miss) but cannot expose a partial file, which is the property the
 * cache needs; syncing the folder would double the cost of every write for nothing more.
 *
 * <p>Stateless; safe from any thread.
 */
final class AtomicFiles {
  /** Temporary files end with this; {@link IndexRebuild} deletes any it finds at start-up. */
  static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * {@link #writeTemp}'s shape, so that the tier's tests can stand in a file system that fails as a
   * full or read-only one does, which a test cannot make happen for real without mounting one.
   */
  @FunctionalInterface
  interface TempWriter {
    Path writeTemp(Path target, ByteBuffer header, ByteBuf body, FileTime modified) throws IOException;
  }

  /**
   * Writes {@code header} then {@code body}'s readable bytes (left unconsumed) to a new temporary
   * file next to {@code target}, with {@code modified} as its modification time, and syncs it.
   * Returns the temporary file, to be {@link #publish published}; deletes it when anything fails.
   * The folder must exist: creating it is the caller's, who knows which links it must not follow
   * ({@link EntryPaths#ensureFolders}). The temporary file is created exclusively, so a link planted
   * at its name is never written through.
   */
  static Path writeTemp(Path target, ByteBuffer header, ByteBuf body, FileTime modified) throws IOException {
    Path folder = target.getParent();
    Path temp = folder.resolve(
        target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
    boolean written = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer[] parts = parts(header, body);
        long remaining = header.remaining() + (long) body.readableBytes();
        while (remaining > 0) {
          remaining -= channel.write(parts);
        }
        Files.setLastModifiedTime(temp, modified);
        channel.force(true);
      }
      written = true;
      return temp;
    } finally {
      if (!written) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Atomically gives {@code temp} the name {@code target}, replacing what was there: a file or a link
   * (the link itself, never its target). A folder at {@code target} makes it fail (EISDIR).
   */
  static void publish(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Replaces {@code target} with {@code content}, crash-safely. */
  static void replace(Path target, ByteBuffer content, FileTime modified) throws IOException {
    Path temp = writeTemp(target, content, Unpooled.EMPTY_BUFFER, modified);
    try {
      publish(temp, target);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  static boolean isTemp(String fileName) {
    return fileName.endsWith(TEMP_SUFFIX);
  }

  /** Best effort: a temporary file left behind is deleted at the next start-up. */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Nothing to do: start-up cleans temporary files.
    }
  }

  private static ByteBuffer[] parts(ByteBuffer header, ByteBuf body) {
    ByteBuffer[] bodyParts = body.nioBuffers();
    ByteBuffer[] parts = new ByteBuffer[bodyParts.length + 1];
    parts[0] = header;
    System.arraycopy(bodyParts, 0, parts, 1, bodyParts.length);
    return parts;
  }
}
