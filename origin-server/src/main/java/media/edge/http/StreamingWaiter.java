package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import media.edge.proxy.Fill;
import media.edge.proxy.FillWaiter;

/**
 * One client reading a response while it arrives from upstream. Signals from the upstream thread are
 * folded into at most one pending task on this channel's thread, which sends the headers as soon as
 * they are known and then every byte received since the last pass, as retained slices of the fill's
 * body (no copy). A range is answered from the bytes in its window as they arrive when the length is
 * known; otherwise, like a playlist that must carry the viewer's token, it waits for the whole body.
 *
 * <p>Confined to the channel's event loop except {@link #signal} and {@link #redirect}, which only
 * schedule work there.
 */
final class StreamingWaiter implements FillWaiter, Fill.VaryAware {
  private final ProxyResponder responder;
  private final ChannelHandlerContext ctx;
  private final Exchange exchange;
  private final ProxyResponder.Prepared prepared;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** A client that goes away while waiting must leave the fill at once, not when bytes next arrive. */
  private final ChannelFutureListener onClose = closed -> schedule();
  private Fill fill;
  private boolean finished;
  private HttpResponse head;
  private long offset;
  private long end = -1;
  private long sent;

  StreamingWaiter(ProxyResponder responder, ChannelHandlerContext ctx, Exchange exchange, ProxyResponder.Prepared prepared) {
    this.responder = responder;
    this.ctx = ctx;
    this.exchange = exchange;
    this.prepared = prepared;
  }

  ProxyResponder.Prepared prepared() {
    return prepared;
  }

  @Override
  public HttpHeaders forwarded() {
    return prepared.proxied().forwarded();
  }

  /** Called on the channel's thread once the lookup joined {@code fill}. */
  void attach(Fill fill) {
    this.fill = fill;
    ctx.channel().closeFuture().addListener(onClose);
    pump();
  }

  @Override
  public void signal() {
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        ctx.executor().execute(this::pump);
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
      ctx.executor().execute(() -> redirectNow(pass));
    } catch (RejectedExecutionException e) {
      // Shutting down: the connection closes with the event loop.
    }
  }

  private void redirectNow(boolean pass) {
    {
      if (finished) {
        return;
      }
      finished = true;
      fill = null;
      ctx.channel().closeFuture().removeListener(onClose);
      if (pass) {
        responder.pass(ctx, exchange, prepared);
      } else {
        responder.lookup(ctx, exchange, prepared);
      }
    }
  }

  private void pump() {
    scheduled.set(false);
    Fill current = fill;
    if (finished || current == null) {
      return;
    }
    if (!ctx.channel().isActive()) {
      done(current);
      return;
    }
    Fill.View view = current.view(this);
    if (!view.member()) {
      // The fill let go of this request (another variant, a private answer, too large): its
      // redirect is queued behind this task and answers it; nothing from this fill may be written.
      return;
    }
    boolean wrote = false;
    if (head == null) {
      if (!start(current, view)) {
        return;
      }
      // The headers go out at once: a player's first byte is the upstream's, not the first body piece's.
      wrote = true;
    }
    long limit = end >= 0 ? Math.min(end, view.available()) : view.available();
    while (offset < limit) {
      ByteBuf slice = current.slice(offset, limit);
      offset += slice.readableBytes();
      sent += slice.readableBytes();
      ctx.write(new DefaultHttpContent(slice));
      wrote = true;
    }
    if (view.phase() == Fill.Phase.FAILED) {
      // Cut off: a closed connection tells the player this body is broken, a short 200 would not.
      done(current);
      responder.handler().abort(ctx, exchange, head, sent);
      return;
    }
    boolean complete = view.phase() == Fill.Phase.DONE && offset >= (end >= 0 ? end : view.available());
    if (complete) {
      done(current);
      responder.handler().finishStreamed(ctx, exchange, head, sent);
    } else if (wrote) {
      ctx.flush();
    }
  }

  /**
   * Sends the headers once the fill can answer this request; false while it must wait. May also
   * answer the whole request (a finished fill, a failure, a 304, a HEAD).
   */
  private boolean start(Fill current, Fill.View view) {
    switch (view.phase()) {
      case WAITING:
        return false;
      case DONE:
        // Serve before leaving: the last waiter to leave may release the result.
        boolean served = responder.serveHit(ctx, exchange, view.result(), exchange.cache);
        done(current);
        if (!served) {
          responder.lookup(ctx, exchange, prepared);
        }
        return false;
      case FAILED:
        done(current);
        responder.error(ctx, exchange, view.failureStatus());
        return false;
      default:
        break;
    }
    boolean wantsRange = exchange.headers.contains(HttpHeaderNames.RANGE) && view.status() == 200;
    if (ProxyResponder.rewritesBody(exchange) || (wantsRange && view.contentLength() < 0)) {
      return false;
    }
    HttpHeaders headers = responder.responseHeaders(exchange, view.headers(), view.head());
    HttpResponseStatus status = HttpResponseStatus.valueOf(view.status());
    long length = bodiless(view.status()) ? 0 : view.contentLength();
    offset = 0;
    end = length;
    if (view.status() == 200) {
      String etag = headers.get(HttpHeaderNames.ETAG);
      if (etag != null && Preconditions.notModified(exchange.headers, etag, Long.MAX_VALUE)) {
        Responses.stripForNotModified(headers);
        done(current);
        responder.handler().finish(ctx, exchange, Responses.withoutBody(HttpResponseStatus.NOT_MODIFIED, headers), null);
        return false;
      }
      if (wantsRange && Preconditions.rangeApplies(exchange.headers, etag, Long.MIN_VALUE)) {
        ByteRange.Parsed range = ByteRange.parse(exchange.headers.get(HttpHeaderNames.RANGE), length);
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
          done(current);
          FullHttpResponse refused = responder.handler().errorResponse(exchange, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
          refused.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
          responder.handler().finish(ctx, exchange, refused, null);
          return false;
        }
        if (range.kind() == ByteRange.Kind.SATISFIABLE) {
          headers.set(HttpHeaderNames.CONTENT_RANGE, range.range().contentRange(length));
          status = HttpResponseStatus.PARTIAL_CONTENT;
          offset = range.range().first();
          end = range.range().last() + 1;
        }
      }
    }
    if (end >= 0) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, end - offset);
    } else {
      headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (exchange.head) {
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      done(current);
      responder.handler().finish(ctx, exchange, Responses.withoutBody(status, headers), null);
      return false;
    }
    head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
    ctx.write(head);
    return true;
  }

  /** Statuses whose responses never have a body, whatever Content-Length says (RFC 9110 section 6.4.1). */
  private static boolean bodiless(int status) {
    return status < 200 || status == 204 || status == 304;
  }

  private void done(Fill current) {
    finished = true;
    ctx.channel().closeFuture().removeListener(onClose);
    current.leave(this);
  }
}
