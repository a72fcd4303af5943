package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Ends an HTTP/2 connection that went quiet for {@code server.idle-timeout} or failed. On HTTP/1.1
 * {@link Http1Decoder} does this, but on HTTP/2 requests arrive on stream channels, which never see the
 * connection's events. Closing goes through Netty's HTTP/2 handler, so the client gets a GOAWAY.
 *
 * <p>Must sit last in an HTTP/2 connection's pipeline. Sharable: it keeps no state.
 */
@Sharable
final class ConnectionCloser extends ChannelInboundHandlerAdapter {
  private final ProtocolErrors errors;

  ConnectionCloser(ProtocolErrors errors) {
    this.errors = errors;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!closeWhenIdle(ctx, event)) {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.closeAfter(ctx, cause);
  }

  /** Closes the connection on {@code server.idle-timeout}'s event; false for any other event. */
  static boolean closeWhenIdle(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close();
      return true;
    }
    return false;
  }
}
