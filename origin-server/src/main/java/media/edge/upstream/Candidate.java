package media.edge.upstream;

/**
 * An upstream a fetch may try, with its connection pool.
 *
 * @param parent the parent's index in the configuration, or -1 for an origin
 */
record Candidate(Upstream upstream, HostPool pool, int parent) {
  static final int ORIGIN = -1;

  boolean isParent() {
    return parent != ORIGIN;
  }
}
