package media.edge.upstream;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link UpstreamFlow} of one exchange on one pooled connection: pausing turns the connection's
 * auto-read off. {@link #end} runs on the connection's event loop before the connection goes back to the
 * pool, and a pause that raced with it is undone there, so a pooled connection is never left unread for
 * its next exchange.
 *
 * <p>Thread-safe: Netty's auto-read flag may be set from any thread; {@link #ended} is volatile.
 */
final class ReadPacing implements UpstreamFlow {
  private final Channel channel;
  private volatile boolean ended;

  ReadPacing(Channel channel) {
    this.channel = channel;
  }

  /**
   * Clears auto-read at once, from whatever thread: the connection's read loop checks the flag between
   * two reads, so at most one more read arrives (a hop to the event loop first would let a fast upstream
   * deliver megabytes meanwhile). Should the exchange have ended in between, the task that follows on the
   * event loop turns reading on again before the connection's next exchange reads.
   */
  @Override
  public void pause() {
    if (ended) {
      return;
    }
    channel.config().setAutoRead(false);
    onLoop(() -> {
      if (ended) {
        channel.config().setAutoRead(true);
      }
    });
  }

  @Override
  public void resume() {
    if (!ended) {
      channel.config().setAutoRead(true);
    }
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
