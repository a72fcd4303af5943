package media.edge.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server started, in order, to be stopped in the reverse order: by {@link EdgeServer#close()},
 * and by a start-up that fails half-way (a port in use, a disk tier that cannot open), which must not
 * leave event loops, thread pools, watchers or keys behind.
 *
 * <p>Not thread-safe: filled on the starting thread, closed once under the server's lock.
 */
final class Resources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  /** One thing to stop; may throw, which is logged and does not stop the others from closing. */
  @FunctionalInterface
  interface Closer {
    void close() throws Exception;
  }

  private final Deque<Closer> started = new ArrayDeque<>();

  /** Registers {@code closer} and returns {@code value}, for {@code x = resources.add(open(), x::close)}. */
  <T> T add(T value, Closer closer) {
    started.push(closer);
    return value;
  }

  /** Registers a step with nothing to return. */
  void add(Closer closer) {
    started.push(closer);
  }

  /** Stops everything registered, last first. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | Error e) {
        LOG.warn("stopping a part of the server failed", e);
      }
    }
  }
}
