package media.edge.upstream;

/**
 * Paces one upstream response to its reader: while paused, its connection is not read, so TCP's own
 * flow control holds the upstream back and a client that reads slowly (or not at all) makes the edge
 * hold a few buffers rather than the whole object. Only that upstream connection pauses, never its
 * event loop. Safe to call from any thread, any number of times, also after the exchange ended.
 */
public interface UpstreamFlow {
  /** Stops reading the response until {@link #resume}; bytes already read still arrive. */
  void pause();

  /** Reads the response again. */
  void resume();

  /** A flow that does nothing: for listeners that do not pace. */
  UpstreamFlow NONE = new UpstreamFlow() {
    @Override
    public void pause() {}

    @Override
    public void resume() {}
  };
}
