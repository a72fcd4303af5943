package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import media.edge.httpcache.Invalidation;
import media.edge.proxy.ProxyRequest;
import media.edge.upstream.UpstreamFailure;
import media.edge.upstream.UpstreamListener;
import media.edge.upstream.UpstreamRequest;

/**
 * One request sent upstream on its own and answered as the response arrives, never stored: unsafe
 * methods (whose success invalidates the stored URL, RFC 9111 section 4.4), answers a fill could not
 * share (private, no-store, Vary: *) and objects too large to buffer.
 *
 * <p>Callbacks arrive on the upstream connection's thread; writes to the client channel from there
 * are queued by Netty onto the channel's own thread in order. Finishing hops there too.
 */
final class PassThrough implements UpstreamListener {
  private final ProxyResponder responder;
  private final ChannelHandlerContext ctx;
  private final Exchange exchange;
  private final ProxyRequest request;
  private final ByteBuf body;
  private final boolean unsafe;
  private HttpResponse head;
  private long sent;
  private int status;

  /** @param body the request body to send, owned by this object from now on, or null */
  PassThrough(
      ProxyResponder responder, ChannelHandlerContext ctx, Exchange exchange, ProxyRequest request, ByteBuf body, boolean unsafe) {
    this.responder = responder;
    this.ctx = ctx;
    this.exchange = exchange;
    this.request = request;
    this.body = body;
    this.unsafe = unsafe;
  }

  void start() {
    HttpHeaders headers = request.forwarded();
    try {
      responder.cache().upstream().fetch(
          new UpstreamRequest(request.method(), request.pathAndQuery(), headers, body, request.key()), this);
    } catch (IllegalArgumentException e) {
      // The upstream client refused a header or the target (and released the body).
      responder.error(ctx, exchange, 400);
    }
  }

  @Override
  public void onHeaders(HttpResponse response, String upstream) {
    status = response.status().code();
    HttpHeaders headers = responder.responseHeaders(exchange, response.headers(), null);
    boolean bodiless = exchange.head || status == 204 || status == 304 || status < 200;
    if (!bodiless && !HttpUtil.isContentLengthSet(response)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
    ctx.write(head);
  }

  @Override
  public void onContent(ByteBuf chunk) {
    sent += chunk.readableBytes();
    ctx.writeAndFlush(new DefaultHttpContent(chunk.retain()));
  }

  @Override
  public void onComplete() {
    if (unsafe && Invalidation.invalidates(request.method(), status)) {
      for (String target : Invalidation.targets(request.key(), head.headers(), exchange.headers.get(HttpHeaderNames.HOST))) {
        responder.cache().invalidate(target);
      }
    }
    ctx.executor().execute(() -> responder.handler().finishStreamed(ctx, exchange, head, sent));
  }

  @Override
  public void onError(UpstreamFailure failure, String message) {
    ctx.executor().execute(() -> {
      if (head == null) {
        responder.error(ctx, exchange, failure == UpstreamFailure.TIMEOUT ? 504 : 502);
      } else {
        responder.handler().abort(ctx, exchange, head, sent);
      }
    });
  }
}
