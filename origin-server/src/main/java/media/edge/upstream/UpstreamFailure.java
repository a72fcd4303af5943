package media.edge.upstream;

import java.util.Locale;

/** Why a fetch ended without a complete response; also the {@code outcome} tag of the request timer. */
public enum UpstreamFailure {
  /** No candidate upstream accepted a connection (refused, connect timeout, no route, pool queue full). */
  CONNECT,
  /** The last candidate's host name did not resolve, and had no last good addresses to fall back on. */
  DNS,
  /**
   * The last candidate's TLS handshake failed: its certificate did not verify (untrusted, expired, another
   * host name), it refused ours, or no protocol or cipher suite was shared.
   */
  TLS,
  /** No response headers within the response timeout, or no body bytes within the idle timeout. */
  TIMEOUT,
  /**
   * The connection was reset, or closed before any response arrived. A reset in the middle of a body is
   * reported here rather than as {@link #TRUNCATED}: it says the upstream aborted, not that it ended early.
   */
  RESET,
  /** The connection closed cleanly before Content-Length bytes or before the chunked terminator. */
  TRUNCATED,
  /** The response could not be decoded: bad status line, bad header, bad chunk size, unexpected 101. */
  MALFORMED,
  /**
   * The upstream sent bytes that answer no request (see {@link Desync}): right after this response, which
   * is then not trusted, or before this request was fully written.
   */
  DESYNC,
  /** {@link UpstreamClient#close()} ended the fetch. */
  CLOSED;

  /** The metric tag value: the lower-case name. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
