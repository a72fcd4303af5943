package media.edge.config;

import java.nio.file.Path;

/**
 * Where origin-mode files come from.
 *
 * @param root folder whose files are served; URL path = path relative to it ({@code library.root}); null
 *     for none, which only an edge (with {@code upstream.urls}) may have
 * @param watch watch the folders of live low-latency playlists for changes, which blocking reloads and
 *     preload hints need ({@code library.watch})
 * @param watchMaxFolders folders watched at most, each a kernel watch ({@code library.watch-max-folders})
 */
public record LibraryConfig(Path root, boolean watch, int watchMaxFolders) {
  /** The same library at another root. */
  public LibraryConfig withRoot(Path root) {
    return new LibraryConfig(root, watch, watchMaxFolders);
  }
}
