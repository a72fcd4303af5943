package media.edge.server;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling. A JVM shutdown hook cannot choose the exit status (a process killed
 * by SIGTERM exits 143), and orchestrators read a drained stop as success only with 0, so the
 * signals are caught directly; the action runs once, on its own thread.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on each SIGHUP (re-read the key file), on its own thread. */
  static void onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> new Thread(action, "edge-reload").start());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.debug("cannot handle SIGHUP: {}", e.toString());
    }
  }

  static void onTermination(Runnable action) {
    AtomicBoolean started = new AtomicBoolean();
    Runnable once =
        () -> {
          if (started.compareAndSet(false, true)) {
            Thread thread = new Thread(action, "edge-drain");
            thread.start();
          }
        };
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> once.run());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("cannot handle SIG{}: {}", name, e.toString());
      }
    }
  }
}
