package media.edge.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import media.edge.hls.LowLatency;
import media.edge.hls.PlaylistPaths;

/**
 * What the edge learns from the live low-latency playlists it passes on: each one's target duration, and
 * the paths their preload hints name. A request the upstream will hold (a blocking reload of such a
 * playlist, a hinted part asked early) then waits for response headers three target durations and a
 * second (the origin answers 503 after three), not the usual {@code upstream.response-timeout}; and a
 * hinted part's key drops the viewers' own parameters so that they share one fill.
 *
 * <p>Bounded: at most {@link #MAX_PATHS} paths of each kind, forgotten a minute after last seen.
 *
 * <p>Thread-safe.
 */
final class LiveTargets {
  static final int MAX_PATHS = 10_000;
  /** A playlist names "CAN-BLOCK-RELOAD=YES" in its header: a cheap look before a full parse. */
  private static final ByteBuf MARK =
      Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("CAN-BLOCK-RELOAD", StandardCharsets.US_ASCII)).asReadOnly();

  private final Duration responseTimeout;
  private final Duration holdTimeout;
  private final Cache<String, Double> playlists = cache();
  private final Cache<String, Double> hints = cache();

  /**
   * @param responseTimeout {@code upstream.response-timeout}: a held request never waits less
   * @param holdTimeout {@code upstream.hold-timeout}: the wait before a target duration is known
   */
  LiveTargets(Duration responseTimeout, Duration holdTimeout) {
    this.responseTimeout = responseTimeout;
    this.holdTimeout = holdTimeout;
  }

  private static Cache<String, Double> cache() {
    return Caffeine.newBuilder().maximumSize(MAX_PATHS).expireAfterWrite(Duration.ofMinutes(1)).executor(Runnable::run).build();
  }

  /** Reads a playlist stored for {@code path} (without its query). */
  void observe(String path, ByteBuf body) {
    if (ByteBufUtil.indexOf(MARK, body) < 0) {
      return;
    }
    LowLatency lowLatency = LowLatency.parse(body.toString(StandardCharsets.UTF_8));
    if (!lowLatency.blocks()) {
      return;
    }
    double target = lowLatency.targetDuration();
    playlists.put(path, target);
    for (LowLatency.Hint hint : lowLatency.preloadHints()) {
      String hinted = PlaylistPaths.resolve(path, hint.uri());
      if (hinted != null) {
        hints.put(hinted, target);
      }
    }
  }

  /** True when a live playlist recently hinted {@code path}: its request may be held upstream. */
  boolean hinted(String path) {
    return hints.getIfPresent(path) != null;
  }

  /**
   * How long to wait for the headers of a request the upstream may hold: a blocking reload of
   * {@code path}, or a hinted {@code path}.
   */
  Duration holdTimeout(String path) {
    Double target = playlists.getIfPresent(path);
    if (target == null) {
      target = hints.getIfPresent(path);
    }
    if (target == null) {
      return holdTimeout;
    }
    Duration held = Duration.ofMillis((long) (3000 * target) + 1000);
    return held.compareTo(responseTimeout) > 0 ? held : responseTimeout;
  }
}
