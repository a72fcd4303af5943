package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets through only the bytes that can answer the request on this connection, and notes whether any
 * arrived. Sits before the HTTP decoder, for two reasons: the decoder shows nothing of a half-received
 * status line (and a request must never be resent once the upstream has started to answer it), and a
 * half-received status line that arrived while the connection was idle would otherwise stay in the
 * decoder and become the head of the next request's answer.
 *
 * <p>Bytes that arrive while no request is on the connection ({@link Desync#IDLE}), or while one has been
 * begun but not fully written ({@link Desync#EARLY}), are dropped, reported, and the connection is closed;
 * for an early one {@link ExchangeHandler} first hears a {@link Desync} event, so that it fails the exchange
 * as {@link UpstreamFailure#DESYNC} with nothing of a response received (a reused connection's request may
 * then be retried on a fresh one). Blank lines (CR and LF only) are dropped quietly: some servers end a
 * response with an extra CRLF, and RFC 9112 section 2.2 lets a recipient ignore them. Bytes left over in
 * the same read after a response's end have already passed here; {@link ResponseDecoder} catches those.
 *
 * <p>One per channel; used only on the channel's event loop.
 */
final class ResponseGate extends ChannelInboundHandlerAdapter {
  /** What the connection is waiting for. */
  private enum Step {
    /** No request: any byte is out of step. */
    IDLE,
    /** A request is being written: no answer to it can be trusted yet. */
    WRITING,
    /** The request was written: its answer may come. */
    AWAITING
  }

  private static final ByteProcessor BLANK = b -> b == '\r' || b == '\n';

  private final Desyncs desyncs;
  private Step step = Step.IDLE;
  private boolean seen;
  private boolean head;

  ResponseGate(Desyncs desyncs) {
    this.desyncs = desyncs;
  }

  /** Whether a byte of an answer arrived since {@link #writing}. */
  boolean seen() {
    return seen;
  }

  /** Whether the request on the connection is a HEAD, whose answer has no body whatever its fields say. */
  boolean head() {
    return head;
  }

  /** A request is about to be written; {@code head} says it is a HEAD. */
  void writing(boolean head) {
    this.step = Step.WRITING;
    this.head = head;
    this.seen = false;
  }

  /** The request was fully written: from now on bytes are its answer. */
  void written() {
    if (step == Step.WRITING) {
      step = Step.AWAITING;
    }
  }

  /** The exchange ended or failed: nothing may arrive until the next {@link #writing}. */
  void idle() {
    step = Step.IDLE;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable() || step == Step.AWAITING) {
      if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
        seen = true;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    int length = bytes.readableBytes();
    boolean blank = bytes.forEachByte(BLANK) == -1;
    ReferenceCountUtil.release(msg);
    if (blank || !ctx.channel().isActive()) {
      return;
    }
    Desync when = step == Step.IDLE ? Desync.IDLE : Desync.EARLY;
    desyncs.report(when, ctx.channel(), length);
    if (when == Desync.EARLY) {
      ctx.fireUserEventTriggered(when);
    }
    ctx.close();
  }
}
