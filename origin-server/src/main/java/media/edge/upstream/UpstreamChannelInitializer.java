package media.edge.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Composes an upstream connection's pipeline and does nothing else:
 *
 * <pre>
 * IdleStateHandler (reader idle = idle timeout) -> ResponseBytes -> HttpClientCodec -> ExchangeHandler
 * </pre>
 *
 * The codec validates response headers and remembers each request's method, so that a response to HEAD
 * is read without a body.
 */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {
  private final Duration responseTimeout;
  private final Duration idleTimeout;

  UpstreamChannelInitializer(Duration responseTimeout, Duration idleTimeout) {
    this.responseTimeout = responseTimeout;
    this.idleTimeout = idleTimeout;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    ResponseBytes bytes = new ResponseBytes();
    pipeline.addLast("idle", new IdleStateHandler(idleTimeout.toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    pipeline.addLast("bytes", bytes);
    pipeline.addLast("codec", new HttpClientCodec(new HttpDecoderConfig().setValidateHeaders(true), false, false));
    pipeline.addLast("exchange", new ExchangeHandler(bytes, responseTimeout, idleTimeout));
  }
}
