package media.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends connections that went quiet for {@code server.idle-timeout}: nothing read, and nothing leaving
 * the send buffer (a slow download in progress is not idle). When the time is up it fires Netty's
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT}, which the end of the pipeline answers by closing (HTTP/2:
 * with GOAWAY).
 *
 * <p>Why not Netty's {@code IdleStateHandler}: watching output, it turns every write's void promise into
 * a real one and adds a listener to it, two allocations per write on the hottest path; this looks at the
 * send buffer's progress once per period instead, and takes the time of each read.
 *
 * <p>Must sit right after the {@link ConnectionTracker}. One instance per connection; confined to its
 * event loop.
 */
final class IdleCloser extends ChannelInboundHandlerAdapter {
  private final long timeoutNanos;
  private long lastActivity;
  private long lastProgress = -1;
  private long lastPending = -1;
  private ScheduledFuture<?> check;

  IdleCloser(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    lastActivity = System.nanoTime();
    if (ctx.channel().isActive()) {
      schedule(ctx, timeoutNanos);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    lastActivity = System.nanoTime();
    if (check == null) {
      schedule(ctx, timeoutNanos);
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastActivity = System.nanoTime();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }

  private void check(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!channel.isOpen()) {
      return;
    }
    long now = System.nanoTime();
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    if (out != null) {
      long progress = out.currentProgress();
      long pending = out.totalPendingWriteBytes();
      if (pending > 0 && (progress != lastProgress || pending != lastPending)) {
        lastActivity = now;
      }
      lastProgress = progress;
      lastPending = pending;
    }
    long idle = now - lastActivity;
    if (idle >= timeoutNanos) {
      check = null;
      ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
      return;
    }
    schedule(ctx, timeoutNanos - idle);
  }
}
