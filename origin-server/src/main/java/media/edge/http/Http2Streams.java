package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import media.edge.metrics.Rejection;

/**
 * Hands each HTTP/2 stream's request to the gate with a {@link Http2Wire} of its own. A stream whose
 * request is not whole within {@code server.header-timeout} of the read that opened it is reset and counted, as
 * an HTTP/1.1 request would get 408: a client cannot hold 128 half-sent requests per connection open
 * by pinging it.
 *
 * <p>Sits last in a stream's pipeline, after the aggregator. Sharable: its per-stream timer is a channel
 * attribute.
 */
@Sharable
final class Http2Streams extends ChannelInboundHandlerAdapter {
  /** Per stream: null before the request is timed, its timer while it is, TRUE once it is in. */
  private static final AttributeKey<Object> REQUEST_STATE = AttributeKey.valueOf("edge.h2.request-state");

  private final RequestGate gate;
  private final long headerTimeoutNanos;

  Http2Streams(RequestGate gate, long headerTimeoutNanos) {
    this.gate = gate;
    this.headerTimeoutNanos = headerTimeoutNanos;
  }

  /**
   * A read ended and the stream's request is still incomplete: start its clock. Most requests arrive
   * whole in the read that opened the stream (HEADERS with END_STREAM), so they never schedule a timer.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    if (headerTimeoutNanos > 0 && ctx.channel().attr(REQUEST_STATE).get() == null) {
      ctx.channel().attr(REQUEST_STATE).set(ctx.executor().schedule(() -> {
        gate.front().metrics.rejected(Rejection.HEADER_TIMEOUT);
        ctx.close(); // resets the stream
      }, headerTimeoutNanos, TimeUnit.NANOSECONDS));
    }
    super.channelReadComplete(ctx);
  }

  /** The request is in (or the stream is gone): no clock any more. */
  private static void requestEnded(ChannelHandlerContext ctx) {
    Object state = ctx.channel().attr(REQUEST_STATE).getAndSet(Boolean.TRUE);
    if (state instanceof ScheduledFuture<?> timer) {
      timer.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request) {
      requestEnded(ctx);
      gate.accept(ctx, new Http2Request(request), new Http2Wire(ctx));
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Exchange.writabilityChanged(ctx.channel()); // the stream's: its window and the connection's buffer
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    requestEnded(ctx);
    Exchange.writabilityChanged(ctx.channel());
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    gate.front().protocolErrors.closeAfter(ctx, cause);
  }
}
