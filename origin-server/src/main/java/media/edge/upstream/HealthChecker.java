package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends {@code HEAD <healthPath>} to every parent each interval: any HTTP response marks it up, anything
 * else (refused, timed out, a name that does not resolve, a certificate that does not verify, reset,
 * garbage) marks it down. Fetches mark a parent down on a failed connect
 * without waiting for this; the checker is what brings it back.
 *
 * <p>Each probe uses its own short-lived connection ({@code Connection: close}), outside the parent's pool:
 * a parent whose pool is saturated is busy, not down, and a probe must not queue behind its traffic. At
 * most one probe per parent runs at a time.
 *
 * <p>Thread-safe: per-parent flags and the channel set are concurrent; probes run on event loops.
 */
final class HealthChecker implements AutoCloseable {
  private final List<Upstream> parents;
  private final List<Connector> connectors;
  private final ParentHealth health;
  private final String path;
  private final String via;
  private final AtomicBoolean[] probing;
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile ScheduledFuture<?> schedule;

  /**
   * {@code connectors} are the parents', in the same order: the same DNS, TLS and failure reports as
   * their pools', so a probe fails for the same reasons a fetch would.
   */
  HealthChecker(List<Upstream> parents, List<Connector> connectors, ParentHealth health, String path, String via) {
    this.parents = List.copyOf(parents);
    this.connectors = List.copyOf(connectors);
    this.health = health;
    this.path = path;
    this.via = via;
    this.probing = new AtomicBoolean[parents.size()];
    for (int i = 0; i < parents.size(); i++) {
      probing[i] = new AtomicBoolean();
    }
  }

  /** Checks every {@code interval}, the first time one interval from now. */
  void start(EventLoopGroup group, Duration interval) {
    long nanos = interval.toNanos();
    schedule = group.next().scheduleWithFixedDelay(this::checkAll, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Probes every parent not already being probed; completes when those probes have ended. */
  CompletableFuture<Void> checkAll() {
    List<CompletableFuture<Void>> probes = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      if (!closed && probing[i].compareAndSet(false, true)) {
        Probe probe = new Probe(i);
        probes.add(probe.done);
        probe.start();
      }
    }
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
  }

  /** Stops checking and closes the probes' connections; their outcomes are then ignored. */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> scheduled = schedule;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    channels.forEach(Channel::close);
  }

  /** One {@code HEAD} to one parent on a new connection. */
  private final class Probe implements ExchangeListener {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int parent;
    private boolean answered;
    private Channel channel;

    Probe(int parent) {
      this.parent = parent;
    }

    void start() {
      ChannelFuture connect = connectors.get(parent).connect();
      channel = connect.channel();
      channels.add(channel);
      channel.closeFuture().addListener(f -> channels.remove(channel));
      if (closed) {
        channel.close();
      }
      connect.addListener(
          f -> {
            if (f.isSuccess()) {
              channel.pipeline().get(ExchangeHandler.class).begin(this, request(), null);
            } else {
              down(f.cause() instanceof Connector.Failed failed
                  ? failed.reason().tag() + " failed: " + failed.getMessage()
                  : "connect failed: " + ErrorText.of(f.cause()));
              finish();
            }
          });
    }

    private FullHttpRequest request() {
      Upstream upstream = parents.get(parent);
      FullHttpRequest request =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              HttpMethod.HEAD,
              upstream.target(path),
              Unpooled.EMPTY_BUFFER,
              new DefaultHttpHeaders(),
              EmptyHttpHeaders.INSTANCE);
      request.headers().set(HttpHeaderNames.HOST, upstream.authority());
      request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      request.headers().set(HttpHeaderNames.VIA, via);
      return request;
    }

    @Override
    public void onResponse(HttpResponse response) {
      answered = true;
      if (!closed) {
        health.markUp(parent);
      }
    }

    @Override
    public void onBody(ByteBuf content) {}

    @Override
    public void onEnd(boolean reusable) {
      channel.close();
      finish();
    }

    @Override
    public void onFailure(UpstreamFailure failure, Progress progress, String detail) {
      if (failure == UpstreamFailure.TLS && !closed) {
        connectors.get(parent).tlsFailed(detail);
      }
      if (!answered) {
        down("health check " + failure.tag() + ": " + detail);
      }
      finish();
    }

    private void down(String why) {
      if (!closed) {
        health.markDown(parent, why);
      }
    }

    private void finish() {
      probing[parent].set(false);
      done.complete(null);
    }
  }
}
