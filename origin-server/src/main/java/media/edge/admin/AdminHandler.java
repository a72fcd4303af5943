package media.edge.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import media.edge.metrics.EdgeMetrics;

/**
 * Answers {@code /metrics}, {@code /healthz}, {@code /readyz} and {@code /audience} (who is watching
 * what, from players' CMCD: JSON, no session id, token or address in it). Scrapes are rare and small, so
 * this handler builds each answer in full; it never touches the data path. Sharable: stateless.
 */
@Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final EdgeMetrics metrics;
  private final Readiness readiness;
  private final Purger purger;
  private final Supplier<String> audience;
  private final AdminToken token;

  /**
   * @param purger drops cached responses for {@code PURGE}; null answers PURGE with 405
   * @param audience the {@code /audience} JSON; null (CMCD switched off) answers it 404
   * @param token the credential every state-changing call must carry
   */
  public AdminHandler(EdgeMetrics metrics, Readiness readiness, Purger purger, Supplier<String> audience, AdminToken token) {
    this.metrics = metrics;
    this.readiness = readiness;
    this.purger = purger;
    this.audience = audience;
    this.token = token;
  }

  /** Drops cached copies: by exact path (with its query, if any) or by path prefix. */
  public interface Purger {
    /** Returns how many stored responses were dropped from memory (disk copies go lazily). */
    int purge(String pathOrPrefix, boolean prefix);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      write(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
      return;
    }
    if (purger != null && isPurge(request)) {
      AdminToken.Refusal refusal = token.check(request.headers());
      if (refusal != null) {
        FullHttpResponse refused = text(refusal.status(), refusal.message());
        if (refusal.status() == HttpResponseStatus.UNAUTHORIZED) {
          refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"origin-server admin\"");
        }
        write(ctx, request, refused, true);
        return;
      }
      purge(ctx, request);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (!head && !HttpMethod.GET.equals(request.method())) {
      FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      write(ctx, request, response, true);
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    FullHttpResponse response;
    switch (path) {
      case "/metrics": {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        response = body(HttpResponseStatus.OK, EdgeMetrics.scrapeContentType(accept), metrics.scrape(accept));
        break;
      }
      case "/audience":
        response = audience == null
            ? text(HttpResponseStatus.NOT_FOUND, "no audience: cmcd.enabled is false\n")
            : body(HttpResponseStatus.OK, "application/json", audience.get());
        break;
      case "/healthz":
        response = text(HttpResponseStatus.OK, "ok\n");
        break;
      case "/readyz":
        response =
            readiness.isReady()
                ? text(HttpResponseStatus.OK, "ready\n")
                : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
        break;
      default:
        response = text(HttpResponseStatus.NOT_FOUND, "not found\n");
    }
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (head) {
      response.content().clear();
    }
    write(ctx, request, response, true);
  }

  private static final HttpMethod PURGE = HttpMethod.valueOf("PURGE");

  private static boolean isPurge(FullHttpRequest request) {
    return PURGE.equals(request.method())
        || (HttpMethod.POST.equals(request.method()) && request.uri().startsWith("/purge?"));
  }

  /**
   * {@code PURGE /path} (exact, query included), {@code PURGE /prefix*} (prefix), or
   * {@code POST /purge?path=/x} / {@code POST /purge?prefix=/a/} for clients that cannot send PURGE.
   */
  private void purge(ChannelHandlerContext ctx, FullHttpRequest request) {
    String target;
    boolean prefix;
    if (PURGE.equals(request.method())) {
      target = request.uri();
      prefix = target.endsWith("*");
      if (prefix) {
        target = target.substring(0, target.length() - 1);
      }
    } else {
      QueryStringDecoder query = new QueryStringDecoder(request.uri());
      List<String> paths = query.parameters().get("path");
      List<String> prefixes = query.parameters().get("prefix");
      prefix = prefixes != null && !prefixes.isEmpty();
      target = prefix ? prefixes.get(0) : paths != null && !paths.isEmpty() ? paths.get(0) : null;
    }
    if (target == null || !target.startsWith("/")) {
      write(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "expected a path starting with /\n"), true);
      return;
    }
    int dropped = purger.purge(target, prefix);
    FullHttpResponse response =
        body(HttpResponseStatus.OK, "application/json", "{\"purged\":" + dropped + ",\"prefix\":" + prefix + "}\n");
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    write(ctx, request, response, true);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String text) {
    return body(status, "text/plain; charset=utf-8", text);
  }

  private static FullHttpResponse body(HttpResponseStatus status, String type, String text) {
    ByteBuf content = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return response;
  }

  private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
    boolean keep = keepAlive && HttpUtil.isKeepAlive(request);
    if (!keep) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
