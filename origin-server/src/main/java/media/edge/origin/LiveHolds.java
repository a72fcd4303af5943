package media.edge.origin;

import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import media.edge.http.Exchange;
import media.edge.http.SafePath;

/**
 * Requests held until the library changes: blocking playlist reloads waiting for a part or a segment,
 * and requests for preload-hinted files that do not exist yet (draft-pantos-hls-rfc8216bis sections
 * 6.2.5.2 and 6.2.6). A held request is a registration under its library key, not a thread: when the
 * {@link LibraryWatch} reports the key changed, one lookup is made for all of its requests and offered
 * to each on its own event loop (one task per loop), which answers those it now satisfies.
 *
 * <p>A request still held when its time is up gets one last look (a change the watch could not see),
 * then its {@link Decision#expired()} answer (503). One whose client goes away is dropped at once.
 *
 * <p>Thread-safe: requests are held from event loops, changes reported from the watch thread.
 */
public final class LiveHolds {
  /** What a held request does with what the library has now; called on the request's event loop. */
  interface Decision {
    /** Answers from {@code content} (or {@code error}) if it satisfies the request; false to keep waiting. */
    boolean offer(Content content, Throwable error);

    /** Answers after the time is up: 503 as a rule. */
    void expired();
  }

  private final ContentStore store;
  private final ConcurrentHashMap<String, Hold> holds = new ConcurrentHashMap<>();
  private final AtomicInteger held = new AtomicInteger();
  private final LongAdder released = new LongAdder();
  private final LongAdder timedOut = new LongAdder();

  LiveHolds(ContentStore store) {
    this.store = store;
  }

  /** Requests held now. */
  public int held() {
    return held.get();
  }

  /** Held requests answered because the library changed (or, at their time limit, had changed unseen). */
  public long released() {
    return released.sum();
  }

  /** Held requests answered 503 because nothing they wait for came in time. */
  public long timedOut() {
    return timedOut.sum();
  }

  /**
   * Holds {@code exchange} on {@code path} for at most {@code timeoutNanos}. Call on the exchange's
   * event loop, after {@code decision} refused {@code seen} (the entry it looked at, or null): if the
   * library moved on meanwhile, it is looked at once more at once.
   */
  void hold(Exchange exchange, SafePath path, long timeoutNanos, CachedFile seen, Decision decision) {
    exchange.request().detach();
    Waiter waiter = new Waiter(exchange, path, decision);
    Hold hold =
        holds.compute(path.key(), (key, existing) -> {
          Hold h = existing == null ? new Hold(path) : existing;
          h.waiters.add(waiter);
          return h;
        });
    held.incrementAndGet();
    waiter.timer = exchange.executor().schedule(waiter::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    exchange.channel().closeFuture().addListener(waiter.onClose);
    Content.Found now = store.freshHit(path);
    if (now == null || now.file() != seen) {
      hold.check();
    }
  }

  /** The library reports {@code key} changed: its held requests, if any, look again. */
  public void changed(String key) {
    Hold hold = holds.get(key);
    if (hold != null) {
      hold.check();
    }
  }

  /** Changes under {@code prefix} may have gone unseen: every request held there looks again. */
  public void lost(String prefix) {
    holds.forEach((key, hold) -> {
      if (key.startsWith(prefix)) {
        hold.check();
      }
    });
  }

  private void leave(Waiter waiter) {
    holds.computeIfPresent(waiter.path.key(), (key, hold) -> {
      hold.waiters.remove(waiter);
      return hold.waiters.isEmpty() ? null : hold;
    });
  }

  /** The requests held on one key, and the one lookup they share. */
  private final class Hold {
    private static final int IDLE = 0;
    private static final int LOOKING = 1;
    private static final int LOOK_AGAIN = 2;

    private final SafePath path;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger state = new AtomicInteger();

    Hold(SafePath path) {
      this.path = path;
    }

    /** Looks the key up for every waiter: at once when idle, else once more after the lookup in flight. */
    void check() {
      while (true) {
        int now = state.get();
        if (now == IDLE && state.compareAndSet(IDLE, LOOKING)) {
          look();
          return;
        }
        if (now == LOOK_AGAIN || (now == LOOKING && state.compareAndSet(LOOKING, LOOK_AGAIN))) {
          return;
        }
      }
    }

    private void look() {
      CompletableFuture<Content> lookup;
      try {
        lookup = store.lookup(path);
      } catch (RuntimeException e) {
        lookup = CompletableFuture.failedFuture(e);
      }
      lookup.whenComplete((content, error) -> {
        offerAll(content, error);
        if (!state.compareAndSet(LOOKING, IDLE)) {
          state.set(LOOKING);
          look();
        }
      });
    }

    /** One task per event loop, offering the result to each of its waiters. */
    private void offerAll(Content content, Throwable error) {
      Map<EventExecutor, List<Waiter>> byLoop = new HashMap<>();
      for (Waiter waiter : waiters) {
        byLoop.computeIfAbsent(waiter.exchange.executor(), loop -> new ArrayList<>()).add(waiter);
      }
      byLoop.forEach((loop, list) -> {
        try {
          loop.execute(() -> list.forEach(waiter -> waiter.offer(content, error)));
        } catch (RejectedExecutionException e) {
          // Shutting down: the connections close with their event loops.
        }
      });
    }
  }

  /** One held request; confined to its exchange's event loop, but for its registration. */
  private final class Waiter {
    private final Exchange exchange;
    private final SafePath path;
    private final Decision decision;
    private final ChannelFutureListener onClose = closed -> gone();
    private ScheduledFuture<?> timer;
    private boolean done;

    Waiter(Exchange exchange, SafePath path, Decision decision) {
      this.exchange = exchange;
      this.path = path;
      this.decision = decision;
    }

    void offer(Content content, Throwable error) {
      if (!done && decision.offer(content, error)) {
        finish();
        released.increment();
      }
    }

    /** The time is up: one last look, then the answer of whatever it found. */
    void expire() {
      if (done) {
        return;
      }
      finish();
      store.lookup(path).whenComplete((content, error) -> {
        try {
          exchange.executor().execute(() -> {
            if (decision.offer(content, error)) {
              released.increment();
            } else {
              timedOut.increment();
              decision.expired();
            }
          });
        } catch (RejectedExecutionException e) {
          // Shutting down.
        }
      });
    }

    private void gone() {
      if (!done) {
        finish();
      }
    }

    private void finish() {
      done = true;
      held.decrementAndGet();
      if (timer != null) {
        timer.cancel(false);
      }
      exchange.channel().closeFuture().removeListener(onClose);
      leave(this);
    }
  }
}
