package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What {@link ExchangeHandler} reports about one request on one connection, on the channel's event loop:
 * {@link #onResponse} at most once, {@link #onBody} any number of times, then exactly one of {@link #onEnd}
 * or {@link #onFailure}. Implemented by a {@link Fetch}, which decides about retries, and by the health
 * checker's probes.
 */
interface ExchangeListener {
  /** The final response head, hop-by-hop fields removed. */
  void onResponse(HttpResponse response);

  /** Body bytes; borrowed, released after the call. */
  void onBody(ByteBuf content);

  /**
   * The response is complete. {@code reusable}: keep-alive, the request fully written and the connection
   * still open; when false the handler has already closed it.
   */
  void onEnd(boolean reusable);

  /**
   * The response about to end was followed by bytes that answer no request: it is complete by its own
   * framing, but must not be stored. Called before its last body bytes and {@link #onEnd}.
   */
  default void onUntrusted() {}

  /** The exchange failed; the handler has closed the connection. {@code progress} says how far it got. */
  void onFailure(UpstreamFailure failure, Progress progress, String detail);

  /** How far an exchange got before it failed: what decides whether it may be retried. */
  enum Progress {
    /** Nothing was written: any request may be resent. */
    NOT_SENT,
    /** The request was (perhaps partly) written, and no response byte came back. */
    SENT,
    /** Response bytes arrived: never resent. */
    RESPONSE_STARTED
  }
}
