package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.Rejection;

/**
 * Takes the client address from a PROXY protocol header (v1 or v2, decoded by Netty's
 * {@code HAProxyMessageDecoder} just before this handler), for L4 load balancers that cannot add
 * {@code X-Forwarded-For}. The address is believed only when the connection comes from a trusted
 * proxy; from anyone else the header is consumed and ignored, as nginx's realip module does. A
 * connection that does not start with a valid header is closed by the decoder's error, counted.
 *
 * <p>Sits right after the idle handler; removes itself once the header is read. Sharable: state
 * lives in a channel attribute.
 */
@Sharable
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
  /** The client address the PROXY header named, set only when the peer is a trusted proxy. */
  static final AttributeKey<String> SOURCE = AttributeKey.valueOf("edge.proxy-source");

  private static final AttributeKey<Boolean> REJECTED = AttributeKey.valueOf("edge.proxy-rejected");

  private final TrustedProxies proxies;
  private final EdgeMetrics metrics;

  ProxyProtocolHandler(TrustedProxies proxies, EdgeMetrics metrics) {
    this.proxies = proxies;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof HAProxyMessage)) {
      super.channelRead(ctx, msg);
      return;
    }
    HAProxyMessage header = (HAProxyMessage) msg;
    try {
      String source = header.sourceAddress();
      if (header.command() == HAProxyCommand.PROXY
          && source != null
          && proxies.trustsPeer(ctx.channel().remoteAddress())) {
        ctx.channel().attr(SOURCE).set(TrustedProxies.canonical(source));
      }
    } finally {
      ReferenceCountUtil.release(header);
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The decoder closes the channel itself and may report the same bad header more than once.
    if (ctx.channel().attr(REJECTED).setIfAbsent(Boolean.TRUE) == null) {
      metrics.rejected(Rejection.PROXY_PROTOCOL);
    }
    ctx.close();
  }
}
