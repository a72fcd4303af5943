package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Notes whether any byte arrived since the last {@link #reset()}. Sits before the HTTP codec, because the
 * codec shows nothing of a half-received status line, and a request must never be resent once the upstream
 * has started to answer it.
 *
 * <p>One per channel; used only on the channel's event loop.
 */
final class ResponseBytes extends ChannelInboundHandlerAdapter {
  private boolean seen;

  boolean seen() {
    return seen;
  }

  void reset() {
    seen = false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
      seen = true;
    }
    ctx.fireChannelRead(msg);
  }
}
