package media.edge.upstream;

/** A fetch in progress, which its caller may abandon. */
@FunctionalInterface
public interface UpstreamCall {

  /**
   * Gives up on the exchange: its connection is closed rather than read to the end (a body the
   * caller will not use is not worth the upstream's bandwidth). The listener still gets its one
   * terminal callback, unless the exchange already ended. Safe from any thread, any number of times.
   */
  void cancel();
}
