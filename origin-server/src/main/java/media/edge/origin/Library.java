package media.edge.origin;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import media.edge.http.SafePath;

/**
 * The folder of files served in origin mode. {@link #stat} follows symbolic links only as far as
 * the root: a link whose target lies outside the library is reported missing, so a packager's
 * convenience links work while a planted {@code ln -s /etc} does not; nor may a link lead to a
 * hidden file inside the root.
 *
 * <p>Blocking: call from a file I/O thread, never from an event loop. Immutable and thread-safe.
 */
public final class Library {
  private final Path root;

  private Library(Path root) {
    this.root = root;
  }

  /** Opens the library at {@code root}, which must exist (checked by the configuration). */
  public static Library open(Path root) throws IOException {
    return new Library(root.toRealPath());
  }

  /** The real path of the root. */
  public Path root() {
    return root;
  }

  /** The result of looking a path up: a readable regular file, or why not. */
  public enum Status {
    FOUND,
    NOT_FOUND,
    FORBIDDEN
  }

  /** A lookup result; {@code meta} is set when FOUND. */
  public record Lookup(Status status, FileMeta meta) {
    static final Lookup NOT_FOUND = new Lookup(Status.NOT_FOUND, null);
    static final Lookup FORBIDDEN = new Lookup(Status.FORBIDDEN, null);
  }

  /** True when a link led to a hidden name (.git, .env) that the request path itself did not show. */
  private static boolean hidden(Path relative) {
    for (Path segment : relative) {
      if (segment.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Finds the regular file a safe path names, resolving links and refusing any that leave the root. */
  public Lookup stat(SafePath path) {
    Path candidate = root.resolve(path.key());
    try {
      Path real = candidate.toRealPath();
      if (!real.startsWith(root) || hidden(root.relativize(real))) {
        return Lookup.NOT_FOUND;
      }
      BasicFileAttributes attributes =
          Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        return Lookup.NOT_FOUND;
      }
      if (!Files.isReadable(real)) {
        return Lookup.FORBIDDEN;
      }
      return new Lookup(Status.FOUND, FileMeta.of(real, attributes));
    } catch (NoSuchFileException e) {
      return Lookup.NOT_FOUND;
    } catch (AccessDeniedException e) {
      return Lookup.FORBIDDEN;
    } catch (IOException | SecurityException e) {
      return Lookup.NOT_FOUND;
    }
  }
}
