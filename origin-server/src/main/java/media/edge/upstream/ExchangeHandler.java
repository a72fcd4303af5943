package media.edge.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import media.edge.upstream.ExchangeListener.Progress;

/**
 * Runs one request at a time on its connection and turns what happens into {@link ExchangeListener}
 * calls: decoded responses, timeouts, closes, resets and desyncs. Must be the last handler, after {@link
 * ResponseDecoder} and the request encoder, with {@link ResponseGate} before the decoder and an {@code
 * IdleStateHandler} whose reader-idle event is the idle timeout.
 *
 * <p>Every way an exchange ends goes through {@link #end} or {@link #fail}, which forget the listener
 * first, so that the listener hears exactly one ending and nothing after it; a failure closes the
 * connection. Whatever arrives while no exchange is running means the connection is out of step with the
 * upstream, and closes it: the gate stops such bytes before they reach the decoder, and this handler
 * closes on any decoded message that still gets here (the rest of a read that held a response's end and
 * more, which the decoder has already reported).
 *
 * <p>One per channel; used only on the channel's event loop.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
  private final ResponseGate gate;
  private final long responseTimeoutNanos;
  private final long idleTimeoutMillis;

  private ChannelHandlerContext ctx;
  private ExchangeListener listener;
  private int generation;
  private boolean sent;
  private boolean written;
  private boolean interim;
  private boolean headersSeen;
  private boolean keepAlive;
  private ScheduledFuture<?> responseTimer;

  ExchangeHandler(ResponseGate gate, Duration responseTimeout, Duration idleTimeout) {
    this.gate = gate;
    this.responseTimeoutNanos = responseTimeout.toNanos();
    this.idleTimeoutMillis = idleTimeout.toMillis();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Sends {@code request} (which this takes ownership of) and reports to {@code listener}. Call on the
   * channel's event loop when no exchange is running. The response timeout starts here rather than when
   * the last byte is written, so that an upstream that stops reading a request cannot hold it forever.
   */
  void begin(ExchangeListener listener, FullHttpRequest request, Duration responseTimeout) {
    if (this.listener != null) {
      request.release();
      throw new IllegalStateException("an exchange is already running on " + ctx.channel());
    }
    this.listener = listener;
    int attempt = ++generation;
    long timeoutNanos = responseTimeout == null ? responseTimeoutNanos : responseTimeout.toNanos();
    sent = false;
    written = false;
    interim = false;
    headersSeen = false;
    keepAlive = false;
    gate.writing(HttpMethod.HEAD.equals(request.method()));
    if (!ctx.channel().isActive()) {
      request.release();
      fail(UpstreamFailure.RESET, "connection closed before the request was sent");
      return;
    }
    responseTimer = ctx.executor().schedule(() -> responseTimedOut(attempt, timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS);
    sent = true;
    ctx.writeAndFlush(request).addListener((ChannelFuture f) -> written(attempt, f));
  }

  private void written(int attempt, ChannelFuture write) {
    if (attempt != generation || listener == null) {
      return;
    }
    if (write.isSuccess()) {
      written = true;
      gate.written();
    } else {
      fail(UpstreamFailure.RESET, "request not sent: " + ErrorText.of(write.cause()));
    }
  }

  private void responseTimedOut(int attempt, long timeoutNanos) {
    if (attempt == generation && listener != null && !headersSeen) {
      fail(UpstreamFailure.TIMEOUT, "no response headers within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (listener == null) {
        ctx.close();
        return;
      }
      if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
        Throwable cause = object.decoderResult().cause();
        if (cause instanceof ResponseDecoder.DesyncException && headersSeen && !interim && msg instanceof LastHttpContent last) {
          // Complete by its own framing, but followed by bytes that answer nothing: not to be trusted.
          // Said first: a listener may complete on the last body byte (a fill of known length does).
          listener.onUntrusted();
          if (last.content().isReadable()) {
            listener.onBody(last.content());
          }
          keepAlive = false;
          end();
          return;
        }
        if (cause instanceof ResponseDecoder.DesyncException) {
          fail(UpstreamFailure.DESYNC, "out of step: " + cause.getMessage());
          return;
        }
        UpstreamFailure failure =
            cause instanceof PrematureChannelClosureException ? UpstreamFailure.TRUNCATED : UpstreamFailure.MALFORMED;
        // Unparseable before any header: on a reused connection this is usually the tail of the
        // previous response (an upstream that sent more than its Content-Length), so an idempotent
        // request may be retried on a fresh connection, as after a stale keep-alive close.
        fail(failure, "bad response: " + ErrorText.of(cause), !headersSeen);
        return;
      }
      if (msg instanceof HttpResponse response) {
        head(response);
      }
      if (listener != null && msg instanceof HttpContent content) {
        content(content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void head(HttpResponse response) {
    int code = response.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      // 100 Continue, 102, 103: a final response follows; the codec ends each with an empty last content.
      interim = true;
      return;
    }
    if (code < 200 || code > 599) {
      fail(UpstreamFailure.MALFORMED, "unexpected status " + code);
      return;
    }
    cancelResponseTimer();
    headersSeen = true;
    keepAlive = HttpUtil.isKeepAlive(response);
    listener.onResponse(
        new DefaultHttpResponse(response.protocolVersion(), response.status(), HopByHop.strip(response.headers())));
  }

  private void content(HttpContent content) {
    if (interim) {
      interim = !(content instanceof LastHttpContent);
      return;
    }
    if (!headersSeen) {
      return;
    }
    if (content.content().isReadable()) {
      listener.onBody(content.content());
    }
    if (listener != null && content instanceof LastHttpContent) {
      end();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Desync) {
      // Bytes before the request was fully written cannot answer it: nothing of a response was received.
      fail(UpstreamFailure.DESYNC, "out of step: bytes before the request was written", true);
      return;
    }
    if (evt instanceof IdleStateEvent idle) {
      // Before the headers the response timeout applies; between exchanges idleness is normal.
      // Nor while the body is paused for a slow client: the client's own send timeout watches that.
      if (listener != null && headersSeen && idle.state() == IdleState.READER_IDLE && !ReadPacing.paused(ctx.channel())) {
        fail(UpstreamFailure.TIMEOUT, "no body bytes for " + idleTimeoutMillis + " ms");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (listener == null) {
      ctx.close();
      return;
    }
    if (cause instanceof SSLException || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      // After the handshake: an alert (TLS 1.3 servers refuse a client certificate only now) or a bad record.
      fail(UpstreamFailure.TLS, ErrorText.tls(cause instanceof SSLException ? cause : cause.getCause()));
      return;
    }
    fail(cause instanceof DecoderException ? UpstreamFailure.MALFORMED : UpstreamFailure.RESET, ErrorText.of(cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The codec has already turned a clean close into the end of a close-delimited body, if it was one.
    if (headersSeen) {
      fail(UpstreamFailure.TRUNCATED, "connection closed before the end of the body");
    } else if (gate.seen()) {
      fail(UpstreamFailure.RESET, "connection closed in the middle of the response head");
    } else {
      fail(UpstreamFailure.RESET, "connection closed before a response");
    }
    ctx.fireChannelInactive();
  }

  private void end() {
    ExchangeListener ended = listener;
    forget();
    boolean reusable = keepAlive && written && ctx.channel().isActive();
    if (!reusable) {
      ctx.close();
    }
    ended.onEnd(reusable);
  }

  private void fail(UpstreamFailure failure, String detail) {
    fail(failure, detail, false);
  }

  /** @param noResponseYet true when nothing usable of this response was parsed, whatever bytes arrived */
  private void fail(UpstreamFailure failure, String detail, boolean noResponseYet) {
    ExchangeListener failed = listener;
    if (failed == null) {
      return;
    }
    Progress progress =
        gate.seen() && !noResponseYet ? Progress.RESPONSE_STARTED : sent ? Progress.SENT : Progress.NOT_SENT;
    forget();
    ctx.close();
    failed.onFailure(failure, progress, detail);
  }

  private void forget() {
    listener = null;
    gate.idle();
    cancelResponseTimer();
  }

  private void cancelResponseTimer() {
    if (responseTimer != null) {
      responseTimer.cancel(false);
      responseTimer = null;
    }
  }
}
