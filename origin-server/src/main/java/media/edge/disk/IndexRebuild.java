package media.edge.disk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rebuilds the {@link DiskIndex} at start-up from the folder alone: each entry's hash from its file
 * name, its size and last access from one {@code stat} (the modification time, which the tier sets
 * when it writes a file and refreshes now and then when it reads one). No entry file is opened;
 * contents are verified lazily, at read.
 *
 * <p>Why it is shaped this way: with two levels of 256 shard folders, 100,000 entries are spread
 * over some 65,000 folders, so listing folders costs as much as the files. The folders are listed
 * with plain directory streams (a generic tree walk would also {@code stat} every folder), and the
 * 256 top-level shards are scanned as separate tasks on the tier's io executor, which overlaps the
 * system calls of a few threads.
 *
 * <p>Never follows a link: a shard folder that is a link (which could lead out of the cache folder)
 * is not descended into, and an entry name that is a link is not indexed. Where the platform offers
 * a {@link SecureDirectoryStream} (Linux does), each folder is opened relative to its parent's open
 * descriptor with {@code O_NOFOLLOW} and each file is looked at with {@code fstatat}, which costs no
 * more system calls than plain streams and leaves no window for a folder swapped for a link midway;
 * elsewhere, one {@code lstat} per folder checks it first.
 *
 * <p>Also deletes the temporary files that a crash or a failed write left behind. Files that are not
 * the tier's (other names, other depths, the wrong shard) are left alone and not indexed.
 *
 * <p>Thread-safe for its purpose: shard tasks share only the index, whose {@link DiskIndex#put} is
 * safe for distinct hashes, and a counter. It runs before the tier is shared.
 */
final class IndexRebuild {
  private final DiskIndex index = new DiskIndex(1024);
  private final AtomicInteger tempFilesDeleted = new AtomicInteger();

  private IndexRebuild() {}

  /** What a scan found. */
  record Result(DiskIndex index, int tempFilesDeleted) {}

  /**
   * Scans {@code root}, one task per top-level shard on {@code executor} (or on this thread, if it
   * refuses).
   *
   * @throws IOException when {@code root} itself cannot be listed
   */
  static Result scan(Path root, Executor executor) throws IOException {
    IndexRebuild rebuild = new IndexRebuild();
    List<CompletableFuture<Void>> shards = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      SecureDirectoryStream<Path> secure = secure(children);
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (isShardName(name)) {
          shards.add(rebuild.submit(() -> rebuild.scanShard(secure, child, name), executor));
        } else if (name.startsWith(BanList.FILE_NAME + ".") && AtomicFiles.isTemp(name)) {
          rebuild.deleteTemp(child);
        }
      }
      // Within the try: the shard tasks open their folders relative to this stream's descriptor.
      CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).join();
    }
    return new Result(rebuild.index, rebuild.tempFilesDeleted.get());
  }

  private CompletableFuture<Void> submit(Runnable task, Executor executor) {
    try {
      return CompletableFuture.runAsync(task, executor);
    } catch (RejectedExecutionException e) {
      task.run();
      return CompletableFuture.completedFuture(null);
    }
  }

  private void scanShard(SecureDirectoryStream<Path> parent, Path first, String firstName) {
    try (DirectoryStream<Path> children = openFolder(parent, first)) {
      SecureDirectoryStream<Path> secure = secure(children);
      for (Path second : children) {
        String secondName = second.getFileName().toString();
        if (isShardName(secondName)) {
          scanFolder(secure, second, firstName, secondName);
        }
      }
    } catch (NotDirectoryException e) {
      // A file with a shard's name: not the tier's.
    } catch (IOException e) {
      // Unreadable: its entries are not indexed, which only costs their space.
    }
  }

  private void scanFolder(SecureDirectoryStream<Path> parent, Path folder, String firstName, String secondName) {
    try (DirectoryStream<Path> files = openFolder(parent, folder)) {
      SecureDirectoryStream<Path> secure = secure(files);
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.length() < KeyHash.HEX_LENGTH || !name.startsWith(firstName) || !name.startsWith(secondName, 2)) {
          continue; // Not named after a hash of this shard.
        }
        if (name.length() == KeyHash.HEX_LENGTH) {
          indexEntry(secure, file, name);
        } else if (AtomicFiles.isTemp(name) && KeyHash.parse(name.substring(0, KeyHash.HEX_LENGTH)) != null) {
          deleteTemp(file);
        }
      }
    } catch (NotDirectoryException e) {
      // A file with a shard's name: not the tier's.
    } catch (IOException e) {
      // Unreadable, or a link (ELOOP): its entries are not indexed, which only costs their space.
    }
  }

  private void indexEntry(SecureDirectoryStream<Path> folder, Path file, String name) {
    KeyHash hash = KeyHash.parse(name);
    if (hash == null) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      attrs = folder != null
          ? folder.getFileAttributeView(file.getFileName(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes()
          : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // Deleted meanwhile, or unreadable: not indexed.
    }
    if (attrs.isRegularFile()) {
      index.put(hash, new DiskIndex.Slot(attrs.size(), attrs.lastModifiedTime().toMillis()));
    }
  }

  private void deleteTemp(Path file) {
    try {
      Files.delete(file);
      tempFilesDeleted.incrementAndGet();
    } catch (IOException e) {
      // Already gone, or undeletable: never indexed either way, and retried at the next start-up.
    }
  }

  /**
   * Lists {@code folder} without following a link to it: relative to {@code parent}'s descriptor
   * when there is one, else after an {@code lstat}.
   */
  private static DirectoryStream<Path> openFolder(SecureDirectoryStream<Path> parent, Path folder) throws IOException {
    if (parent != null) {
      return parent.newDirectoryStream(folder.getFileName(), LinkOption.NOFOLLOW_LINKS);
    }
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotDirectoryException(folder.toString());
    }
    return Files.newDirectoryStream(folder);
  }

  @SuppressWarnings("unchecked")
  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream) {
    return stream instanceof SecureDirectoryStream<?> secure ? (SecureDirectoryStream<Path>) secure : null;
  }

  private static boolean isShardName(String name) {
    return name.length() == 2 && isLowerHex(name.charAt(0)) && isLowerHex(name.charAt(1));
  }

  private static boolean isLowerHex(char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
  }
}
