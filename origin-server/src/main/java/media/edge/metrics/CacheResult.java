package media.edge.metrics;

/** Where a response's body came from, the {@code cache} tag. */
public enum CacheResult {
  /** Served from the memory tier without touching the disk. */
  MEMORY("memory"),
  /** Read from disk by this request (a memory miss or a file too large for memory). */
  DISK("disk"),
  /** Fetched from upstream by this request, or streamed to it while another request fetched it. */
  UPSTREAM("upstream"),
  /** Passed through to upstream uncached: unsafe methods, private answers, objects too large to buffer. */
  PASS("pass"),
  /** No body was looked up: an error, a 304, a preflight. */
  NONE("none");

  private final String tag;

  CacheResult(String tag) {
    this.tag = tag;
  }

  /** The tag value. */
  public String tag() {
    return tag;
  }
}
