package media.edge.origin;

import media.edge.http.Representation;
import media.edge.metrics.CacheResult;

/** What a library lookup found: a representation to answer with, or a refusal. */
sealed interface Content permits Content.Found, Content.Refused {

  /**
   * A file to answer with.
   *
   * @param representation the answer: a body in memory, or a file to send
   * @param fromDisk the same answer read from the file, for when a body in memory was evicted before it
   *     could be taken; the same as {@code representation} for files sent from disk
   * @param tier memory (a fresh or revalidated entry) or disk (read by this lookup, or sent from disk)
   * @param file the memory entry, for a live playlist's other answers; null for files sent from disk
   */
  record Found(Representation representation, Representation fromDisk, CacheResult tier, CachedFile file)
      implements Content {}

  /** Not served: missing or forbidden. */
  record Refused(Library.Status status) implements Content {}
}
