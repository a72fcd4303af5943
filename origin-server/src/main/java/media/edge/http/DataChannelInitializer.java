package media.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.time.Clock;
import java.util.Objects;
import media.edge.cmcd.CmcdReader;
import media.edge.config.EdgeConfig;
import media.edge.config.ServerConfig;
import media.edge.hls.CachePolicy;
import media.edge.httpdate.HttpDates;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.Rejection;
import media.edge.tls.ServerTls;
import media.edge.token.TokenVerifier;

/**
 * Composes the data-port pipeline and does nothing else. Plaintext:
 *
 * <pre>
 * ConnectionTracker -> IdleCloser -> [HAProxyMessageDecoder -> ProxyProtocolHandler] -> Http1Decoder
 * </pre>
 *
 * With TLS ({@code server.tls.*}), the {@code SslHandler} of the context in force and a
 * {@link ProtocolSelector} follow; after the handshake the selector adds HTTP/1.1 or HTTP/2:
 *
 * <pre>
 * HTTP/1.1: ChunkedWriteHandler -> Http1Decoder
 * HTTP/2:   Http2FrameCodec -> Http2MultiplexHandler -> ConnectionCloser, and per stream
 *   Http2RequestCodec -> HttpObjectAggregator -> ChunkedWriteHandler -> Http2Streams
 * </pre>
 *
 * Both protocols end in the same {@link RequestGate}, whose {@link Responder} is the server's mode, so
 * HTTP/2 has every feature of HTTP/1.1. Auto-read stays on: {@link Http1Decoder} answers one request at
 * a time and pauses reading only when pipelined requests pile up; HTTP/2's own flow control paces it.
 *
 * <p>Thread-safe: the shared handlers are sharable, per-connection ones are made in {@link #initChannel}.
 */
public final class DataChannelInitializer extends ChannelInitializer<Channel> {
  /** Streams one HTTP/2 connection may have open at once; a player needs a handful. */
  private static final int MAX_CONCURRENT_STREAMS = 128;

  private final ServerConfig server;
  private final ConnectionTracker connections;
  private final EdgeMetrics metrics;
  private final ProxyProtocolHandler proxyProtocol;
  private final ServerTls tls;
  private final RequestGate gate;
  private final Responder responder;
  private final Http2RequestCodec streamCodec = new Http2RequestCodec();
  private final Http2Streams streamsHandler;
  private final ConnectionCloser closer;
  private final ChannelInitializer<Http2StreamChannel> streams =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Http2StreamChannel stream) {
          initStream(stream.pipeline());
        }
      };

  private DataChannelInitializer(Builder b) {
    this.server = b.config.server();
    this.connections = b.connections;
    this.metrics = b.metrics;
    this.tls = b.tls;
    this.responder = b.responder;
    TrustedProxies proxies = TrustedProxies.of(server.trustedProxies());
    this.proxyProtocol = server.proxyProtocol() ? new ProxyProtocolHandler(proxies, metrics) : null;
    CorsPolicy cors = new CorsPolicy(b.config.http().cors());
    Front front =
        new Front(
            new HttpDates(b.clock),
            cors,
            new TokenGate(b.config.tokens(), b.verifier),
            proxies,
            metrics,
            b.accessLog,
            connections,
            new ErrorAnswers(b.cachePolicy.errorCacheControl()),
            b.config.http().gzipPlaylists(),
            b.config.tokens().setCookie(),
            b.responder,
            b.cmcd,
            b.pages,
            server.sendTimeout().toNanos());
    this.gate = new RequestGate(front);
    this.closer = new ConnectionCloser(front.protocolErrors);
    this.streamsHandler = new Http2Streams(gate, server.headerTimeout().toNanos());
  }

  /** A builder over the configuration and the responder of the server's mode. */
  public static Builder builder(EdgeConfig config, Responder responder) {
    return new Builder(config, responder);
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("connections", connections);
    pipeline.addLast("idle", new IdleCloser(server.idleTimeout().toNanos()));
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
    if (secure) {
      pipeline.addLast("chunked", new ChunkedWriteHandler());
    }
    Http1Wire wire = new Http1Wire(gate, !secure);
    Http1Decoder decoder =
        new Http1Decoder(
            wire, server.maxUriBytes(), server.maxHeaderBytes(), responder::bodyAllowance, server.headerTimeout().toNanos());
    wire.decoder(decoder);
    pipeline.addLast("http1", decoder);
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
                    .maxHeaderListSize((long) server.maxHeaderBytes() + server.maxUriBytes()))
            .gracefulShutdownTimeoutMillis(server.drainTimeout().toMillis())
            .build());
    pipeline.addLast("h2-streams", new Http2MultiplexHandler(streams));
    pipeline.addLast("h2-close", closer);
  }

  private void initStream(ChannelPipeline pipeline) {
    pipeline.addLast("h2-codec", streamCodec);
    // GET and HEAD's allowance only, even on an edge: a stream's body is aggregated before its token
    // is checked, and 128 streams of 1 MiB would let one unauthenticated connection hold 128 MiB.
    // POST and PUT pass upstream over HTTP/1.1; players send neither.
    pipeline.addLast("aggregator", aggregator(Responder.BODILESS_ALLOWANCE));
    pipeline.addLast("chunked", new ChunkedWriteHandler());
    pipeline.addLast("streams", streamsHandler);
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

  /** Collects what the pipeline shares. Not thread-safe; build once. */
  public static final class Builder {
    private final EdgeConfig config;
    private final Responder responder;
    private EdgeMetrics metrics;
    private ConnectionTracker connections;
    private TokenVerifier verifier;
    private Clock clock = Clock.systemUTC();
    private ServerTls tls;
    private AccessLog accessLog = AccessLog.OFF;
    private CachePolicy cachePolicy;
    private CmcdReader cmcd = CmcdReader.OFF;
    private Pages pages = Pages.NONE;

    private Builder(EdgeConfig config, Responder responder) {
      this.config = Objects.requireNonNull(config, "config");
      this.responder = Objects.requireNonNull(responder, "responder");
    }

    public Builder metrics(EdgeMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder connections(ConnectionTracker connections) {
      this.connections = connections;
      return this;
    }

    /** The token verifier; may be null when tokens are not required. */
    public Builder verifier(TokenVerifier verifier) {
      this.verifier = verifier;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** HTTPS with the context in force; leave unset for plaintext. */
    public Builder tls(ServerTls tls) {
      this.tls = tls;
      return this;
    }

    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    /** Where the error {@code Cache-Control} comes from. */
    public Builder cachePolicy(CachePolicy cachePolicy) {
      this.cachePolicy = cachePolicy;
      return this;
    }

    /** Reads the CMCD of requests; off unless set. */
    public Builder cmcd(CmcdReader cmcd) {
      this.cmcd = Objects.requireNonNull(cmcd, "cmcd");
      return this;
    }

    /** Built-in pages answered without a token (the player page); none unless set. */
    public Builder pages(Pages pages) {
      this.pages = Objects.requireNonNull(pages, "pages");
      return this;
    }

    public DataChannelInitializer build() {
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(connections, "connections");
      Objects.requireNonNull(cachePolicy, "cachePolicy");
      return new DataChannelInitializer(this);
    }
  }
}
