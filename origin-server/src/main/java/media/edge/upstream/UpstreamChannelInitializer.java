package media.edge.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Composes an upstream connection's pipeline and does nothing else:
 *
 * <pre>
 * IdleStateHandler (reader idle = idle timeout) -> ResponseGate -> ResponseDecoder -> HttpRequestEncoder
 *   -> ExchangeHandler
 * </pre>
 *
 * The decoder validates response headers. Netty's {@code HttpClientCodec} is not used: its decoder cannot
 * see bytes left over after a response nor the connection's state, which is what keeps an upstream that
 * sends more than it should from answering the next request (see {@link Desync}).
 */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {
  private final Duration responseTimeout;
  private final Duration idleTimeout;
  private final Desyncs desyncs;

  UpstreamChannelInitializer(Duration responseTimeout, Duration idleTimeout, Desyncs desyncs) {
    this.responseTimeout = responseTimeout;
    this.idleTimeout = idleTimeout;
    this.desyncs = desyncs;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    ResponseGate gate = new ResponseGate(desyncs);
    pipeline.addLast("idle", new IdleStateHandler(idleTimeout.toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    pipeline.addLast("gate", gate);
    pipeline.addLast("decoder", new ResponseDecoder(new HttpDecoderConfig().setValidateHeaders(true), gate, desyncs));
    pipeline.addLast("encoder", new HttpRequestEncoder());
    pipeline.addLast("exchange", new ExchangeHandler(gate, responseTimeout, idleTimeout));
  }
}
