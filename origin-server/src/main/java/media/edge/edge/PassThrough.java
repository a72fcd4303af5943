package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import media.edge.http.Answers;
import media.edge.http.Exchange;
import media.edge.httpcache.Invalidation;
import media.edge.upstream.UpstreamCall;
import media.edge.upstream.UpstreamFailure;
import media.edge.upstream.UpstreamFlow;
import media.edge.upstream.UpstreamListener;
import media.edge.upstream.UpstreamRequest;

/**
 * One request sent upstream on its own and answered as the response arrives, never stored: unsafe
 * methods (whose success invalidates the stored URL, RFC 9111 section 4.4), answers a fill could not
 * share (private, no-store, Vary: *) and objects too large to buffer. A body in a content coding the
 * client's Accept-Encoding does not accept is refused with 406 and the upstream call abandoned, by the rule
 * stored bodies follow ({@link Answers#acceptsCodings}).
 *
 * <p>The body keeps its client's pace: when the client's channel stops being writable the upstream
 * connection is paused ({@link UpstreamFlow}) until it drains, so twenty viewers that never read a 40 MB
 * object hold a few buffers each, not the object; one that takes nothing for {@code server.send-timeout}
 * is cut off ({@link Exchange#whenWritable}). A client that goes away cancels the upstream exchange.
 *
 * <p>Callbacks arrive on the upstream connection's thread and hop to the exchange's, in order; a body
 * piece, borrowed for the call, is retained for the hop. The pacing state is an atomic count and a
 * volatile flag, read on both threads.
 */
final class PassThrough implements UpstreamListener {
  /** Bytes on their way between the threads at which the upstream pauses, and below which it reads again. */
  static final long IN_FLIGHT_HIGH = 256 * 1024;
  static final long IN_FLIGHT_LOW = 64 * 1024;
  private final EdgeCache cache;
  private final Exchange exchange;
  private final ProxyRequest request;
  private final ByteBuf body;
  private final boolean unsafe;
  private volatile boolean headersSent;
  private volatile UpstreamFlow flow = UpstreamFlow.NONE;
  private volatile UpstreamCall call;
  private volatile boolean refused;
  private final ChannelFutureListener clientGone = closed -> cancel();
  /** Body bytes handed over by the upstream's thread and not yet written by the client's. */
  private final AtomicLong inFlight = new AtomicLong();
  /** The client's channel is not writable: set and cleared on the client's thread, read on both. */
  private volatile boolean clientBlocked;
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
      exchange.channel().closeFuture().addListener(clientGone);
      call = cache.upstream().fetch(
          new UpstreamRequest(request.method(), request.pathAndQuery(), request.forwarded(), body, request.key()), this);
    } catch (IllegalArgumentException e) {
      exchange.channel().closeFuture().removeListener(clientGone);
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

  private void cancel() {
    UpstreamCall current = call;
    if (current != null) {
      current.cancel();
    }
  }

  @Override
  public void onFlow(UpstreamFlow flow) {
    this.flow = flow;
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
      onLoop(() -> {
        exchange.channel().closeFuture().removeListener(clientGone);
        exchange.notAcceptable();
      }, null);
      cancel();
      return;
    }
    long length = HttpUtil.getContentLength(response, -1L);
    var fields = cache.answerFields().of(response.headers(), request.kind());
    headersSent = true;
    onLoop(() -> exchange.startStream(status, fields, length, 0), null);
  }

  /**
   * Counts the piece as in flight between the two threads; past {@link #IN_FLIGHT_HIGH} the upstream
   * pauses right here, on its own thread, so that a fast upstream cannot pile megabytes into the
   * client's task queue before the client's thread sees its channel is full.
   */
  @Override
  public void onContent(ByteBuf chunk) {
    if (refused) {
      return;
    }
    ByteBuf piece = chunk.retain();
    int size = piece.readableBytes();
    if (inFlight.addAndGet(size) > IN_FLIGHT_HIGH) {
      flow.pause();
      maybeResume(); // the client's thread may have drained it meanwhile, and found nothing to resume
    }
    onLoop(() -> {
      inFlight.addAndGet(-size);
      if (exchange.streaming()) {
        exchange.streamPiece(piece);
        exchange.flush();
        pace();
      } else {
        piece.release();
      }
    }, piece);
  }

  /** Pauses the upstream while the client cannot take more, until it can (or is cut off). */
  private void pace() {
    if (clientBlocked) {
      return;
    }
    if (exchange.channel().isWritable()) {
      maybeResume();
      return;
    }
    clientBlocked = true;
    flow.pause();
    exchange.whenWritable(() -> {
      clientBlocked = false;
      if (!exchange.channel().isActive() || exchange.ended()) {
        cancel(); // cut off or gone: the rest of the body is not worth the upstream's bandwidth
        return;
      }
      maybeResume();
    });
  }

  /** Reads upstream again unless the client is full or too much is still on its way to it; any thread. */
  private void maybeResume() {
    if (!clientBlocked && inFlight.get() <= IN_FLIGHT_LOW) {
      flow.resume();
    }
  }

  @Override
  public void onComplete() {
    if (refused) {
      return;
    }
    onLoop(() -> {
      exchange.channel().closeFuture().removeListener(clientGone);
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
      exchange.channel().closeFuture().removeListener(clientGone);
      if (!headersSent) {
        exchange.error(failure == UpstreamFailure.TIMEOUT ? 504 : 502);
      } else if (!exchange.ended()) {
        exchange.abortStream();
      }
    }, null);
  }
}
