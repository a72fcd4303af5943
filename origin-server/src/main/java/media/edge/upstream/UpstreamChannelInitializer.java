package media.edge.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Composes an upstream connection's pipeline and does nothing else:
 *
 * <pre>
 * [SslHandler, https:// only] -> IdleStateHandler (reader idle = idle timeout) -> ResponseGate
 *   -> ResponseDecoder -> HttpRequestEncoder -> ExchangeHandler
 * </pre>
 *
 * The decoder validates response headers. Netty's {@code HttpClientCodec} is not used: its decoder cannot
 * see bytes left over after a response nor the connection's state, which is what keeps an upstream that
 * sends more than it should from answering the next request (see {@link Desync}). The TLS handler is
 * made for the upstream's host and port: that names the server (SNI), is the name the certificate is
 * verified against, and keys the shared context's session cache, so reconnecting resumes a session.
 */
final class UpstreamChannelInitializer extends ChannelInitializer<Channel> {
  private final Duration responseTimeout;
  private final Duration idleTimeout;
  private final Desyncs desyncs;
  private final SslContext tls;
  private final Upstream upstream;
  private final long handshakeTimeoutMillis;

  /** A plaintext pipeline. */
  UpstreamChannelInitializer(Duration responseTimeout, Duration idleTimeout, Desyncs desyncs) {
    this(responseTimeout, idleTimeout, desyncs, null, null, 0);
  }

  /** With {@code tls} non-null, TLS to {@code upstream}, whose handshake may take {@code handshakeTimeout}. */
  UpstreamChannelInitializer(
      Duration responseTimeout, Duration idleTimeout, Desyncs desyncs, SslContext tls, Upstream upstream,
      long handshakeTimeoutMillis) {
    this.responseTimeout = responseTimeout;
    this.idleTimeout = idleTimeout;
    this.desyncs = desyncs;
    this.tls = tls;
    this.upstream = upstream;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (tls != null) {
      SslHandler handler = tls.newHandler(channel.alloc(), upstream.host(), upstream.port());
      handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
      pipeline.addLast("tls", handler);
    }
    ResponseGate gate = new ResponseGate(desyncs);
    pipeline.addLast("idle", new IdleStateHandler(idleTimeout.toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    pipeline.addLast("gate", gate);
    pipeline.addLast("decoder", new ResponseDecoder(new HttpDecoderConfig().setValidateHeaders(true), gate, desyncs));
    pipeline.addLast("encoder", new HttpRequestEncoder());
    pipeline.addLast("exchange", new ExchangeHandler(gate, responseTimeout, idleTimeout));
  }
}
