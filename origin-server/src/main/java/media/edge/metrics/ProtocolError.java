package media.edge.metrics;

/**
 * What ended a connection in error: the {@code reason} tag of {@code edge_protocol_errors_total}. Clients
 * cause all but {@link #INTERNAL} every day (a player closing a tab resets its connection), and attackers
 * cause them by the thousand, so they are counted rather than logged one by one.
 */
public enum ProtocolError {
  /** The peer reset or closed the connection under a write (ECONNRESET, EPIPE). */
  RESET("reset"),
  /** Bytes that are not TLS, or a handshake that failed. */
  TLS("tls"),
  /** An HTTP/2 protocol error: a bad frame, a stream reset storm (e.g. MadeYouReset), a flood. */
  HTTP2("http2"),
  /** Bytes that do not decode (PROXY protocol, HTTP framing in Netty's codecs). */
  DECODE("decode"),
  /** Anything else: a bug of ours, logged with its stack trace. */
  INTERNAL("internal");

  private final String tag;

  ProtocolError(String tag) {
    this.tag = tag;
  }

  /** The tag value. */
  public String tag() {
    return tag;
  }
}
