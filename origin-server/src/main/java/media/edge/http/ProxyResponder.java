package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.RejectedExecutionException;
import media.edge.httpcache.StoredHead;
import media.edge.metrics.CacheResult;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.Rejection;
import media.edge.proxy.EdgeCache;
import media.edge.proxy.Lookup;
import media.edge.proxy.ProxyRequest;
import media.edge.proxy.StoredResponse;

/**
 * Answers requests from the edge cache: a stored response (with {@code Age}, conditionals and
 * ranges), a response streaming in from upstream ({@link StreamingWaiter}), or an uncached pass to
 * upstream ({@link PassThrough}) for unsafe methods and answers that must not be shared.
 *
 * <p>Sharable like {@link FileHandler}, which owns it: per-request state lives in the
 * {@link Exchange} and in the waiter.
 */
final class ProxyResponder {
  private final EdgeCache cache;
  private final ProxyRequests requests;
  private final FileHandler handler;
  private final Responses responses;
  private final CorsPolicy cors;
  private final EdgeMetrics metrics;
  private final HttpDates dates;
  private final String via;

  ProxyResponder(
      EdgeCache cache,
      ProxyRequests requests,
      FileHandler handler,
      Responses responses,
      CorsPolicy cors,
      EdgeMetrics metrics,
      HttpDates dates) {
    this.cache = cache;
    this.requests = requests;
    this.handler = handler;
    this.responses = responses;
    this.cors = cors;
    this.metrics = metrics;
    this.dates = dates;
    this.via = "1.1 " + requests.nodeName();
  }

  /** True when a request carries this node in its {@code Via}: answered 508 rather than looped. */
  boolean looped(HttpHeaders headers) {
    return requests.looped(headers);
  }

  /**
   * A GET or HEAD as the cache keys it, and its target, from which the uncached form is built if it
   * is ever passed upstream on its own ({@link #passed}).
   */
  record Prepared(ProxyRequest proxied, String uri) {}

  /** Builds the cacheable form while the request is in hand (it is released when the handler returns). */
  Prepared prepare(Exchange exchange, FullHttpRequest request) {
    return new Prepared(requests.cacheable(exchange, request), request.uri());
  }

  /** The uncached form of a prepared request. */
  ProxyRequest passed(Exchange exchange, Prepared prepared) {
    return requests.passed(exchange, prepared.uri());
  }

  /** Answers from a fresh memory entry on this thread; false when the full lookup is needed. */
  boolean serveFresh(ChannelHandlerContext ctx, Exchange exchange, Prepared prepared) {
    Lookup.Hit hit = cache.freshMemoryHit(prepared.proxied());
    return hit != null && serveHit(ctx, exchange, hit.response(), hit.tier());
  }

  /** Sends an unsafe request upstream uncached; its success invalidates the stored URL. */
  void pass(ChannelHandlerContext ctx, Exchange exchange, FullHttpRequest request) {
    exchange.cache = CacheResult.PASS;
    new PassThrough(this, ctx, exchange, requests.passed(exchange, request.uri()), request.content().retain(), true).start();
  }

  /** The full lookup; its answer comes back to the channel's thread. */
  void lookup(ChannelHandlerContext ctx, Exchange exchange, Prepared prepared) {
    StreamingWaiter waiter = new StreamingWaiter(this, ctx, exchange, prepared);
    cache.lookup(prepared.proxied(), waiter, found -> onLoop(ctx, () -> answer(ctx, exchange, waiter, found), waiter, found));
  }

  private void answer(ChannelHandlerContext ctx, Exchange exchange, StreamingWaiter waiter, Lookup found) {
    if (found instanceof Lookup.Hit hit) {
      boolean served;
      try {
        served = serveHit(ctx, exchange, hit.response(), hit.tier());
      } finally {
        hit.done();
      }
      if (!served) {
        lookup(ctx, exchange, waiter.prepared());
      }
    } else if (found instanceof Lookup.Joined joined) {
      exchange.cache = CacheResult.UPSTREAM;
      waiter.attach(joined.fill());
    } else {
      error(ctx, exchange, ((Lookup.Refused) found).status());
    }
  }

  /** Runs {@code task} on the channel's thread; if that is gone (shutdown), lets go of what was found. */
  private static void onLoop(ChannelHandlerContext ctx, Runnable task, StreamingWaiter waiter, Lookup found) {
    if (ctx.executor().inEventLoop()) {
      task.run();
      return;
    }
    try {
      ctx.executor().execute(task);
    } catch (RejectedExecutionException e) {
      if (found instanceof Lookup.Joined joined) {
        joined.fill().leave(waiter);
      } else if (found instanceof Lookup.Hit hit) {
        hit.done();
      }
    }
  }

