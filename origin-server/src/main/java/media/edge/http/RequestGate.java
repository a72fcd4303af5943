package media.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import media.edge.cmcd.Cmcd;
import media.edge.cmcd.CmcdReader;
import media.edge.hls.ContentKind;
import media.edge.metrics.Rejection;
import media.edge.token.TokenVerifier;

/**
 * The checks every request passes before a responder sees it, whatever the protocol and the mode; a
 * ladder of guard clauses, each ending in one status and one count:
 *
 * <ol>
 *   <li>decoding (400, 414, 431, 413, 417, 501, 505; the connection then closes);
 *   <li>method: OPTIONS is answered here (CORS preflight or {@code Allow}); a method the responder does
 *       not take gets 405 with {@code Allow};
 *   <li>built-in pages ({@link Pages}: the player page at {@code /} when it is on) are answered here,
 *       without a token;
 *   <li>target and path: no usable path, dot segments, encoded separators, control characters (400);
 *       hidden names (404, counted apart); the root or a folder (404);
 *   <li>loop: a request that already went through this node (508, edges only);
 *   <li>token (403, counted by reason);
 *   <li>then the request's CMCD is read ({@link CmcdReader}), which never refuses anything.
 * </ol>
 *
 * <p>The token is located first of all, so that no answer and no log line ever carries a path token.
 *
 * <p>Thread-safe: shared by every connection; per-request state lives in the {@link Exchange}.
 */
final class RequestGate {
  private static final Fields ALLOW = Fields.builder().add(HttpHeaderNames.ALLOW, CorsPolicy.ALLOWED_METHODS).build();

  private final Front front;

  RequestGate(Front front) {
    this.front = front;
  }

  Front front() {
    return front;
  }

  /** Checks {@code request} and hands it to the responder, or answers it; called on its event loop. */
  void accept(ChannelHandlerContext ctx, Request request, Wire wire) {
    long start = System.nanoTime();
    Channel channel = ctx.channel();
    ConnectionTracker.busy(channel);
    Exchange exchange = new Exchange(front, ctx, wire, request, start);
    String rawPath = request.rawPath();
    if (rawPath != null) {
      front.tokens.locate(rawPath, request, exchange);
    }
    Request.Failure failure = request.failure();
    if (failure != null) {
      if (failure != Request.Failure.FORBIDDEN) { // counted by admitsBody, by its reason
        front.metrics.rejected(switch (failure) {
          case URI_TOO_LONG -> Rejection.URI_TOO_LONG;
          case HEADERS_TOO_LARGE -> Rejection.HEADERS_TOO_LARGE;
          case BODY_TOO_LARGE -> Rejection.BODY_TOO_LARGE;
          case TIMEOUT -> Rejection.HEADER_TIMEOUT;
          default -> Rejection.MALFORMED;
        });
      }
      exchange.closeAfter();
      exchange.error(failure.status());
      return;
    }
    HttpMethod method = request.method();
    if (HttpMethod.OPTIONS.equals(method)) {
      exchange.options();
      return;
    }
    Responder responder = front.responder;
    if (!responder.allows(method)) {
      front.metrics.rejected(Rejection.METHOD);
      exchange.error(405, ALLOW);
      return;
    }
    if (rawPath == null) {
      reject(exchange, Rejection.BAD_PATH, 400);
      return;
    }
    if (responder.looped(request)) {
      front.metrics.rejected(Rejection.LOOP);
      exchange.error(508);
      return;
    }
    String client = front.proxies.client(ConnectionTracker.connection(channel), request);
    exchange.client(client);
    Representation page = front.pages.find(exchange.logPath());
    if (page != null) {
      answerPage(exchange, method, page);
      return;
    }
    SafePath path = SafePath.parse(exchange.logPath());
    switch (path.outcome()) {
      case BAD_REQUEST -> {
        reject(exchange, Rejection.BAD_PATH, 400);
        return;
      }
      case HIDDEN -> {
        reject(exchange, Rejection.HIDDEN_PATH, 404);
        return;
      }
      case NOT_FOUND -> {
        exchange.error(404);
        return;
      }
      default -> {
        // a safe path
      }
    }
    TokenVerifier.Verdict verdict = front.tokens.check(exchange.tokenText(), exchange.tokenMalformed(), path.slashed(), client);
    ContentKind kind = ContentKind.of(path.slashed());
    exchange.checked(path, kind, client, verdict == TokenGate.OPEN ? null : verdict);
    if (!verdict.accepted()) {
      front.metrics.tokenRejected(verdict.rejection());
      exchange.error(403);
      return;
    }
    if (front.cmcd.enabled()) {
      exchange.cmcd(readCmcd(request));
    }
    responder.respond(exchange);
  }

  /** A built-in page: GET and HEAD only, whatever the responder takes; no token is asked for. */
  private void answerPage(Exchange exchange, HttpMethod method, Representation page) {
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
      front.metrics.rejected(Rejection.METHOD);
      exchange.error(405, ALLOW);
      return;
    }
    exchange.respond(page);
  }

  /**
   * Whether a request may send a body larger than GET's allowance, judged on its head before any of the
   * body is read: its path must be one the gate would serve and its token must admit it. Counts a
   * refusal (by token reason, or as a bad path); the decoder then answers 403 and closes.
   */
  boolean admitsBody(ChannelHandlerContext ctx, Request request) {
    String rawPath = request.rawPath();
    if (rawPath == null) {
      front.metrics.rejected(Rejection.BAD_PATH);
      return false;
    }
    Located located = new Located();
    front.tokens.locate(rawPath, request, located);
    SafePath path = SafePath.parse(located.path);
    if (path.outcome() != SafePath.Outcome.OK) {
      front.metrics.rejected(Rejection.BAD_PATH);
      return false;
    }
    String client = front.proxies.client(ConnectionTracker.connection(ctx.channel()), request);
    TokenVerifier.Verdict verdict = front.tokens.check(located.token, located.malformed, path.slashed(), client);
    if (!verdict.accepted()) {
      front.metrics.tokenRejected(verdict.rejection());
      return false;
    }
    return true;
  }

  /** What the token locator found in a head, for {@link #admitsBody}. */
  private static final class Located implements TokenLocator.Sink {
    String token;
    String path;
    boolean malformed;

    @Override
    public void located(String token, TokenLocator.Source source, String path, boolean malformed) {
      this.token = token;
      this.path = path;
      this.malformed = malformed;
    }
  }

  private static final AsciiString CMCD_REQUEST = AsciiString.cached("cmcd-request");
  private static final AsciiString CMCD_OBJECT = AsciiString.cached("cmcd-object");
  private static final AsciiString CMCD_STATUS = AsciiString.cached("cmcd-status");
  private static final AsciiString CMCD_SESSION = AsciiString.cached("cmcd-session");

  /** Only requests with a good token are read: an anonymous client cannot write into the audience. */
  private Cmcd readCmcd(Request request) {
    return front.cmcd.read(
        request.queryParameter(CmcdReader.QUERY_PARAMETER),
        request.header(CMCD_REQUEST),
        request.header(CMCD_OBJECT),
        request.header(CMCD_STATUS),
        request.header(CMCD_SESSION));
  }

  private void reject(Exchange exchange, Rejection reason, int status) {
    front.metrics.rejected(reason);
    exchange.error(status);
  }
}
