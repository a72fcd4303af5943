package media.edge.admin;

import java.util.function.BooleanSupplier;

/**
 * Whether the server should receive traffic: false until the data port is bound, while it cannot take
 * another connection ({@code server.max-connections}), and from the moment draining starts, so a load
 * balancer stops sending before connections are refused or closed. Thread-safe (volatile fields).
 */
public final class Readiness {
  private volatile boolean ready;
  private volatile BooleanSupplier full = () -> false;

  /** What says the data port cannot take another connection now. */
  public void capacity(BooleanSupplier full) {
    this.full = full;
  }

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
    return ready && !full.getAsBoolean();
  }
}
