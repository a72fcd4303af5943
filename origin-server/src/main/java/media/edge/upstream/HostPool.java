package media.edge.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to one upstream, at most {@code max} open (idle, busy or connecting). A request
 * that finds none free waits in line for up to the queue timeout.
 *
 * <p>Written rather than taken from {@code io.netty.channel.pool.FixedChannelPool} for three things it does
 * not do: bound open connections rather than acquired ones, hand out a fresh connection on demand (the
 * retry after a stale keep-alive connection must not land on another stale one), and close busy
 * connections on {@link #close()} so that in-flight fetches end promptly.
 *
 * <p>Thread-safe: state is guarded by this object's monitor; callbacks run outside it, on event loops.
 * Idle connections are reused most recently used first, the one least likely to have been closed by the
 * upstream's keep-alive timeout.
 */
final class HostPool {
  /** Receives the outcome of {@link #acquire}. */
  interface Acquirer {
    /** A connection; called on the channel's event loop. {@code reused} says it has served before. */
    void acquired(Channel channel, boolean reused);

    /** No connection; called on an event loop. */
    void acquireFailed(AcquireFailure failure, String detail);
  }

  /** Why {@link #acquire} gave no connection. */
  enum AcquireFailure {
    /** The TCP connect failed: the upstream is unreachable. */
    CONNECT,
    /** The host name did not resolve (and had no last good addresses): nothing to connect to. */
    DNS,
    /** The TLS handshake failed: the upstream is not the one configured, or not one we can talk to. */
    TLS,
    /** Every connection stayed busy for the whole queue timeout: the upstream is busy, not down. */
    QUEUE_TIMEOUT,
    /** The pool was closed. */
    CLOSED;

    /** The metric tag and log word: the lower-case name. */
    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Connector connector;
  private final int max;
  private final long queueTimeoutNanos;
  private final Set<Channel> open = new HashSet<>();
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int connecting;
  private boolean closed;

  /** New connections come from {@code connector}, ready for a request (a TLS one handshaken). */
  HostPool(Connector connector, int max, long queueTimeoutNanos) {
    this.connector = connector;
    this.max = max;
    this.queueTimeoutNanos = queueTimeoutNanos;
  }

  /**
   * Finds a connection: an idle one unless {@code fresh}, else a new one if below the bound, else a place
   * in line. {@code home} runs the queue timeout and failure callbacks that have no channel.
   */
  void acquire(boolean fresh, EventExecutor home, Acquirer acquirer) {
    Channel reuse = null;
    Channel retire = null;
    Waiter waiter = null;
    boolean connect = false;
    synchronized (this) {
      if (!closed) {
        if (fresh) {
          retire = retireIdleIfFull();
        } else {
          reuse = pollActiveIdle();
        }
        if (reuse == null && slots() < max) {
          connecting++;
          connect = true;
        } else if (reuse == null) {
          waiter = new Waiter(acquirer, home);
          waiters.add(waiter);
        }
      }
    }
    if (retire != null) {
      retire.close();
    }
    if (reuse != null) {
      Channel channel = reuse;
      channel.eventLoop().execute(() -> acquirer.acquired(channel, true));
    } else if (connect) {
      connect(acquirer);
    } else if (waiter != null) {
      Waiter queued = waiter;
      queued.timeout = home.schedule(() -> expire(queued), queueTimeoutNanos, TimeUnit.NANOSECONDS);
    } else {
      fail(home, acquirer, AcquireFailure.CLOSED, "client closed");
    }
  }

  /** At the bound, takes the least recently used idle connection out to be closed. Holds the monitor. */
  private Channel retireIdleIfFull() {
    if (slots() < max || idle.isEmpty()) {
      return null;
    }
    Channel retire = idle.pollLast();
    open.remove(retire);
    return retire;
  }

  /** The most recently used idle connection still open (closing ones free their own slot). Holds the monitor. */
  private Channel pollActiveIdle() {
    while (!idle.isEmpty()) {
      Channel candidate = idle.pollFirst();
      if (candidate.isActive()) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Takes back a connection after an exchange: kept (or handed to the next in line) when {@code reusable},
   * otherwise closed. Call exactly once per acquired connection.
   */
  void release(Channel channel, boolean reusable) {
    Waiter waiter = null;
    boolean keep = false;
    synchronized (this) {
      if (reusable && !closed && channel.isActive() && open.contains(channel)) {
        keep = true;
        waiter = waiters.poll();
        if (waiter == null) {
          idle.addFirst(channel);
        }
      }
    }
    if (!keep) {
      channel.close();
    } else if (waiter != null) {
      waiter.cancelTimeout();
      Acquirer next = waiter.acquirer;
      channel.eventLoop().execute(() -> next.acquired(channel, true));
    }
  }

  /** Closes every connection, busy ones included, and fails everyone in line with {@code CLOSED}. */
  void close() {
    List<Channel> channels;
    List<Waiter> waiting;
    synchronized (this) {
      closed = true;
      channels = new ArrayList<>(open);
      idle.clear();
      waiting = new ArrayList<>(waiters);
      waiters.clear();
    }
    channels.forEach(Channel::close);
    for (Waiter waiter : waiting) {
      waiter.cancelTimeout();
      fail(waiter.home, waiter.acquirer, AcquireFailure.CLOSED, "client closed");
    }
  }

  /** Open or connecting connections, for tests. */
  synchronized int openConnections() {
    return open.size() + connecting;
  }

  private int slots() {
    return open.size() + connecting;
  }

  /** The connector of this pool's upstream, which also reports its failures. */
  Connector connector() {
    return connector;
  }

  private void connect(Acquirer acquirer) {
    ChannelFuture connect = connector.connect();
    Channel channel = connect.channel();
    boolean closeNow;
    synchronized (this) {
      connecting--;
      open.add(channel);
      closeNow = closed;
    }
    channel.closeFuture().addListener(f -> closed(channel));
    if (closeNow) {
      channel.close();
    }
    connect.addListener(
        f -> {
          if (f.isSuccess() && !isClosed()) {
            acquirer.acquired(channel, false);
          } else if (isClosed()) {
            channel.close();
            acquirer.acquireFailed(AcquireFailure.CLOSED, "client closed");
          } else if (f.cause() instanceof Connector.Failed failed) {
            acquirer.acquireFailed(failed.reason(), failed.getMessage());
          } else {
            acquirer.acquireFailed(AcquireFailure.CONNECT, ErrorText.of(f.cause()));
          }
        });
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** A connection closed: free its slot, and give the slot to the first in line. */
  private void closed(Channel channel) {
    Waiter waiter = null;
    synchronized (this) {
      if (!open.remove(channel)) {
        return;
      }
      idle.remove(channel);
      if (!closed && slots() < max) {
        waiter = waiters.poll();
        if (waiter != null) {
          connecting++;
        }
      }
    }
    if (waiter != null) {
      waiter.cancelTimeout();
      connect(waiter.acquirer);
    }
  }

  private void expire(Waiter waiter) {
    boolean removed;
    synchronized (this) {
      removed = waiters.remove(waiter);
    }
    if (removed) {
      waiter.acquirer.acquireFailed(
          AcquireFailure.QUEUE_TIMEOUT,
          "all " + max + " connections stayed busy for " + TimeUnit.NANOSECONDS.toMillis(queueTimeoutNanos) + " ms");
    }
  }

  private static void fail(EventExecutor home, Acquirer acquirer, AcquireFailure failure, String detail) {
    try {
      home.execute(() -> acquirer.acquireFailed(failure, detail));
    } catch (RejectedExecutionException e) {
      // The event loop group is shutting down: this thread is the only one left to tell.
      acquirer.acquireFailed(failure, detail);
    }
  }

  /** A request waiting for a connection. */
  private static final class Waiter {
    final Acquirer acquirer;
    final EventExecutor home;
    volatile ScheduledFuture<?> timeout;

    Waiter(Acquirer acquirer, EventExecutor home) {
      this.acquirer = acquirer;
      this.home = home;
    }

    void cancelTimeout() {
      ScheduledFuture<?> scheduled = timeout;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }
}
