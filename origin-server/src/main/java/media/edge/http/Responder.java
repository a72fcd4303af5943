package media.edge.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Answers the requests that passed the gate (decoding, method, path, loop and token checks), for one
 * mode of the server: the origin's library, or the edge's cache in front of upstreams. The mode is chosen
 * once, at start-up, by choosing the responder; no responder knows another, though one may be handed
 * another to fall back on (an edge with a library answers what the library lacks from its cache).
 *
 * <p>Implementations are shared by every connection and must be thread-safe; per-request state lives in
 * the {@link Exchange}.
 */
public interface Responder {
  /** Answers {@code exchange}, now or later, exactly once, through its methods; called on its event loop. */
  void respond(Exchange exchange);

  /** True when this responder answers {@code method}; the gate answers other methods 405. */
  boolean allows(HttpMethod method);

  /** The largest request body accepted for {@code method}; a larger one gets 413 before it is read. */
  int bodyAllowance(HttpMethod method);

  /** True when a request carries this node in its {@code Via}: the gate answers 508 rather than loop. */
  default boolean looped(Request request) {
    return false;
  }

  /** GET and HEAD have no body; a small allowance keeps odd clients working, more gets 413. */
  int BODILESS_ALLOWANCE = 8192;

  /** Answers nothing: every request for a found path gets 404. The end of a fallback chain. */
  Responder NOT_FOUND =
      new Responder() {
        @Override
        public void respond(Exchange exchange) {
          exchange.error(404);
        }

        @Override
        public boolean allows(HttpMethod method) {
          return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        }

        @Override
        public int bodyAllowance(HttpMethod method) {
          return BODILESS_ALLOWANCE;
        }
      };
}
