package media.edge.upstream;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link UpstreamFlow} of one exchange on one pooled connection: pausing turns the connection's
 * auto-read off. Every change runs on the connection's event loop, where {@link #end} also runs before
 * the connection goes back to the pool, so a pause that arrives late from the client's thread can never
 * leave a pooled connection unread for the next exchange.
 *
 * <p>Confined to the connection's event loop, except {@link #pause} and {@link #resume}, which only hop
 * there.
 */
final class ReadPacing implements UpstreamFlow {
  private final Channel channel;
  private boolean ended;

  ReadPacing(Channel channel) {
    this.channel = channel;
  }

  @Override
  public void pause() {
    onLoop(() -> {
      if (!ended) {
        channel.config().setAutoRead(false);
      }
    });
  }

  @Override
  public void resume() {
    onLoop(() -> {
      if (!ended) {
        channel.config().setAutoRead(true);
      }
    });
  }

  /** The exchange ended: reading is on again for whatever uses the connection next. On its event loop. */
  void end() {
    ended = true;
    channel.config().setAutoRead(true);
  }

  /** True while a pause holds the connection: its read timeout does not run then (the client is slow). */
  static boolean paused(Channel channel) {
    return !channel.config().isAutoRead();
  }

  private void onLoop(Runnable change) {
    if (channel.eventLoop().inEventLoop()) {
      change.run();
      return;
    }
    try {
      channel.eventLoop().execute(change);
    } catch (RejectedExecutionException e) {
      // Shutting down: the connection closes with its event loop.
    }
  }
}
