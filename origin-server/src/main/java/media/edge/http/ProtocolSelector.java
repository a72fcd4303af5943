package media.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import media.edge.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, completes the pipeline for the protocol ALPN chose: {@code h2}, or
 * {@code http/1.1}, which is also what a client that offered nothing gets. A failed handshake
 * (scanners, clients offering only old versions) is counted and logged at debug level only, since the
 * internet sends plenty.
 *
 * <p>Sits right after the {@code SslHandler} and removes itself once the protocol is set up; what
 * arrived meanwhile is passed on then. One instance per connection.
 */
final class ProtocolSelector extends ApplicationProtocolNegotiationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolSelector.class);

  private final DataChannelInitializer pipelines;
  private final ServerTls tls;

  ProtocolSelector(DataChannelInitializer pipelines, ServerTls tls) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.pipelines = pipelines;
    this.tls = tls;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      pipelines.http2(ctx.pipeline());
      return;
    }
    if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      pipelines.http1(ctx.pipeline(), true);
      return;
    }
    throw new IllegalStateException("ALPN chose a protocol not offered: " + protocol);
  }

  /**
   * Anything else before the protocol is set up (a reset in the middle of the handshake, from a
   * scanner or a client giving up) is a failed handshake too: counted, logged at debug, closed.
   * Netty's own handler would log it as a warning with its stack trace, and pass it on to be logged
   * again at the end of the pipeline.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    handshakeFailure(ctx, cause);
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    tls.handshakeFailed();
    LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
