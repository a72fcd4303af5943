package media.edge.memory;

import io.netty.buffer.ByteBuf;
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

  /**
   * A duplicate of {@code buffer} (one this entry owns) with a reference of its own, which the caller
   * (usually Netty's write) releases; null when the entry was released meanwhile.
   */
  protected final ByteBuf retainedDuplicateOf(ByteBuf buffer) {
    if (!tryRetain()) {
      return null;
    }
    try {
      return buffer.retainedDuplicate();
    } finally {
      release();
    }
  }

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
