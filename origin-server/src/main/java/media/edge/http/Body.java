package media.edge.http;

import io.netty.buffer.ByteBuf;

/**
 * Where the bytes of a {@link Representation} come from. The answer decided for a request takes its
 * window of them (all, a range, or none) without knowing which source it is.
 */
public sealed interface Body permits Body.InMemory, Body.InFile, Body.Arriving, Body.Empty {

  /**
   * Bytes held in memory by a cache entry (a library file, a stored upstream response).
   * Implementations are the entries themselves, which own the buffer and release it on eviction.
   */
  non-sealed interface InMemory extends Body {
    /**
     * A duplicate of the whole body with a reference of its own, which the caller writes or releases;
     * null when the entry was evicted meanwhile (the responder then looks it up again).
     */
    ByteBuf retainedBody();
  }

  /**
   * Bytes in a file, sent with {@code sendfile} where the connection allows it and in chunks
   * otherwise: a library file, or the body of a disk-tier entry, which starts after the entry's
   * header at {@code offset}.
   */
  record InFile(FileSource source, long offset) implements Body {}

  /**
   * Bytes still arriving from upstream: the representation describes what is known so far, and the
   * request's waiter writes the window as it arrives.
   */
  enum Arriving implements Body {
    INSTANCE
  }

  /** No bytes (a 204, a redirect without a body). */
  enum Empty implements Body {
    INSTANCE
  }
}
