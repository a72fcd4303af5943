package media.edge.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The budget of file descriptors that memory-tier entries keep open for {@code sendfile}, as nginx's
 * {@code open_file_cache max=} bounds its own: past it, a file is opened and closed per request, as
 * if nothing were kept. Descriptors are a process-wide resource (the kernel's per-process limit), so
 * they get their own bound rather than a share of the tier's byte weight.
 *
 * <p>Thread-safe: one atomic count.
 */
public final class OpenFiles {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  /** @param max descriptors kept open at most; 0 keeps none */
  public OpenFiles(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
    }
    this.max = max;
  }

  /** Takes one descriptor from the budget; false when it is spent. */
  public boolean tryAcquire() {
    while (true) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back one descriptor taken by {@link #tryAcquire}. */
  public void release() {
    open.decrementAndGet();
  }

  /** Descriptors kept open now. */
  public int open() {
    return open.get();
  }
}
