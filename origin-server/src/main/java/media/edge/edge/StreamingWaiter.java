package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import media.edge.http.Answer;
import media.edge.http.Exchange;

/**
 * One client reading a response while it arrives from upstream. Signals from the upstream thread are
 * folded into at most one pending task on the exchange's thread, which decides the answer as soon as the
 * headers are known (the same decision as for a stored response: conditionals, a range, compression) and
 * then sends every byte of its window received since the last pass, as retained slices of the fill's body
 * (no copy), as fast as the client takes them: while its channel is not writable the rest waits in the
 * fill. An answer that needs the whole body first (a range of unknown length, a playlist carrying
 * the viewer's token or compressed) waits for the fill to end and is answered from what it stored.
 *
 * <p>Confined to the exchange's event loop except {@link #signal} and {@link #redirect}, which only
 * schedule work there.
 */
final class StreamingWaiter implements FillWaiter, Fill.VaryAware {
  /** The most sent in one piece between two looks at the channel's writability. */
  static final int MAX_PIECE_BYTES = 256 * 1024;
  private final EdgeResponder responder;
  private final Exchange exchange;
  private final ProxyRequest request;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** A client that goes away while waiting must leave the fill at once, not when bytes next arrive. */
  private final ChannelFutureListener onClose = closed -> schedule();
  private Fill fill;
  private boolean finished;
  private boolean started;
  private long offset;
  private long end = -1;

  StreamingWaiter(EdgeResponder responder, Exchange exchange, ProxyRequest request) {
    this.responder = responder;
    this.exchange = exchange;
    this.request = request;
  }

  ProxyRequest request() {
    return request;
  }

  @Override
  public HttpHeaders forwarded() {
    return request.forwarded();
  }

  /** Called on the exchange's thread once the lookup joined {@code fill}. */
  void attach(Fill fill) {
    this.fill = fill;
    exchange.channel().closeFuture().addListener(onClose);
    pump();
  }

  @Override
  public void signal() {
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        exchange.executor().execute(this::pump);
      } catch (RejectedExecutionException e) {
        Fill current = fill;
        if (current != null) {
          current.leave(this);
        }
      }
    }
  }

  @Override
  public void redirect(boolean pass) {
    try {
      exchange.executor().execute(() -> redirectNow(pass));
    } catch (RejectedExecutionException e) {
      // Shutting down: the connection closes with the event loop.
    }
  }

  private void redirectNow(boolean pass) {
    if (finished) {
      return;
    }
    finished = true;
    fill = null;
    exchange.channel().closeFuture().removeListener(onClose);
    if (pass) {
      responder.pass(exchange, false);
    } else {
      responder.lookup(exchange, request);
    }
  }

  private void pump() {
    scheduled.set(false);
    Fill current = fill;
    if (finished || current == null) {
      return;
    }
    if (!exchange.channel().isActive()) {
      done(current);
      exchange.abortStream(); // recorded: a viewer who left is in the metrics and the log too
      return;
    }
    Fill.View view = current.view(this);
    if (!view.member()) {
      // The fill let go of this request (another variant, a private answer, too large): its redirect
      // is queued behind this task and answers it; nothing from this fill may be written.
      return;
    }
    boolean wrote = false;
    if (!started) {
      if (!start(current, view)) {
        return;
      }
      // The head goes out at once: a player's first byte is the upstream's, not the first body piece's.
      wrote = true;
    }
    long limit = end >= 0 ? Math.min(end, view.available()) : view.available();
    while (offset < limit) {
      if (!exchange.channel().isWritable()) {
        // Paced to the reader: the rest waits in the fill, not in this connection's send buffer (where a
        // TLS connection would hold an encrypted copy of it); cut off after server.send-timeout.
        exchange.whenWritable(this::schedule);
        break;
      }
      ByteBuf slice = current.slice(offset, Math.min(limit, offset + MAX_PIECE_BYTES));
      offset += slice.readableBytes();
      exchange.streamPiece(slice);
      wrote = true;
    }
    if (view.phase() == Fill.Phase.FAILED) {
      // Cut off: a closed connection tells the player this body is broken, a short 200 would not.
      done(current);
      exchange.abortStream();
      return;
    }
    // A window of known end is complete once its last byte went out, whether or not the fill is done:
    // a range, or a body whose length was announced, must not hold the connection until the upstream's
    // last byte (the next request on it would wait for that, or be cut off if the fill fails later).
    boolean complete = end >= 0 ? offset >= end : view.phase() == Fill.Phase.DONE && offset >= view.available();
    if (complete) {
      done(current);
      exchange.endStream();
    } else if (wrote) {
      exchange.flush();
    }
  }

  /**
   * Sends the head once the fill can answer this request; false while it must wait, or when the whole
   * request was answered here (a finished fill, a failure, a 304, a HEAD).
   */
  private boolean start(Fill current, Fill.View view) {
    switch (view.phase()) {
      case WAITING:
        return false;
      case DONE:
        // Serve before leaving: the last waiter to leave may release the result.
        boolean served = responder.serveHit(exchange, view.result(), exchange.cacheResult());
        done(current);
        if (!served) {
          responder.lookup(exchange, request);
        }
        return false;
      case FAILED:
        done(current);
        exchange.error(view.failureStatus());
        return false;
      default:
        break;
    }
    Answer answer = exchange.decide(view.arriving());
    switch (answer.kind()) {
      case NEEDS_WHOLE_BODY:
        return false;
      case FULL:
      case PARTIAL:
        offset = answer.first();
        end = answer.count() >= 0 ? answer.first() + answer.count() : -1;
        exchange.startStream(answer);
        if (!exchange.streaming()) {
          done(current); // a HEAD, or a status without a body: answered
          return false;
        }
        started = true;
        return true;
      default:
        done(current);
        exchange.send(answer);
        return false;
    }
  }

  private void done(Fill current) {
    finished = true;
    exchange.channel().closeFuture().removeListener(onClose);
    current.leave(this);
  }
}
