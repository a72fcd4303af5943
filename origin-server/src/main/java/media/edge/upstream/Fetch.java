package media.edge.upstream;

import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link UpstreamClient#fetch}: walks the candidates, retries where that is safe, and makes sure the
 * caller hears exactly one ending.
 *
 * <p>Retries: a failed connect (refused, timed out, a name that did not resolve, a TLS handshake or
 * certificate that failed, or a pool queue that stayed full) moves on to the next candidate, for any
 * method, since nothing was sent; a reused keep-alive connection that closes or resets before any response
 * byte is retried once per fetch on a fresh connection to the same upstream, because a stale connection
 * says nothing about the upstream's health — but only when nothing was written or the method is
 * idempotent. Nothing is retried once response bytes arrived.
 *
 * <p>Thread-safety: a fetch is only ever in one place, waiting for a connection or running on one, and
 * each hand-over between threads goes through an event loop's task queue or the pool's monitor, which
 * orders the writes before; so fields need no locks. Started on the caller's thread; every callback to the
 * caller runs on an event loop.
 */
final class Fetch implements HostPool.Acquirer, ExchangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(Fetch.class);

  private final UpstreamRequest request;
  private final UpstreamListener listener;
  private final List<Candidate> candidates;
  private final FetchContext context;
  private final EventExecutor home;
  private final HttpHeaders headers;
  private final Timer.Sample sample;

  private int current;
  private boolean freshRetried;
  private Channel channel;
  private boolean reused;
  private int status;
  private boolean done;
  private boolean cancelled;
  private ReadPacing pacing;

  Fetch(
      UpstreamRequest request,
      UpstreamListener listener,
      List<Candidate> candidates,
      FetchContext context,
      EventExecutor home) {
    this.request = request;
    this.listener = listener;
    this.candidates = candidates;
    this.context = context;
    this.home = home;
    this.headers = OutgoingRequest.headers(request, context.via());
    this.sample = context.metrics().start();
  }

  /** Asks the first candidate's pool for a connection; everything else follows from the callbacks. */
  void start() {
    if (context.isClosed()) {
      try {
        home.execute(() -> fail(UpstreamFailure.CLOSED, "client closed"));
      } catch (RejectedExecutionException e) {
        fail(UpstreamFailure.CLOSED, "client closed");
      }
      return;
    }
    candidate().pool().acquire(false, home, this);
  }

  /** See {@link UpstreamCall#cancel()}: runs on this fetch's event loop. */
  void cancel() {
    try {
      home.execute(() -> {
        cancelled = true;
        if (!done && channel != null) {
          channel.close();
        }
      });
    } catch (RejectedExecutionException e) {
      // The group is shutting down: every connection closes anyway.
    }
  }

  @Override
  public void acquired(Channel channel, boolean reused) {
    if (done || cancelled) {
      candidate().pool().release(channel, true);
      fail(UpstreamFailure.CLOSED, "cancelled");
      return;
    }
    this.channel = channel;
    this.reused = reused;
    ByteBuf content = request.body() == null ? Unpooled.EMPTY_BUFFER : request.body().retainedDuplicate();
    FullHttpRequest http = OutgoingRequest.build(request, headers, candidate().upstream(), content);
    channel.pipeline().get(ExchangeHandler.class).begin(this, http, request.responseTimeout());
  }

  @Override
  public void acquireFailed(HostPool.AcquireFailure failure, String detail) {
    if (failure == HostPool.AcquireFailure.CLOSED || context.isClosed()) {
      fail(UpstreamFailure.CLOSED, "client closed");
      return;
    }
    Candidate failed = candidate();
    if (failure != HostPool.AcquireFailure.QUEUE_TIMEOUT && failed.isParent()) {
      // Unreachable, unresolvable or not verifiable: a parent unusable either way until its check passes.
      context.health().markDown(failed.parent(), detail);
    }
    if (current + 1 < candidates.size()) {
      current++;
      context.metrics().retried();
      candidate().pool().acquire(false, home, this);
    } else {
      String tried = candidates.size() > 1 ? " (tried " + candidates.size() + " upstreams)" : "";
      UpstreamFailure outcome = switch (failure) {
        case DNS -> UpstreamFailure.DNS;
        case TLS -> UpstreamFailure.TLS;
        default -> UpstreamFailure.CONNECT;
      };
      fail(outcome, detail + tried);
    }
  }

  @Override
  public void onResponse(HttpResponse response) {
    status = response.status().code();
    pacing = new ReadPacing(channel);
    try {
      listener.onFlow(pacing);
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onFlow", e);
    }
    try {
      listener.onHeaders(response, candidate().upstream().name());
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onHeaders", e);
    }
  }

  @Override
  public void onBody(ByteBuf content) {
    try {
      listener.onContent(content);
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onContent", e);
    }
  }

  @Override
  public void onUntrusted() {
    try {
      listener.onUntrusted();
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onUntrusted", e);
    }
  }

  @Override
  public void onEnd(boolean reusable) {
    endPacing();
    candidate().pool().release(channel, reusable);
    if (done) {
      return;
    }
    done = true;
    releaseBody();
    context.metrics().completed(sample, status);
    try {
      listener.onComplete();
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onComplete", e);
    }
  }

  @Override
  public void onFailure(UpstreamFailure failure, Progress progress, String detail) {
    Candidate failed = candidate();
    endPacing();
    failed.pool().release(channel, false);
    if (context.isClosed()) {
      fail(UpstreamFailure.CLOSED, "client closed");
      return;
    }
    if (failure == UpstreamFailure.TLS) {
      failed.pool().connector().tlsFailed(detail);
    }
    boolean safe = progress == Progress.NOT_SENT || progress == Progress.SENT && request.idempotent();
    if (reused && safe && !freshRetried) {
      freshRetried = true;
      context.metrics().retried();
      failed.pool().acquire(true, home, this);
      return;
    }
    fail(failure, detail);
  }

  /** Reading goes on again before the connection is released: a late pause must not hold it. */
  private void endPacing() {
    if (pacing != null) {
      pacing.end();
      pacing = null;
    }
  }

  private Candidate candidate() {
    return candidates.get(current);
  }

  private void fail(UpstreamFailure failure, String detail) {
    if (done) {
      return;
    }
    done = true;
    releaseBody();
    context.metrics().failed(sample, failure);
    String message = request.method() + " " + request.path() + " from " + candidate().upstream().name() + ": " + detail;
    try {
      listener.onError(failure, message);
    } catch (RuntimeException e) {
      LOG.warn("upstream listener failed in onError", e);
    }
  }

  private void releaseBody() {
    if (request.body() != null) {
      request.body().release();
    }
  }
}
