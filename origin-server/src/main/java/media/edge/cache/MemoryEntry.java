package media.edge.cache;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;

/**
 * Something the memory tier holds: a library file or a response fetched from upstream. The tier owns
 * one reference and its removal listener drops it; readers {@link #tryRetain} around taking a
 * duplicate of the body, which fails safely once the entry was evicted.
 */
public abstract class MemoryEntry extends AbstractReferenceCounted {

  /** Bytes held, for the tier's bound. */
  protected abstract int weight();

  /** Retains this entry unless it was already released by eviction. */
  public final boolean tryRetain() {
    try {
      retain();
      return true;
    } catch (IllegalReferenceCountException e) {
      return false;
    }
  }
}
