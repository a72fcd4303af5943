package media.edge.disk;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An entry's path inside the cache folder handled without trusting what stands there: the shard
 * folders are made (or checked) without following a link, so that nothing the tier writes or deletes
 * lands outside the folder; and what blocks an entry's path is cleared only when that is safe.
 *
 * <p>Why: the folder may be shared with an operator, a backup tool or an attacker with local access,
 * and anything may be planted at a path the tier computes. A link is only a name, so deleting it
 * (never its target) is safe; an empty folder holds nothing; a non-empty folder or a special file may
 * be someone's, so it is left where it is and the entry simply goes without a file.
 *
 * <p>Stateless; safe from any thread. Races with someone changing the folder meanwhile are harmless:
 * {@link Files#delete} removes a link itself, never what it points to, and a folder only when empty.
 */
final class EntryPaths {
  /** What {@link #clearStray} found at an entry's path. */
  enum Found {
    /** Nothing, or an unreadable parent: no entry file either way. */
    NOTHING,
    /** A regular file: possibly the entry, left alone. */
    FILE,
    /** A link or an empty folder, now deleted. */
    REMOVED,
    /** A non-empty folder or a special file, left alone. */
    KEPT
  }

  private EntryPaths() {}

  /**
   * Makes sure both shard folders of {@code target} ({@code root/ab/cd/}) are real folders, creating
   * them if missing. A link at either is deleted and reported as a failure of this entry, so that the
   * write does not go through it; a file there is reported as well (and left alone).
   */
  static void ensureFolders(Path target) throws IOException {
    Path second = target.getParent();
    ensureFolder(second.getParent());
    ensureFolder(second);
  }

  private static void ensureFolder(Path folder) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      try {
        Files.createDirectory(folder);
        return;
      } catch (FileAlreadyExistsException raced) {
        attrs = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
    }
    if (attrs.isDirectory()) {
      return;
    }
    if (attrs.isSymbolicLink()) {
      Files.delete(folder);
      throw new FileSystemException(folder.toString(), null, "a link stood where a shard folder should be (deleted)");
    }
    throw new FileSystemException(folder.toString(), null, "Not a directory");
  }

  /**
   * Deletes a link or an empty folder standing at {@code path}, and says what was there. Never
   * follows a link and never deletes a regular file or a folder with anything in it.
   */
  static Found clearStray(Path path) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Found.NOTHING;
    }
    if (attrs.isRegularFile()) {
      return Found.FILE;
    }
    if (!attrs.isSymbolicLink() && !attrs.isDirectory()) {
      return Found.KEPT;
    }
    try {
      Files.delete(path);
      return Found.REMOVED;
    } catch (IOException e) {
      return Found.KEPT; // not empty (DirectoryNotEmptyException), or undeletable
    }
  }
}
