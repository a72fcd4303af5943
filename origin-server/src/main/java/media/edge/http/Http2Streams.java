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
 * request is not whole within {@code server.header-timeout} of its first frame is reset and counted, as
 * an HTTP/1.1 request would get 408: a client cannot hold 128 half-sent requests per connection open
 * by pinging it.
 *
 * <p>Sits last in a stream's pipeline, after the aggregator. Sharable: its per-stream timer is a channel
 * attribute.
 */
@Sharable
final class Http2Streams extends ChannelInboundHandlerAdapter {
  private static final AttributeKey<ScheduledFuture<?>> REQUEST_TIMER = AttributeKey.valueOf("edge.h2.request-timer");

  private final RequestGate gate;
  private final long headerTimeoutNanos;

  Http2Streams(RequestGate gate, long headerTimeoutNanos) {
    this.gate = gate;
    this.headerTimeoutNanos = headerTimeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (headerTimeoutNanos > 0) {
      ctx.channel().attr(REQUEST_TIMER).set(ctx.executor().schedule(() -> {
        gate.front().metrics.rejected(Rejection.HEADER_TIMEOUT);
        ctx.close(); // resets the stream
      }, headerTimeoutNanos, TimeUnit.NANOSECONDS));
    }
  }

  private static void cancelTimer(ChannelHandlerContext ctx) {
    ScheduledFuture<?> timer = ctx.channel().attr(REQUEST_TIMER).getAndSet(null);
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    cancelTimer(ctx);
    if (msg instanceof FullHttpRequest request) {
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
    cancelTimer(ctx);
    Exchange.writabilityChanged(ctx.channel());
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    gate.front().protocolErrors.closeAfter(ctx, cause);
  }
}
