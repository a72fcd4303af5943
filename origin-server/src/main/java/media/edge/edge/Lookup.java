package media.edge.edge;

import media.edge.metrics.CacheResult;

/** What the edge cache found for a request. */
public sealed interface Lookup permits Lookup.Hit, Lookup.Joined, Lookup.Refused {

  /**
   * A stored response to serve now.
   *
   * @param tier where it was found
   * @param owned true when this hit holds a reference of its own that its receiver must release
   */
  record Hit(StoredResponse response, CacheResult tier, boolean owned) implements Lookup {

    /** Drops the hit's own reference, if it has one. */
    public void done() {
      if (owned) {
        response.release();
      }
    }
  }

  /** The request joined an upstream fetch; it reads from {@code fill} as bytes arrive. */
  record Joined(Fill fill, boolean coalesced) implements Lookup {}

  /** No answer from the cache and none may be fetched: {@code only-if-cached} gets 504. */
  record Refused(int status) implements Lookup {}
}
