package media.edge.origin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import media.edge.hls.ContentKind;
import media.edge.hls.DeliveryDirectives;
import media.edge.hls.LowLatency;
import media.edge.http.Exchange;
import media.edge.http.Request;
import media.edge.http.Responder;
import media.edge.metrics.CacheResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Origin mode: answers GET and HEAD from the library, through the memory tier. A fresh memory hit is
 * answered on the event loop without a system call; anything else is looked up on a file I/O thread
 * and answered back on the event loop. A path the library does not have goes to the {@code fallback}:
 * 404 for an origin, the edge's cache for an edge that also has a library.
 *
 * <p>Live low-latency playlists (when the store has {@link ContentStore#live()}) also get Delivery
 * Directives (draft-pantos-hls-rfc8216bis section 6.2.5): a blocking reload is answered when the playlist
 * has what it asks for, held ({@link LiveHolds}) until it does, or refused (400) when it asks too far
 * ahead; {@code _HLS_skip} gets the delta update. A request for a preload-hinted file that is not there
 * yet is held until it is. Everything else about the answer (conditionals, compression, the viewer's
 * token) is the same as for any file.
 *
 * <p>Thread-safe: shared by every connection; state lives in the store and the exchange.
 */
public final class OriginResponder implements Responder {
  private static final Logger LOG = LoggerFactory.getLogger(OriginResponder.class);

  private final ContentStore store;
  private final Responder fallback;
  private final LivePlaylists live;
  private final LiveHolds holds;

  /** @param fallback answers what the library lacks, and any method other than GET and HEAD */
  public OriginResponder(ContentStore store, Responder fallback) {
    this.store = store;
    this.fallback = fallback;
    this.live = store.live();
    this.holds = live == null ? null : new LiveHolds(store);
  }

  /** The requests held for live low-latency playlists and hints; null when the store serves none. */
  public LiveHolds holds() {
    return holds;
  }

  @Override
  public void respond(Exchange exchange) {
    HttpMethod method = exchange.request().method();
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
      fallback.respond(exchange);
      return;
    }
    DeliveryDirectives directives = directives(exchange);
    Content.Found hit = store.freshHit(exchange.path());
    if (directives != DeliveryDirectives.NONE) {
      if (hit != null) {
        answerLive(exchange, directives, hit);
      } else {
        store.lookup(exchange.path()).whenComplete((content, error) -> onLoop(exchange, () -> {
          if (!answerLookup(exchange, content, error, true)) {
            answerLive(exchange, directives, (Content.Found) content);
          }
        }));
      }
      return;
    }
    if (hit != null && !awaitsHintedBytes(exchange, hit)) {
      exchange.cacheResult(hit.tier());
      if (exchange.respond(hit.representation())) {
        return;
      }
    }
    lookup(exchange, 0);
  }

  /** A playlist request's Delivery Directives, when live playlists are served; {@code NONE} for the rest. */
  private DeliveryDirectives directives(Exchange exchange) {
    if (live == null || exchange.kind() != ContentKind.PLAYLIST || exchange.request().uri().indexOf("_HLS_") < 0) {
      return DeliveryDirectives.NONE;
    }
    var request = exchange.request();
    return DeliveryDirectives.of(
        request.queryParameter("_HLS_msn"), request.queryParameter("_HLS_part"), request.queryParameter("_HLS_skip"));
  }

  /**
   * Answers a request with Delivery Directives from the playlist found, or holds it. The directives of a
   * playlist that is not live low-latency (or ended) are ignored (section 6.2.5.2).
   */
  private void answerLive(Exchange exchange, DeliveryDirectives directives, Content.Found found) {
    if (!offerLive(exchange, directives, found)) {
      CachedFile file = found.file();
      holds.hold(exchange, exchange.path(), timeoutNanos(file.lowLatency().targetDuration()), file, new LiveHolds.Decision() {
        @Override
        public boolean offer(Content content, Throwable error) {
          return answerLookup(exchange, content, error, false) || offerLive(exchange, directives, (Content.Found) content);
        }

        @Override
        public void expired() {
          exchange.error(503);
        }
      });
    }
  }

  /** Answers from {@code found} if it satisfies the directives; false when the request must wait. */
  private boolean offerLive(Exchange exchange, DeliveryDirectives directives, Content.Found found) {
    CachedFile file = found.file();
    LowLatency lowLatency = file == null ? LowLatency.NONE : file.lowLatency();
    exchange.cacheResult(found.tier());
    if (!lowLatency.blocks()) {
      respond(exchange, found.representation());
      return true;
    }
    if (directives.malformed()) {
      exchange.error(400);
      return true;
    }
    if (!directives.blocking()) {
      respond(exchange, file.representation(directives.skip(), false));
      return true;
    }
    switch (lowLatency.decide(directives.msn(), directives.part())) {
      case READY:
        respond(exchange, file.representation(directives.skip(), true));
        return true;
      case TOO_FAR:
        exchange.error(400);
        return true;
      default:
        return false;
    }
  }

  /**
   * Answers with {@code representation}; when its entry was evicted meanwhile (for a live playlist: the
   * watch saw a newer version), looks the file up once more, which finds that version.
   */
  private void respond(Exchange exchange, media.edge.http.Representation representation) {
    if (!exchange.respond(representation)) {
      lookup(exchange, 1);
    }
  }

  /**
   * Three target durations (section 6.2.5.2: a server that cannot answer a blocking request within them
   * should answer 503), at least one second.
   */
  private static long timeoutNanos(double targetDurationSeconds) {
    return (long) (Math.max(1, 3 * targetDurationSeconds) * 1e9);
  }

  /**
   * True for a ranged request of a preload-hinted part that begins where the file (growing part by part)
   * ends now: the part is not written yet, so the request waits for it rather than getting 416.
   */
  private boolean awaitsHintedBytes(Exchange exchange, Content.Found found) {
    if (live == null || exchange.kind() == ContentKind.PLAYLIST || !exchange.request().contains(HttpHeaderNames.RANGE)) {
      return false;
    }
    LivePlaylists.Hint hint = live.hint(exchange.path().key());
    return hint != null && hint.byteStart() > 0 && found.representation().length() <= hint.byteStart()
        && firstByte(exchange.request().header(HttpHeaderNames.RANGE)) >= hint.byteStart();
  }

  /** The first byte of a {@code bytes=N-} range, or -1. */
  private static long firstByte(String range) {
    if (range == null || !range.startsWith("bytes=")) {
      return -1;
    }
    int dash = range.indexOf('-', 6);
    try {
      return dash < 0 ? -1 : Long.parseLong(range.substring(6, dash).strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Holds a request for a preload-hinted file until it is there (or grew past the hinted start), 3 target durations at most. */
  private void holdForHint(Exchange exchange, LivePlaylists.Hint hint) {
    holds.hold(exchange, exchange.path(), timeoutNanos(hint.targetDurationSeconds()), null, new LiveHolds.Decision() {
      @Override
      public boolean offer(Content content, Throwable error) {
        if (content instanceof Content.Refused refused && refused.status() == Library.Status.NOT_FOUND
            && live.hint(exchange.path().key()) != null) {
          return false;
        }
        if (content instanceof Content.Found found && awaitsHintedBytes(exchange, found)) {
          return false;
        }
        if (!answerLookup(exchange, content, error, false)) {
          Content.Found found = (Content.Found) content;
          exchange.cacheResult(found.tier());
          respond(exchange, found.representation());
        }
        return true;
      }

      @Override
      public void expired() {
        exchange.error(503);
      }
    });
  }

  /** The full lookup, answered back on the exchange's event loop. */
  /** Lookups a playlist gets when its entry keeps being evicted before its answer (a watch seeing new versions). */
  private static final int PLAYLIST_LOOKUPS = 3;

  private void lookup(Exchange exchange, int earlier) {
    store.lookup(exchange.path()).whenComplete((content, error) -> onLoop(exchange, () -> afterLookup(exchange, content, error, earlier)));
  }

  /** Runs {@code task} on the exchange's event loop. */
  private static void onLoop(Exchange exchange, Runnable task) {
    try {
      exchange.executor().execute(task);
    } catch (RejectedExecutionException e) {
      // Shutting down: the connection closes with its event loop.
    }
  }

  /**
   * Answers a lookup that found nothing to serve (an error, a missing or forbidden file) and returns true;
   * false when it found a file, left to the caller. A missing file that a live playlist hints is held
   * until it comes, unless {@code hints} is false (the request is held already).
   */
  private boolean answerLookup(Exchange exchange, Content content, Throwable error, boolean hints) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof RejectedExecutionException) {
        exchange.error(503);
      } else {
        LOG.warn("reading {} failed: {}", exchange.logPath(), cause.toString());
        exchange.error(500);
      }
      return true;
    }
    if (content instanceof Content.Refused refused) {
      LivePlaylists.Hint hint =
          hints && live != null && refused.status() == Library.Status.NOT_FOUND ? live.hint(exchange.path().key()) : null;
      if (hint != null) {
        holdForHint(exchange, hint);
      } else if (refused.status() == Library.Status.FORBIDDEN) {
        exchange.error(403);
      } else {
        fallback.respond(exchange);
      }
      return true;
    }
    return false;
  }

  private void afterLookup(Exchange exchange, Content content, Throwable error, int earlier) {
    if (answerLookup(exchange, content, error, true)) {
      return;
    }
    Content.Found found = (Content.Found) content;
    if (awaitsHintedBytes(exchange, found)) {
      holdForHint(exchange, live.hint(exchange.path().key()));
      return;
    }
    exchange.cacheResult(found.tier());
    if (exchange.respond(found.representation())) {
      return;
    }
    // Evicted between the lookup and now: a tiny tier under pressure, or a live playlist whose watch saw a
    // newer version. A playlist is looked up again (only from memory can it carry the viewer's token, and
    // the new version is what a live viewer wants); anything else goes out from the file at once, which
    // refuses a file that is no longer the version looked up.
    if (earlier + 1 < PLAYLIST_LOOKUPS && exchange.kind() == ContentKind.PLAYLIST) {
      lookup(exchange, earlier + 1);
      return;
    }
    exchange.cacheResult(CacheResult.DISK);
    exchange.respond(found.fromDisk());
  }

  @Override
  public boolean allows(HttpMethod method) {
    return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || fallback.allows(method);
  }

  @Override
  public int bodyAllowance(HttpMethod method) {
    return fallback.bodyAllowance(method);
  }

  @Override
  public boolean looped(Request request) {
    return fallback.looped(request);
  }
}
