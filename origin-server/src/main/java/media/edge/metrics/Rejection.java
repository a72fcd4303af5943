package media.edge.metrics;

/** Why a request was refused before any lookup: the {@code reason} tag of {@code edge_http_rejections_total}. */
public enum Rejection {
  /** The request could not be parsed as HTTP/1.x. */
  MALFORMED("malformed"),
  /** Request line over {@code server.max-uri-bytes} (414). */
  URI_TOO_LONG("uri_too_long"),
  /** Header block over {@code server.max-header-bytes} (431). */
  HEADERS_TOO_LARGE("headers_too_large"),
  /** A path with bad escapes, dot segments, backslashes, NUL or encoded slashes (400). */
  BAD_PATH("bad_path"),
  /** A hidden segment such as .git or .env (404). */
  HIDDEN_PATH("hidden_path"),
  /** A method other than GET, HEAD and OPTIONS (405). */
  METHOD("method_not_allowed"),
  /** A connection without a valid PROXY protocol header where one is required (closed). */
  PROXY_PROTOCOL("proxy_protocol"),
  /** A request body larger than allowed (413). */
  BODY_TOO_LARGE("body_too_large"),
  /** A request that already passed through this node (its own name in {@code Via}): 508. */
  LOOP("loop"),
  /** A request that did not arrive whole within {@code server.header-timeout} of its first byte (408). */
  HEADER_TIMEOUT("header_timeout");

  private final String tag;

  Rejection(String tag) {
    this.tag = tag;
  }

  /** The tag value. */
  public String tag() {
    return tag;
  }
}
