package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an HTTP/2 connection that went quiet for {@code server.idle-timeout} or failed. On HTTP/1.1
 * {@link FileHandler} does this, but on HTTP/2 it sits in the streams' pipelines and never sees the
 * connection's events. Closing goes through Netty's HTTP/2 handler, so the client gets a GOAWAY.
 *
 * <p>Must sit last in an HTTP/2 connection's pipeline. Sharable: it keeps no state.
 */
@Sharable
final class ConnectionCloser extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCloser.class);

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("HTTP/2 connection error: {}", cause.toString());
    } else {
      LOG.warn("closing HTTP/2 connection after unexpected error", cause);
    }
    ctx.close();
  }
}
