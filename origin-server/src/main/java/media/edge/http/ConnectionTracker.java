package media.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Knows every open data connection, for the {@code edge_connections_active} gauge and for draining:
 * on shutdown, idle keep-alive connections are closed at once and busy ones after their response.
 * An HTTP/2 connection is never marked busy (its streams are): closing it sends GOAWAY, and Netty's
 * HTTP/2 handler waits for the streams in flight, up to {@code server.drain-timeout}, before it closes.
 * It also holds the line at {@code server.max-connections}: a connection past it is closed on arrival
 * and counted, before it costs a buffer, so that the process keeps descriptors for its files and
 * upstreams and {@code /readyz} can tell the load balancer to send new viewers elsewhere.
 * Must sit first in the pipeline. Thread-safe (a {@link ChannelGroup}, channel attributes, volatile limits).
 */
@Sharable
public final class ConnectionTracker extends ChannelInboundHandlerAdapter {
  /** Set while a request on the channel is being answered. */
  private static final AttributeKey<Boolean> BUSY = AttributeKey.valueOf("edge.busy");

  /** Marks {@code channel} as answering a request: a drain lets it finish. */
  static void busy(Channel channel) {
    channel.attr(BUSY).set(Boolean.TRUE);
  }

  /** Marks {@code channel} as between requests: a drain closes it at once. */
  static void idle(Channel channel) {
    channel.attr(BUSY).set(Boolean.FALSE);
  }

  private final ChannelGroup channels = new DefaultChannelGroup("data", GlobalEventExecutor.INSTANCE);
  private volatile boolean draining;
  private volatile int max = Integer.MAX_VALUE;
  private volatile Runnable onRefused = () -> { };

  /** Sets {@code server.max-connections} and what counts a refusal; called once, before the port opens. */
  public void limit(int max, Runnable onRefused) {
    this.max = max;
    this.onRefused = onRefused;
  }

  /** True when a new connection would be refused. */
  public boolean full() {
    return channels.size() >= max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (draining) {
      ctx.close();
      return;
    }
    if (full()) {
      onRefused.run();
      ctx.close();
      return;
    }
    channels.add(ctx.channel());
    super.channelActive(ctx);
  }

  /**
   * The connection a request arrived on: the channel itself, or for an HTTP/2 stream its parent, which
   * carries the peer's address and the PROXY protocol's answer.
   */
  static Channel connection(Channel channel) {
    return channel instanceof Http2StreamChannel ? channel.parent() : channel;
  }

  /** Open connections now. */
  public long open() {
    return channels.size();
  }

  /** True once {@link #drain} was called: responses then carry {@code Connection: close}. */
  public boolean draining() {
    return draining;
  }

  /** Stops keep-alive: closes idle connections now; busy ones close after their current response. */
  public void drain() {
    draining = true;
    for (Channel channel : channels) {
      channel.eventLoop().execute(() -> {
        if (!Boolean.TRUE.equals(channel.attr(BUSY).get())) {
          channel.close();
        }
      });
    }
  }

  /** Closes every connection, finished or not. */
  public void closeAll() {
    channels.close().awaitUninterruptibly();
  }
}
