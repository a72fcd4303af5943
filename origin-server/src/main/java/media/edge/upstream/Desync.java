package media.edge.upstream;

import java.util.Locale;

/**
 * When an upstream sent bytes that answer no request: the {@code when} tag of {@code
 * edge_upstream_desyncs_total}. Each closes the connection, because HTTP/1.1 frames responses only by
 * their order: a byte that answers nothing would otherwise be read as the answer to the next request on
 * that connection, and cached under that request's URL.
 */
enum Desync {
  /** In the same read, right after the end of a response: that response is dropped too. */
  AFTER_RESPONSE,
  /** While the connection waited in the pool with no request on it. */
  IDLE,
  /** After a request was begun but before it was fully written, so they cannot be its answer. */
  EARLY;

  /** The metric tag value: the lower-case name. */
  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
