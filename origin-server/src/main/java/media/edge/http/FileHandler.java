package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import media.edge.cache.Content;
import media.edge.cache.ContentStore;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistRewriter;
import media.edge.library.FileMeta;
import media.edge.library.Library;
import media.edge.library.LibraryPath;
import media.edge.metrics.CacheResult;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.Rejection;
import media.edge.proxy.EdgeCache;
import media.edge.token.TokenQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET, HEAD and OPTIONS for library files. Sits last in the data pipeline, after the
 * {@code FlowControlHandler}: the channel does not auto-read, and this handler asks for the next
 * request only when the current response has been written, so pipelined requests are answered
 * in order and a slow reader is not sent more than one response at a time.
 * On HTTP/2 the same instance sits at the end of each stream's pipeline: a stream carries one
 * request, and HTTP/2's own flow control paces the connection. Files go out with {@code sendfile}
 * where {@link ZeroCopy} allows it, otherwise in chunks through a {@code ChunkedWriteHandler}.
 *
 * <p>Each request walks a ladder of guard clauses, each ending in one status: decode failure
 * (400/414/431), protocol version (505), method (405 or the OPTIONS answer), path (400/404),
 * token (403), lookup (404/403/503/500),
 * then preconditions (304), range (416/206) and finally 200.
 *
 * <p>Sharable: it keeps no per-connection state; per-request state lives in an {@link Exchange}.
 */
