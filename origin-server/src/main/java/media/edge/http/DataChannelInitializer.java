package media.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import media.edge.cache.ContentStore;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.metrics.EdgeMetrics;
import media.edge.proxy.EdgeCache;
import media.edge.metrics.Rejection;
import media.edge.token.TokenVerifier;

/**
 * Composes the data-port pipeline and does nothing else:
 *
 * <pre>
 * ConnectionTracker -> IdleStateHandler -> [HAProxyMessageDecoder -> ProxyProtocolHandler]
 *   -> HttpServerCodec -> HttpServerKeepAliveHandler
 *   -> PlaylistCompressor (optional) -> HttpObjectAggregator -> FlowControlHandler -> FileHandler
 * </pre>
 *
 * The channel must be created with auto-read off: {@link FileHandler} reads one request at a time.
 */
public final class DataChannelInitializer extends ChannelInitializer<Channel> {
  /** GET and HEAD have no body; a small allowance keeps odd clients working, more gets 413. */
  private static final int MAX_BODY_BYTES = 8192;
  /** An edge passes POST and PUT bodies upstream; they are buffered whole, so they stay small. */
  private static final int MAX_PASSED_BODY_BYTES = 1024 * 1024;

  private final EdgeConfig config;
  private final ConnectionTracker connections;
  private final FileHandler files;
  private final EdgeMetrics metrics;
  private final ProxyProtocolHandler proxyProtocol;
  private final int maxBodyBytes;

  /** An origin: no upstream. */
  public DataChannelInitializer(
      EdgeConfig config,
      ContentStore store,
      CachePolicy cachePolicy,
      EdgeMetrics metrics,
      ConnectionTracker connections,
      TokenVerifier verifier,
      Clock clock) {
    this(config, store, cachePolicy, metrics, connections, verifier, clock, null, "");
  }

  /**
   * Builds the shared handlers once; per-channel ones are made in {@link #initChannel}.
   *
   * @param store the library, or null for an edge without one
   * @param edge the edge cache, or null for an origin
   * @param nodeName this node's name in {@code Via}
   */
  public DataChannelInitializer(
      EdgeConfig config,
      ContentStore store,
      CachePolicy cachePolicy,
      EdgeMetrics metrics,
      ConnectionTracker connections,
      TokenVerifier verifier,
      Clock clock,
      EdgeCache edge,
      String nodeName) {
    this.config = config;
    this.connections = connections;
    this.metrics = metrics;
    HttpDates dates = new HttpDates(clock);
    TrustedProxies proxies = TrustedProxies.of(config.server().trustedProxies());
    this.proxyProtocol = config.server().proxyProtocol() ? new ProxyProtocolHandler(proxies, metrics) : null;
    CorsPolicy cors = new CorsPolicy(config.http().cors());
    Responses responses = new Responses(dates, cors, cachePolicy, config.http().gzipPlaylists());
    this.maxBodyBytes = edge == null ? MAX_BODY_BYTES : MAX_PASSED_BODY_BYTES;
    this.files =
        new FileHandler(
            store,
            responses,
            metrics,
            new AccessLog(config.log().access(), clock),
            connections,
            new TokenGate(config.tokens(), verifier),
            proxies,
            dates,
            config.tokens().setCookie(),
            edge,
            cors,
            nodeName);
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("connections", connections);
    pipeline.addLast(
        "idle", new IdleStateHandler(true, 0, 0, config.server().idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    if (proxyProtocol != null) {
      pipeline.addLast("proxy-decoder", new HAProxyMessageDecoder());
      pipeline.addLast("proxy-protocol", proxyProtocol);
    }
    pipeline.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(config.server().maxUriBytes())
                .setMaxHeaderSize(config.server().maxHeaderBytes())));
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    if (config.http().gzipPlaylists()) {
      pipeline.addLast("compressor", new PlaylistCompressor());
    }
    pipeline.addLast(
        "aggregator",
        new HttpObjectAggregator(maxBodyBytes, true) {
          @Override
          protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
              throws Exception {
            metrics.rejected(Rejection.BODY_TOO_LARGE);
            super.handleOversizedMessage(ctx, oversized);
          }
        });
    pipeline.addLast("flow", new FlowControlHandler());
    pipeline.addLast("files", files);
  }
}
