package media.edge.admin;

/**
 * Whether the server should receive traffic: false until the data port is bound and again from
 * the moment draining starts, so a load balancer stops sending before connections are closed.
 * Thread-safe (one volatile flag).
 */
public final class Readiness {
  private volatile boolean ready;

  /** Marks the server ready. */
  public void ready() {
    ready = true;
  }

  /** Marks the server not ready (draining). */
  public void draining() {
    ready = false;
  }

  /** True when {@code /readyz} answers 200. */
  public boolean isReady() {
    return ready;
  }
}
