package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Hands each HTTP/2 stream's request to the gate with a {@link Http2Wire} of its own.
 *
 * <p>Sits last in a stream's pipeline, after the aggregator. Sharable: stateless.
 */
@Sharable
final class Http2Streams extends ChannelInboundHandlerAdapter {
  private final RequestGate gate;

  Http2Streams(RequestGate gate) {
    this.gate = gate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
    Exchange.writabilityChanged(ctx.channel());
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    gate.front().protocolErrors.closeAfter(ctx, cause);
  }
}
