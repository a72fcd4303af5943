package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an HTTP/2 connection that went quiet for {@code server.idle-timeout} or failed. On HTTP/1.1
 * {@link Http1Decoder} does this, but on HTTP/2 requests arrive on stream channels, which never see the
 * connection's events. Closing goes through Netty's HTTP/2 handler, so the client gets a GOAWAY.
 *
 * <p>Must sit last in an HTTP/2 connection's pipeline. Sharable: it keeps no state.
 */
@Sharable
final class ConnectionCloser extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCloser.class);

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!closeWhenIdle(ctx, event)) {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeAfter(ctx, cause, LOG);
  }

  /** Closes the connection on {@code server.idle-timeout}'s event; false for any other event. */
  static boolean closeWhenIdle(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close();
      return true;
    }
    return false;
  }

  /**
   * Closes the connection after an error: what a client causes (a reset or broken pipe, bytes that
   * do not decode as TLS or HTTP) is routine and logged at debug; anything else is a bug and logged
   * with its stack trace.
   */
  static void closeAfter(ChannelHandlerContext ctx, Throwable cause, Logger log) {
    if (cause instanceof IOException || cause instanceof DecoderException || cause instanceof SSLException) {
      log.debug("connection error: {}", cause.toString());
    } else {
      log.warn("closing connection after unexpected error", cause);
    }
    ctx.close();
  }
}
