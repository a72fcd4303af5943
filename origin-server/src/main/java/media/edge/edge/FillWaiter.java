package media.edge.edge;

/**
 * A client request waiting on a {@link Fill}. Both methods are called from the upstream connection's
 * thread (or whichever thread ends the fill) and must only schedule work on the waiter's own thread.
 */
public interface FillWaiter {

  /** Headers or bytes arrived, or the fill ended: look at {@link Fill#view(FillWaiter)} again. */
  void signal();

  /**
   * This fill cannot answer the waiter: the response varies on a header the waiter sent differently
   * ({@code pass} false: look up again), or it must not be shared, or it is too large to buffer
   * ({@code pass} true: fetch it alone, uncached).
   */
  void redirect(boolean pass);
}
