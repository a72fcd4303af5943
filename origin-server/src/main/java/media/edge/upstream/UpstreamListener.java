package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Receives one upstream exchange. All calls for one fetch come from one event loop thread at a time, in
 * order: {@link #onHeaders} at most once, then {@link #onContent} any number of times, then exactly one of
 * {@link #onComplete} or {@link #onError}, after which nothing more is called. Calls must not block: they
 * run on the event loop that reads the connection.
 */
public interface UpstreamListener {
  /**
   * The final response's status and headers, hop-by-hop fields already removed (interim 1xx responses are
   * skipped). {@code upstream} is the {@code host:port} that answered.
   */
  void onHeaders(HttpResponse response, String upstream);

  /**
   * How to pace the response's body to this listener's reader; called before {@link #onHeaders}. A
   * listener that relays the body to a client pauses it while the client cannot take more.
   */
  default void onFlow(UpstreamFlow flow) {}

  /** A piece of the body, in order. Borrowed: valid only during the call; retain or copy it to keep it. */
  void onContent(ByteBuf chunk);

  /** The body is complete: Content-Length matched, the chunked terminator arrived, or there is no body. */
  void onComplete();

  /**
   * The response was followed by bytes that answer no request (the upstream is out of step): relay it,
   * but never store it. Called before the last {@link #onContent} and {@link #onComplete}, at most once.
   */
  default void onUntrusted() {}

  /** The fetch failed; terminal. {@code message} names the upstream and path, never the query string. */
  void onError(UpstreamFailure failure, String message);
}
