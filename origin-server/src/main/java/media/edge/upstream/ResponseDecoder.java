package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Netty's response decoder, with two things {@code HttpClientCodec} would otherwise add or miss. It reads
 * the answer to a HEAD without a body, asking {@link ResponseGate} which request is on the connection (one
 * at a time, so no queue of methods is needed). And it catches an upstream out of step within one read:
 * when a final response ends and bytes other than blank lines are left in the same buffer, those bytes
 * answer no request, so the response that just ended cannot be trusted either (the upstream may have put
 * its real end elsewhere). That response's last content is then marked with a {@link DesyncException}:
 * {@link ExchangeHandler} ends the exchange with the bytes its framing declared, tells the listener the
 * response is not to be trusted ({@link ExchangeListener#onUntrusted}: it is passed to its client but
 * never stored), and closes the connection, so the extra bytes reach no one. (A cut-off body instead
 * would break clients over an upstream's own mistake: one HTTP client library waits forever on it.)
 *
 * <p>One per channel; used only on the channel's event loop.
 */
final class ResponseDecoder extends HttpResponseDecoder {
  private static final ByteProcessor BLANK = b -> b == '\r' || b == '\n';

  private final ResponseGate gate;
  private final Desyncs desyncs;

  ResponseDecoder(HttpDecoderConfig config, ResponseGate gate, Desyncs desyncs) {
    super(config);
    this.gate = gate;
    this.desyncs = desyncs;
  }

  /** The cause on a response's last content when bytes followed it in the same read. No stack trace: not a bug here. */
  static final class DesyncException extends RuntimeException {
    DesyncException(int bytes) {
      super(bytes + " bytes after the end of the response", null, false, false);
    }
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      if (code >= 200 && gate.head()) {
        return true;
      }
    }
    return super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    int before = out.size();
    super.decode(ctx, buffer, out);
    int last = out.size() - 1;
    if (last < before || !(out.get(last) instanceof LastHttpContent content) || content.decoderResult().isFailure()) {
      return;
    }
    if (!buffer.isReadable() || buffer.forEachByte(BLANK) == -1 || interimIn(out, before)) {
      return;
    }
    int leftover = buffer.readableBytes();
    desyncs.report(Desync.AFTER_RESPONSE, ctx.channel(), leftover);
    // The last body bytes still belong to the response they end, by its own framing.
    LastHttpContent marked = new DefaultLastHttpContent(content.content());
    marked.trailingHeaders().set(content.trailingHeaders());
    marked.setDecoderResult(DecoderResult.failure(new DesyncException(leftover)));
    out.set(last, marked);
  }

  /** Whether the response ended by this call was a 1xx one: a final response is still to come. */
  private static boolean interimIn(List<Object> out, int from) {
    for (int i = from; i < out.size(); i++) {
      if (out.get(i) instanceof HttpResponse response && response.status().code() < 200) {
        return true;
      }
    }
    return false;
  }
}
