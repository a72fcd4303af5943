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
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import media.edge.cache.ContentStore;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.metrics.EdgeMetrics;
import media.edge.proxy.EdgeCache;
import media.edge.metrics.Rejection;
import media.edge.tls.ServerTls;
import media.edge.token.TokenVerifier;

/**
 * Composes the data-port pipeline and does nothing else. Plaintext:
 *
 * <pre>
 * ConnectionTracker -> IdleStateHandler -> [HAProxyMessageDecoder -> ProxyProtocolHandler] -> HTTP/1.1
 * </pre>
 *
 * With TLS ({@code server.tls.*}), the {@code SslHandler} of the context in force and a
 * {@link ProtocolSelector} follow; after the handshake the selector adds HTTP/1.1 or HTTP/2:
 *
 * <pre>
 * HTTP/1.1: HttpServerCodec -> HttpServerKeepAliveHandler -> PlaylistCompressor (optional)
 *   -> HttpObjectAggregator -> FlowControlHandler -> [ChunkedWriteHandler, under TLS] -> FileHandler
 * HTTP/2:   Http2FrameCodec -> Http2MultiplexHandler -> ConnectionCloser, and per stream
 *   Http2RequestCodec -> PlaylistCompressor (optional) -> HttpObjectAggregator -> ChunkedWriteHandler -> FileHandler
 * </pre>
 *
 * The same {@link FileHandler} answers both protocols, so HTTP/2 has every feature of HTTP/1.1.
 * The channel must be created with auto-read off: on HTTP/1.1 {@link FileHandler} reads one request
 * at a time; on HTTP/2 reading is turned on, and the protocol's own flow control takes over.
 */
public final class DataChannelInitializer extends ChannelInitializer<Channel> {
  /** GET and HEAD have no body; a small allowance keeps odd clients working, more gets 413. */
  private static final int MAX_BODY_BYTES = 8192;
  /** An edge passes POST and PUT bodies upstream; they are buffered whole, so they stay small. */
  private static final int MAX_PASSED_BODY_BYTES = 1024 * 1024;
  /** Streams one HTTP/2 connection may have open at once; a player needs a handful. */
  private static final int MAX_CONCURRENT_STREAMS = 128;

  private final EdgeConfig config;
  private final ConnectionTracker connections;
  private final FileHandler files;
  private final EdgeMetrics metrics;
  private final ProxyProtocolHandler proxyProtocol;
  private final int maxBodyBytes;
  private final ServerTls tls;
  private final Http2RequestCodec streamCodec = new Http2RequestCodec();
  private final ConnectionCloser closer = new ConnectionCloser();
  private final ChannelInitializer<Http2StreamChannel> streams =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Http2StreamChannel stream) {
          initStream(stream.pipeline());
        }
      };

  /** An origin: no upstream. */
  public DataChannelInitializer(
      EdgeConfig config,
      ContentStore store,
      CachePolicy cachePolicy,
      EdgeMetrics metrics,
      ConnectionTracker connections,
      TokenVerifier verifier,
      Clock clock) {
    this(config, store, cachePolicy, metrics, connections, verifier, clock, null, "", null);
  }

  /**
   * Builds the shared handlers once; per-channel ones are made in {@link #initChannel}.
   *
   * @param store the library, or null for an edge without one
   * @param edge the edge cache, or null for an origin
   * @param nodeName this node's name in {@code Via}
   * @param tls the TLS context in force, or null for plaintext HTTP/1.1
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
      String nodeName,
      ServerTls tls) {
    this.config = config;
    this.connections = connections;
    this.metrics = metrics;
    this.tls = tls;
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
    if (tls == null) {
      http1(pipeline, false);
      return;
    }
    // The context in force now: a reload changes what later connections get, never this one.
    pipeline.addLast("tls", tls.get().newHandler(channel.alloc()));
    pipeline.addLast("alpn", new ProtocolSelector(this, tls));
  }

  /** HTTP/1.1, on the socket or after TLS; under TLS files go out in chunks ({@link ZeroCopy}). */
  void http1(ChannelPipeline pipeline, boolean secure) {
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
    pipeline.addLast("aggregator", aggregator(maxBodyBytes));
    pipeline.addLast("flow", new FlowControlHandler());
    if (secure) {
      pipeline.addLast("chunked", new ChunkedWriteHandler());
    }
    pipeline.addLast("files", files);
  }

  /**
   * HTTP/2 after TLS: a stream per request, each with its own small pipeline ({@link #initStream}).
   * Closing the connection (drain, idle) sends GOAWAY and gives open streams up to
   * {@code server.drain-timeout} to finish.
   */
  void http2(ChannelPipeline pipeline) {
    pipeline.addLast(
        "h2",
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                    // HTTP/2 has no request line: the path counts against the header list.
                    .maxHeaderListSize((long) config.server().maxHeaderBytes() + config.server().maxUriBytes()))
            .gracefulShutdownTimeoutMillis(config.server().drainTimeout().toMillis())
            .build());
    pipeline.addLast("h2-streams", new Http2MultiplexHandler(streams));
    pipeline.addLast("h2-close", closer);
    pipeline.channel().config().setAutoRead(true);
  }

  private void initStream(ChannelPipeline pipeline) {
    pipeline.addLast("h2-codec", streamCodec);
    if (config.http().gzipPlaylists()) {
      pipeline.addLast("compressor", new PlaylistCompressor());
    }
    // GET and HEAD's allowance only, even on an edge: a stream's body is aggregated before its token
    // is checked, and 128 streams of 1 MiB would let one unauthenticated connection hold 128 MiB.
    // POST and PUT pass upstream over HTTP/1.1; players send neither.
    pipeline.addLast("aggregator", aggregator(MAX_BODY_BYTES));
    pipeline.addLast("chunked", new ChunkedWriteHandler());
    pipeline.addLast("files", files);
  }

  private HttpObjectAggregator aggregator(int maxBodyBytes) {
    return new HttpObjectAggregator(maxBodyBytes, true) {
      @Override
      protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        metrics.rejected(Rejection.BODY_TOO_LARGE);
        super.handleOversizedMessage(ctx, oversized);
      }
    };
  }
}