  /**
   * Answers from a stored response; false when it was evicted before its body could be taken (the
   * caller looks up again).
   */
  boolean serveHit(ChannelHandlerContext ctx, Exchange exchange, StoredResponse stored, CacheResult tier) {
    ByteBuf body = stored.retainedBody();
    if (body == null) {
      return false;
    }
    exchange.cache = tier;
    StoredHead head = stored.head();
    HttpHeaders headers = new DefaultHttpHeaders(false).add(stored.answerHeaders(via));
    headers.set(HttpHeaderNames.AGE, head.ageSeconds(dates.nowMillis()));
    if (!headers.contains(HttpHeaderNames.DATE)) {
      headers.set(HttpHeaderNames.DATE, dates.now());
    }
    if (!headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
      cors.apply(exchange.headers, headers);
    }
    HttpResponseStatus status = HttpResponseStatus.valueOf(head.status());
    if (status.code() == 200) {
      String etag = headers.get(HttpHeaderNames.ETAG);
      // Parsing an HTTP date is the dearest step of a hit: only when a request compares dates.
      long modified =
          exchange.headers.contains(HttpHeaderNames.IF_MODIFIED_SINCE) || exchange.headers.contains(HttpHeaderNames.IF_RANGE)
              ? lastModifiedSeconds(headers)
              : Long.MAX_VALUE;
      if (Preconditions.notModified(exchange.headers, etag == null ? "\"\u0000\"" : etag, modified)) {
        body.release();
        Responses.stripForNotModified(headers);
        handler.finish(ctx, exchange, Responses.withoutBody(HttpResponseStatus.NOT_MODIFIED, headers), null);
        return true;
      }
      if (FileHandler.propagatesToken(exchange) && !headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
        body = handler.withToken(ctx, exchange, body, headers, stored.plans());
      } else if (exchange.headers.contains(HttpHeaderNames.RANGE)
          && Preconditions.rangeApplies(exchange.headers, etag, modified)) {
        ByteRange.Parsed range = ByteRange.parse(exchange.headers.get(HttpHeaderNames.RANGE), body.readableBytes());
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
          long length = body.readableBytes();
          body.release();
          FullHttpResponse refused = responses.error(exchange.headers, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
          refused.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
          handler.finish(ctx, exchange, refused, null);
          return true;
        }
        if (range.kind() == ByteRange.Kind.SATISFIABLE) {
          ByteRange r = range.range();
          headers.set(HttpHeaderNames.CONTENT_RANGE, r.contentRange(body.readableBytes()));
          ByteBuf part = body.retainedSlice((int) r.first(), (int) r.length());
          body.release();
          body = part;
          status = HttpResponseStatus.PARTIAL_CONTENT;
        }
      }
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (exchange.head) {
      body.release();
      handler.finish(ctx, exchange, Responses.withoutBody(status, headers), null);
      return true;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, headers, HttpHeaders.EMPTY_HEADERS);
    handler.finish(ctx, exchange, response, null);
    return true;
  }

  /**
   * The headers of an answer built from upstream headers: theirs (already without hop-by-hop fields),
   * plus {@code Age}, this node in {@code Via}, and CORS when the upstream sent none.
   */
  HttpHeaders responseHeaders(Exchange exchange, HttpHeaders upstream, StoredHead head) {
    HttpHeaders headers = new DefaultHttpHeaders(false).add(upstream);
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    headers.set(HttpHeaderNames.AGE, head == null ? 0 : head.ageSeconds(dates.nowMillis()));
    String prior = headers.get(HttpHeaderNames.VIA);
    headers.set(HttpHeaderNames.VIA, prior == null ? via : prior + ", " + via);
    if (!headers.contains(HttpHeaderNames.DATE)) {
      headers.set(HttpHeaderNames.DATE, dates.now());
    }
    if (!headers.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
      cors.apply(exchange.headers, headers);
    }
    return headers;
  }

  private static long lastModifiedSeconds(HttpHeaders headers) {
    String value = headers.get(HttpHeaderNames.LAST_MODIFIED);
    long parsed = value == null ? Long.MIN_VALUE : HttpDates.parse(value);
    return parsed == Long.MIN_VALUE ? Long.MAX_VALUE : parsed;
  }

  /** An error answer of our own (502, 504, 508). */
  void error(ChannelHandlerContext ctx, Exchange exchange, int status) {
    if (status == 508) {
      metrics.rejected(Rejection.LOOP);
    }
    handler.finish(ctx, exchange, responses.error(exchange.headers, HttpResponseStatus.valueOf(status)), null);
  }

  /** Starts an uncached fetch for one request (a waiter the fill could not serve). */
  void pass(ChannelHandlerContext ctx, Exchange exchange, Prepared prepared) {
    exchange.cache = CacheResult.PASS;
    new PassThrough(this, ctx, exchange, passed(exchange, prepared), null, false).start();
  }

  FileHandler handler() {
    return handler;
  }

  EdgeCache cache() {
    return cache;
  }

  /** True for a playlist answer that must carry the viewer's query token; it waits for the whole body. */
  static boolean rewritesBody(Exchange exchange) {
    return FileHandler.propagatesToken(exchange);
  }
}
