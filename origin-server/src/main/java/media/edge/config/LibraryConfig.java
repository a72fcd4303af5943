package media.edge.config;

import java.nio.file.Path;

/**
 * Where origin-mode files come from.
 *
 * @param root folder whose files are served; URL path = path relative to it ({@code library.root}); null
 *     for none, which only an edge (with {@code upstream.urls}) may have
 */
public record LibraryConfig(Path root) {}