@Sharable
final class FileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(FileHandler.class);
  private static final String ALLOW = CorsPolicy.ALLOWED_METHODS;
  /** Methods an edge passes to its upstream uncached; they invalidate what is stored for the URL. */
  private static final java.util.Set<HttpMethod> PASSED_METHODS =
      java.util.Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);

  private final ContentStore store;
  private final Responses responses;
  private final EdgeMetrics metrics;
  private final AccessLog accessLog;
  private final ConnectionTracker connections;
  private final TokenGate tokens;
  private final TrustedProxies proxies;
  private final HttpDates dates;
  private final boolean setCookie;
  private final ProxyResponder proxy;

  /**
   * @param store the library, or null for an edge without one
   * @param edge the edge cache, or null for an origin
   */
  FileHandler(
      ContentStore store,
      Responses responses,
      EdgeMetrics metrics,
      AccessLog accessLog,
      ConnectionTracker connections,
      TokenGate tokens,
      TrustedProxies proxies,
      HttpDates dates,
      boolean setCookie,
      EdgeCache edge,
      CorsPolicy cors,
      String nodeName) {
    this.store = store;
    this.responses = responses;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.connections = connections;
    this.tokens = tokens;
    this.proxies = proxies;
    this.dates = dates;
    this.setCookie = setCookie;
    this.proxy =
        edge == null
            ? null
            : new ProxyResponder(edge, new ProxyRequests(tokens.name(), nodeName), this, responses, cors, metrics, dates);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.read();
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.channel().attr(ConnectionTracker.BUSY).set(Boolean.TRUE);
    String path = RequestTarget.path(request.uri());
    Exchange exchange = new Exchange(System.nanoTime(), request.method(), request.headers(), path);
    if (path != null) {
      // First of all, so that no answer (and no log line) ever carries a path token.
      exchange.token = tokens.locate(path, request.uri(), exchange.headers);
      exchange.path = exchange.token.path();
    }

    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      rejectMalformed(ctx, exchange, decoded.cause());
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      metrics.rejected(Rejection.MALFORMED);
      FullHttpResponse response = responses.error(HttpHeaders.EMPTY_HEADERS, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      finish(ctx, exchange, response, null);
      return;
    }
    HttpMethod method = request.method();
    if (HttpMethod.OPTIONS.equals(method)) {
      options(ctx, exchange);
      return;
    }
    boolean safe = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    if (!safe && (proxy == null || !PASSED_METHODS.contains(method))) {
      metrics.rejected(Rejection.METHOD);
      FullHttpResponse response = responses.error(exchange.headers, HttpResponseStatus.METHOD_NOT_ALLOWED);
      response.headers().set(HttpHeaderNames.ALLOW, ALLOW);
      finish(ctx, exchange, response, null);
      return;
    }
    if (path == null) {
      reject(ctx, exchange, Rejection.BAD_PATH, HttpResponseStatus.BAD_REQUEST);
      return;
    }
    if (proxy != null && proxy.looped(exchange.headers)) {
      proxy.error(ctx, exchange, 508);
      return;
    }
    Channel connection = ConnectionTracker.connection(ctx.channel());
    exchange.client =
        proxies.client(connection.remoteAddress(), connection.attr(ProxyProtocolHandler.SOURCE).get(), exchange.headers);
    LibraryPath.Parsed parsed = LibraryPath.parse(exchange.token.path());
    switch (parsed.outcome()) {
      case BAD_REQUEST:
        reject(ctx, exchange, Rejection.BAD_PATH, HttpResponseStatus.BAD_REQUEST);
        return;
      case HIDDEN:
        reject(ctx, exchange, Rejection.HIDDEN_PATH, HttpResponseStatus.NOT_FOUND);
        return;
      case NOT_FOUND:
        finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.NOT_FOUND), null);
        return;
      default:
        break;
    }
    LibraryPath file = parsed.path();
    exchange.kind = ContentKind.of(file.fileName());
    TokenGate.Checked checked = tokens.check(exchange.token, "/" + file.key(), exchange.client);
    if (checked.rejection() != null) {
      metrics.tokenRejected(checked.rejection());
      finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.FORBIDDEN), null);
      return;
    }
    exchange.verdict = checked.verdict();

    if (store != null && safe) {
      Content hit = store.freshHit(file);
      if (hit != null) {
        serve(ctx, exchange, hit);
        return;
      }
    }
    if (proxy == null) {
      store.lookup(file).whenComplete((content, error) -> resume(ctx, exchange, content, error));
      return;
    }
    if (!safe) {
      proxy.pass(ctx, exchange, request);
      return;
    }
    ProxyResponder.Prepared prepared = proxy.prepare(exchange, request);
    if (proxy.serveFresh(ctx, exchange, prepared)) {
      return;
    }
    if (store == null) {
      proxy.lookup(ctx, exchange, prepared);
      return;
    }
    // Library first: what it does not have is fetched upstream.
    store.lookup(file).whenComplete((content, error) -> {
      if (error == null && content instanceof Content.Refused refused && refused.status() == Library.Status.NOT_FOUND) {
        ctx.executor().execute(() -> proxy.lookup(ctx, exchange, prepared));
      } else {
        resume(ctx, exchange, content, error);
      }
    });
  }

  /** Back to the channel's event loop after a lookup; if it is gone (shutdown), drop the body. */
  private void resume(ChannelHandlerContext ctx, Exchange exchange, Content content, Throwable error) {
    try {
      ctx.executor().execute(() -> afterLookup(ctx, exchange, content, error));
    } catch (RejectedExecutionException e) {
      if (content instanceof Content.InMemory) {
        ((Content.InMemory) content).body().release();
      }
    }
  }

  private void afterLookup(ChannelHandlerContext ctx, Exchange exchange, Content content, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof RejectedExecutionException) {
        finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.SERVICE_UNAVAILABLE), null);
      } else {
        LOG.warn("reading {} failed: {}", exchange.path, cause.toString());
        finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.INTERNAL_SERVER_ERROR), null);
      }
      return;
    }
    if (!ctx.channel().isActive()) {
      if (content instanceof Content.InMemory) {
        ((Content.InMemory) content).body().release();
      }
      return;
    }
    serve(ctx, exchange, content);
  }

  private void serve(ChannelHandlerContext ctx, Exchange exchange, Content content) {
    if (content instanceof Content.InMemory) {
      Content.InMemory memory = (Content.InMemory) content;
      exchange.cache = memory.readNow() ? CacheResult.DISK : CacheResult.MEMORY;
      serveMemory(ctx, exchange, memory);
    } else if (content instanceof Content.OnDisk) {
      exchange.cache = CacheResult.DISK;
      serveDisk(ctx, exchange, (Content.OnDisk) content);
    } else {
      Library.Status status = ((Content.Refused) content).status();
      HttpResponseStatus answer =
          status == Library.Status.FORBIDDEN ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.NOT_FOUND;
      finish(ctx, exchange, responses.error(exchange.headers, answer), null);
    }
  }

  private void serveMemory(ChannelHandlerContext ctx, Exchange exchange, Content.InMemory content) {
    ByteBuf body = content.body();
    FileMeta meta = content.file().meta();
    Planned plan = plan(exchange, meta, content.file().contentType(), content.file().freshness());
    if (plan.immediate == null && propagatesToken(exchange)) {
      body = withToken(ctx, exchange, body, plan.headers, content.file().plans());
      plan = new Planned(null, plan.status, plan.headers, new ByteRange(0, body.readableBytes() - 1L));
    } else if (HttpResponseStatus.OK.equals(plan.status) && content.file().hasGzip() && AcceptEncoding.gzip(exchange.headers)) {
      ByteBuf gzip = content.file().retainedGzip();
      if (gzip != null) {
        body.release();
        body = gzip;
        plan.headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        plan.headers.set(HttpHeaderNames.CONTENT_LENGTH, gzip.readableBytes());
        plan.headers.set(HttpHeaderNames.ETAG, "W/" + meta.etag());
        plan = new Planned(null, plan.status, plan.headers, new ByteRange(0, gzip.readableBytes() - 1L));
      }
    }
    if (plan.immediate != null || exchange.head) {
      body.release();
      finish(ctx, exchange, plan.immediate != null ? plan.immediate : Responses.withoutBody(plan.status, plan.headers), null);
      return;
    }
    ByteBuf payload =
        plan.range.length() == body.readableBytes()
            ? body
            : body.slice((int) plan.range.first(), (int) plan.range.length());
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, plan.status, payload, plan.headers, HttpHeaders.EMPTY_HEADERS);
    finish(ctx, exchange, response, null);
  }

  /**
   * Reads of a file sent in chunks (TLS, HTTP/2): four TLS records, or four HTTP/2 frames of the
   * default size, per pooled buffer; {@code ChunkedWriteHandler} reads the next only when the channel
   * is writable, so a slow reader holds one or two of them, not the file.
   */
  private static final int FILE_CHUNK_BYTES = 64 * 1024;

  private void serveDisk(ChannelHandlerContext ctx, Exchange exchange, Content.OnDisk content) {
    FileMeta meta = content.meta();
    Planned plan = plan(exchange, meta, content.contentType(), content.freshness());
    if (plan.immediate != null || exchange.head) {
      finish(ctx, exchange, plan.immediate != null ? plan.immediate : Responses.withoutBody(plan.status, plan.headers), null);
      return;
    }
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, plan.status, plan.headers);
    if (!ZeroCopy.possible(ctx.channel())) {
      HttpChunkedInput chunks;
      try {
        chunks = new HttpChunkedInput(content.source().chunks(plan.range.first(), plan.range.length(), FILE_CHUNK_BYTES));
      } catch (IOException e) {
        finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.NOT_FOUND), null);
        return;
      }
      ctx.write(head);
      // Ends with the last content; the written future completes once the whole file went out.
      finish(ctx, exchange, chunks, head);
      return;
    }
    FileRegion region;
    try {
      region = content.source().region(plan.range.first(), plan.range.length());
    } catch (IOException e) {
      finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.NOT_FOUND), null);
      return;
    }
    // Head and body leave together, as nginx's tcp_nopush does: uncorked, the head went out as a
    // lone small segment ahead of the sendfile data and 400 KB answers ran at half the rate.
    boolean corked = cork(ctx, true);
    ctx.write(head);
    ctx.write(region);
    finish(ctx, exchange, LastHttpContent.EMPTY_LAST_CONTENT, head);
    if (corked) {
      cork(ctx, false);
    }
  }

  /** Sets TCP_CORK on an epoll channel; false (and nothing done) on other transports. */
  private static boolean cork(ChannelHandlerContext ctx, boolean on) {
    return ctx.channel().config().setOption(EpollChannelOption.TCP_CORK, on);
  }

  /** True when this answer is a playlist whose URIs must carry the request's query token. */
  static boolean propagatesToken(Exchange exchange) {
    return exchange.kind == ContentKind.PLAYLIST
        && exchange.token.token() != null
        && exchange.token.source() == TokenLocator.Source.QUERY;
  }

  /**
   * The playlist with the token appended to every URI of ours, in one pass over the cached bytes
   * (which stay token-free). The answer now differs per token, so shared caches must not keep it
   * and its validator becomes weak; with {@code tokens.set-cookie}, the token also goes into a
   * cookie scoped to its ACL.
   *
   * @param plans where the cached playlist keeps its rewrite plan; null: parse it for this answer
   */
  ByteBuf withToken(
      ChannelHandlerContext ctx, Exchange exchange, ByteBuf body, HttpHeaders headers, PlaylistRewriter.PlanSlot plans) {
    String token = TokenQuery.escape(exchange.token.token());
    ByteBuf rewritten;
    try {
      rewritten =
          PlaylistRewriter.forHost(tokens.name() + "=" + token, exchange.headers.get(HttpHeaderNames.HOST))
              .rewrite(body, ctx.alloc(), plans);
    } finally {
      body.release();
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, rewritten.readableBytes());
    perViewer(headers);
    if (setCookie && exchange.verdict != null) {
      headers.add(HttpHeaderNames.SET_COOKIE, tokens.cookie(token, exchange.verdict, dates.nowSeconds()));
    }
    return rewritten;
  }

  /**
   * Marks an answer that differs per viewer (its playlist carries their token): shared caches must
   * not keep it, and its validator is weak since its bytes are not the file's.
   */
  private static void perViewer(HttpHeaders headers) {
    String etag = headers.get(HttpHeaderNames.ETAG);
    if (etag != null && !etag.startsWith("W/")) {
      headers.set(HttpHeaderNames.ETAG, "W/" + etag);
    }
    String cacheControl = headers.get(HttpHeaderNames.CACHE_CONTROL);
    if (cacheControl != null) {
      headers.set(
          HttpHeaderNames.CACHE_CONTROL,
          cacheControl.contains("public") ? cacheControl.replace("public", "private") : "private, " + cacheControl);
    }
  }

  /**
   * What to answer for a found file: either an {@code immediate} bodiless response (304, 416), or a
   * status with headers and the byte range of the body.
   */
  private record Planned(FullHttpResponse immediate, HttpResponseStatus status, HttpHeaders headers, ByteRange range) {}

  private Planned plan(Exchange exchange, FileMeta meta, String contentType, Freshness freshness) {
    String etag = meta.etag();
    long modified = meta.modifiedSeconds();
    HttpHeaders request = exchange.headers;
    if (Preconditions.notModified(request, etag, modified)) {
      HttpHeaders headers = responses.fileHeaders(request, exchange.kind, contentType, meta, freshness);
      Responses.stripForNotModified(headers);
      if (propagatesToken(exchange)) {
        perViewer(headers);
      }
      return new Planned(Responses.withoutBody(HttpResponseStatus.NOT_MODIFIED, headers), null, null, null);
    }
    long length = meta.size();
    ByteRange.Parsed range =
        !propagatesToken(exchange) && Preconditions.rangeApplies(request, etag, modified)
            ? ByteRange.parse(request.get(HttpHeaderNames.RANGE), length)
            : ByteRange.Parsed.IGNORED;
    HttpHeaders headers;
    switch (range.kind()) {
      case UNSATISFIABLE:
        FullHttpResponse unsatisfiable = responses.error(request, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        unsatisfiable.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
        return new Planned(unsatisfiable, null, null, null);
      case SATISFIABLE:
        ByteRange r = range.range();
        headers = responses.fileHeaders(request, exchange.kind, contentType, meta, freshness);
        headers.set(HttpHeaderNames.CONTENT_RANGE, r.contentRange(length));
        headers.set(HttpHeaderNames.CONTENT_LENGTH, r.length());
        return new Planned(null, HttpResponseStatus.PARTIAL_CONTENT, headers, r);
      default:
        headers = responses.fileHeaders(request, exchange.kind, contentType, meta, freshness);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        return new Planned(null, HttpResponseStatus.OK, headers, new ByteRange(0, length - 1));
    }
  }

  private void options(ChannelHandlerContext ctx, Exchange exchange) {
    FullHttpResponse response = responses.options(exchange.headers);
    finish(ctx, exchange, response, null);
  }

  private void reject(ChannelHandlerContext ctx, Exchange exchange, Rejection reason, HttpResponseStatus status) {
    metrics.rejected(reason);
    finish(ctx, exchange, responses.error(exchange.headers, status), null);
  }

  private void rejectMalformed(ChannelHandlerContext ctx, Exchange exchange, Throwable cause) {
    HttpResponseStatus status;
    if (cause instanceof TooLongHttpLineException) {
      metrics.rejected(Rejection.URI_TOO_LONG);
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
    } else if (cause instanceof TooLongHttpHeaderException) {
      metrics.rejected(Rejection.HEADERS_TOO_LARGE);
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    } else {
      metrics.rejected(Rejection.MALFORMED);
      status = HttpResponseStatus.BAD_REQUEST;
    }
    FullHttpResponse response = responses.error(HttpHeaders.EMPTY_HEADERS, status);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    finish(ctx, exchange, response, null);
  }

  /**
   * Writes the last message of a response, then records it and asks for the next request.
   *
   * @param last a full response, or the last content after a streamed body
   * @param head the response headers when {@code last} is only the end of a streamed body
   */
  void finish(ChannelHandlerContext ctx, Exchange exchange, Object last, HttpResponse head) {
    HttpResponse response = head != null ? head : (HttpResponse) last;
    if (connections.draining()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    int status = response.status().code();
    long bytes = exchange.head || status == 304 ? 0 : exchange.bodyBytes >= 0 ? exchange.bodyBytes : contentLength(response);
    ChannelFuture written = ctx.writeAndFlush(last);
    written.addListener(
        future -> {
          ctx.channel().attr(ConnectionTracker.BUSY).set(Boolean.FALSE);
          long nanos = System.nanoTime() - exchange.startNanos;
          metrics.request(exchange.method.name(), status, exchange.kind, exchange.cache, future.isSuccess() ? bytes : 0, nanos);
          if (accessLog.enabled()) {
            accessLog.log(
                exchange.client != null ? exchange.client : clientAddress(ctx.channel().remoteAddress()),
                exchange.method.name(),
                exchange.path,
                status,
                future.isSuccess() ? bytes : 0,
                nanos / 1000,
                exchange.cache.tag(),
                exchange.userAgent());
          }
          if (!future.isSuccess()) {
            // A body cut short (the file shrank or a read failed mid-answer): close (on HTTP/2,
            // reset the stream) so the client sees the end now, not at the idle timeout.
            ctx.close();
          } else if (connections.draining()) {
            // Headers may have gone out before the drain began, without Connection: close.
            ctx.close();
          } else if (future.isSuccess() && ctx.channel().isActive()) {
            ctx.read();
          }
        });
  }

  /** Ends a response whose body went out in pieces ({@code bytes} of them). */
  void finishStreamed(ChannelHandlerContext ctx, Exchange exchange, HttpResponse head, long bytes) {
    exchange.bodyBytes = bytes;
    finish(ctx, exchange, LastHttpContent.EMPTY_LAST_CONTENT, head);
  }

  /**
   * Cuts off a response whose body cannot be completed (the upstream failed midway): what was sent
   * goes out, then the connection closes, so the client sees a broken body rather than a short one.
   */
  void abort(ChannelHandlerContext ctx, Exchange exchange, HttpResponse head, long bytes) {
    long nanos = System.nanoTime() - exchange.startNanos;
    metrics.request(exchange.method.name(), head.status().code(), exchange.kind, exchange.cache, bytes, nanos);
    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
  }

  /** The one error shape, for callers outside this class. */
  FullHttpResponse errorResponse(Exchange exchange, HttpResponseStatus status) {
    return responses.error(exchange.headers, status);
  }

  private static long contentLength(HttpResponse response) {
    String value = response.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String clientAddress(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      return ((InetSocketAddress) address).getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  /**
   * With auto-read off, one read() gives one read cycle. A cycle that ends without a whole request
   * (a request split across packets) or that absorbed the read() issued by a response written
   * within it must be followed by another read(), or the connection would stall.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!Boolean.TRUE.equals(ctx.channel().attr(ConnectionTracker.BUSY).get())) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!ConnectionCloser.closeWhenIdle(ctx, event)) {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ConnectionCloser.closeAfter(ctx, cause, LOG);
  }
}
