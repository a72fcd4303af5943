package media.edge.disk;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * Rebuilds the {@link DiskIndex} at start-up from the folder alone: each entry's hash from its file
 * name, its size and last access from the directory walk's attributes (the modification time,
 * which the tier sets when it writes a file and refreshes when it reads one). No entry file is
 * opened, so start-up costs one {@code stat} per entry; contents are verified lazily, at read.
 *
 * <p>Also deletes the temporary files that a crash or a failed write left behind. Files that are not
 * the tier's (other names, other depths) are left alone and not counted.
 *
 * <p>Used by one thread, before the tier is shared.
 */
final class IndexRebuild extends SimpleFileVisitor<Path> {
  private final Path root;
  private final DiskIndex index;
  private int tempFilesDeleted;

  private IndexRebuild(Path root, int expectedEntries) {
    this.root = root;
    this.index = new DiskIndex(expectedEntries);
  }

  /** What a walk found. */
  record Result(DiskIndex index, int tempFilesDeleted) {}

  static Result scan(Path root, int expectedEntries) throws IOException {
    IndexRebuild rebuild = new IndexRebuild(root, expectedEntries);
    Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 3, rebuild);
    return new Result(rebuild.index, rebuild.tempFilesDeleted);
  }

  @Override
  public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
    if (dir.equals(root)) {
      return FileVisitResult.CONTINUE;
    }
    return isShardName(dir.getFileName().toString()) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
  }

  @Override
  public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
    if (!attrs.isRegularFile()) {
      return FileVisitResult.CONTINUE;
    }
    String name = file.getFileName().toString();
    int depth = root.relativize(file).getNameCount();
    if (depth == 1 && name.startsWith(BanList.FILE_NAME + ".") && AtomicFiles.isTemp(name)) {
      delete(file);
    } else if (depth == 3 && AtomicFiles.isTemp(name) && inItsShard(file, name)) {
      delete(file);
    } else if (depth == 3 && inItsShard(file, name)) {
      KeyHash hash = KeyHash.parse(name);
      if (hash != null) {
        long accessed = attrs.lastModifiedTime().toMillis();
        index.put(hash, new DiskIndex.Slot(attrs.size(), accessed));
      }
    }
    return FileVisitResult.CONTINUE;
  }

  @Override
  public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
    if (file.equals(root)) {
      throw e;
    }
    // A file deleted during the walk, or an unreadable folder: its entries are simply not indexed.
    return FileVisitResult.CONTINUE;
  }

  private void delete(Path file) {
    try {
      Files.delete(file);
      tempFilesDeleted++;
    } catch (NoSuchFileException e) {
      // Already gone.
    } catch (IOException e) {
      // Harmless where it is: never indexed, retried at the next start-up.
    }
  }

  /** Whether a file named {@code abcd...} sits in {@code ab/cd/}. */
  private static boolean inItsShard(Path file, String name) {
    Path shard = file.getParent();
    return name.length() >= KeyHash.HEX_LENGTH
        && shard.getFileName().toString().equals(name.substring(2, 4))
        && shard.getParent().getFileName().toString().equals(name.substring(0, 2));
  }

  private static boolean isShardName(String name) {
    return name.length() == 2 && isLowerHex(name.charAt(0)) && isLowerHex(name.charAt(1));
  }

  private static boolean isLowerHex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
  }
}
