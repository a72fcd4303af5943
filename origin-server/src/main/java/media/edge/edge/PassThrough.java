package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.RejectedExecutionException;
import media.edge.http.Answers;
import media.edge.http.Exchange;
import media.edge.http.Fields;
import media.edge.httpcache.Invalidation;
import media.edge.upstream.UpstreamCall;
import media.edge.upstream.UpstreamFailure;
import media.edge.upstream.UpstreamListener;
import media.edge.upstream.UpstreamRequest;

/**
 * One request sent upstream on its own and answered as the response arrives, never stored: unsafe
 * methods (whose success invalidates the stored URL, RFC 9111 section 4.4), answers a fill could not
 * share (private, no-store, Vary: *) and objects too large to buffer. A body in a content coding the
 * client's Accept-Encoding does not accept is refused with 406 and the upstream call abandoned, by the rule
 * stored bodies follow ({@link Answers#acceptsCodings}).
 *
 * <p>Callbacks arrive on the upstream connection's thread and hop to the exchange's, in order; a body
 * piece, borrowed for the call, is retained for the hop.
 */
final class PassThrough implements UpstreamListener {
  private static final Fields NOT_ACCEPTABLE_FIELDS =
      Fields.builder().add(HttpHeaderNames.VARY, "accept-encoding").build();
  private final EdgeCache cache;
  private final Exchange exchange;
  private final ProxyRequest request;
  private final ByteBuf body;
  private final boolean unsafe;
  private volatile boolean headersSent;
  private volatile UpstreamCall call;
  private volatile boolean refused;
  private int status;

  /** @param body the request body to send, owned by this object from now on, or null */
  PassThrough(EdgeCache cache, Exchange exchange, ProxyRequest request, ByteBuf body, boolean unsafe) {
    this.cache = cache;
    this.exchange = exchange;
    this.request = request;
    this.body = body;
    this.unsafe = unsafe;
  }

  void start() {
    try {
      call = cache.upstream().fetch(
          new UpstreamRequest(request.method(), request.pathAndQuery(), request.forwarded(), body, request.key()), this);
    } catch (IllegalArgumentException e) {
      // The upstream client refused a header or the target (and released the body).
      exchange.error(400);
    }
  }

  private void onLoop(Runnable task, ByteBuf held) {
    if (exchange.executor().inEventLoop()) {
      task.run();
      return;
    }
    try {
      exchange.executor().execute(task);
    } catch (RejectedExecutionException e) {
      if (held != null) {
        held.release();
      }
    }
  }

  @Override
  public void onHeaders(HttpResponse response, String upstream) {
    this.status = response.status().code();
    if (unsafe && Invalidation.invalidates(request.method(), status)) {
      // Before the answer is forwarded: a client that reads it and asks again must not get the stale copy.
      for (String target : Invalidation.targets(request.key(), response.headers(), exchange.request().header(HttpHeaderNames.HOST))) {
        cache.invalidate(target);
      }
    }
    String coding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (coding != null && status >= 200 && status != 204 && status != 304
        && !Answers.acceptsCodings(exchange.request().header(HttpHeaderNames.ACCEPT_ENCODING), coding)) {
      // The same rule as for stored bodies: bytes in a coding the client did not accept are never sent.
      refused = true;
      headersSent = true;
      onLoop(() -> exchange.error(406, NOT_ACCEPTABLE_FIELDS), null);
      UpstreamCall started = call;
      if (started != null) {
        started.cancel();
      }
      return;
    }
    long length = HttpUtil.getContentLength(response, -1L);
    var fields = cache.answerFields().of(response.headers(), request.kind());
    headersSent = true;
    onLoop(() -> exchange.startStream(status, fields, length, 0), null);
  }

  @Override
  public void onContent(ByteBuf chunk) {
    if (refused) {
      return;
    }
    ByteBuf piece = chunk.retain();
    onLoop(() -> {
      if (exchange.streaming()) {
        exchange.streamPiece(piece);
        exchange.flush();
      } else {
        piece.release();
      }
    }, piece);
  }

  @Override
  public void onComplete() {
    if (refused) {
      return;
    }
    onLoop(() -> {
      if (exchange.streaming()) {
        exchange.endStream();
      }
    }, null);
  }

  @Override
  public void onError(UpstreamFailure failure, String message) {
    if (refused) {
      return;
    }
    onLoop(() -> {
      if (!headersSent) {
        exchange.error(failure == UpstreamFailure.TIMEOUT ? 504 : 502);
      } else if (!exchange.ended()) {
        exchange.abortStream();
      }
    }, null);
  }
}
