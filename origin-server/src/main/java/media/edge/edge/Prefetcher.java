package media.edge.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.atomic.AtomicInteger;
import media.edge.cmcd.Cmcd;
import media.edge.config.CmcdConfig;
import media.edge.hls.ContentKind;
import media.edge.http.Exchange;
import media.edge.http.SafePath;

/**
 * CMCD prefetch: a player that names the next object it will ask for ({@code nor}, CTA-5004 section
 * 3.3) gets it fetched into the cache while it plays the current one, so that its next request is a hit.
 * The fetch is an ordinary fill: a request for the object meanwhile joins it, and it is stored by the
 * usual rules.
 *
 * <p>Refused, and counted by reason, when:
 * <ul>
 *   <li>the player has {@code cmcd.prefetch-max-buffer} or more buffered ({@code bl}): it is in no hurry;
 *   <li>{@code nor} is not a relative reference to a file in the requested object's folder or below it
 *       (an absolute URL, another host, a {@code ../} escape, a bad path), or the viewer's token does not
 *       admit it: a prefetch fetches only what the viewer could have asked for;
 *   <li>the object is stored (either tier) or being fetched;
 *   <li>the upstream's last answer was a failure: no extra load on an origin in trouble;
 *   <li>{@code cmcd.prefetch-concurrency} prefetches are in flight.
 * </ul>
 * A {@code nrr} without {@code nor} names a range of the object being requested, which its own fill
 * fetches whole: nothing to prefetch.
 *
 * <p>Thread-safe: shared by every connection; the in-flight count is atomic.
 */
final class Prefetcher {
  /** Why a prefetch was not made. */
  enum Skip {
    CACHED("cached"),
    IN_FLIGHT("in_flight"),
    BUFFER_FULL("buffer_full"),
    REFUSED("refused"),
    UPSTREAM_FAILING("upstream_failing"),
    LIMIT("limit");

    final String tag;

    Skip(String tag) {
      this.tag = tag;
    }
  }

  private final EdgeCache cache;
  private final ProxyRequests requests;
  private final long maxBufferMillis;
  private final int concurrency;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter started;
  private final Counter failed;
  private final Counter used;
  private final Counter[] skipped = new Counter[Skip.values().length];
  private final Fill.PrefetchListener ended = this::ended;

  Prefetcher(EdgeCache cache, ProxyRequests requests, CmcdConfig config, MeterRegistry registry) {
    this.cache = cache;
    this.requests = requests;
    this.maxBufferMillis = config.prefetchMaxBuffer().toMillis();
    this.concurrency = config.prefetchConcurrency();
    this.started = Counter.builder("edge.cmcd.prefetch.started")
        .description("Next objects (CMCD nor) fetched ahead of the player's request")
        .register(registry);
    this.failed = Counter.builder("edge.cmcd.prefetch.failed")
        .description("Prefetches that ended without storing a successful answer")
        .register(registry);
    this.used = Counter.builder("edge.cmcd.prefetch.used")
        .description("Prefetched objects a request then asked for (joined in flight, or hit once stored)")
        .register(registry);
    for (Skip reason : Skip.values()) {
      skipped[reason.ordinal()] = Counter.builder("edge.cmcd.prefetch.skipped")
          .description("Next objects not prefetched, by reason")
          .tag("reason", reason.tag)
          .register(registry);
    }
    Gauge.builder("edge.cmcd.prefetch.in.flight", inFlight, AtomicInteger::get)
        .description("Prefetches in flight now (at most cmcd.prefetch-concurrency)")
        .strongReference(true)
        .register(registry);
  }

  /** Starts the prefetch {@code exchange}'s CMCD asks for, if any; call while its request is still readable. */
  void consider(Exchange exchange) {
    Cmcd cmcd = exchange.cmcd();
    String nor = cmcd.string("nor");
    if (nor == null || !HttpMethod.GET.equals(exchange.request().method())) {
      return;
    }
    long buffered = cmcd.integer("bl");
    if (buffered >= maxBufferMillis) {
      skip(Skip.BUFFER_FULL);
      return;
    }
    String target = resolve(exchange.logPath(), nor);
    if (target == null) {
      skip(Skip.REFUSED);
      return;
    }
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    SafePath safe = SafePath.parse(path);
    if (safe.outcome() != SafePath.Outcome.OK || !exchange.tokenAdmits(safe)) {
      skip(Skip.REFUSED);
      return;
    }
    if (cache.upstreamFailing()) {
      skip(Skip.UPSTREAM_FAILING);
      return;
    }
    if (inFlight.incrementAndGet() > concurrency) {
      inFlight.decrementAndGet();
      skip(Skip.LIMIT);
      return;
    }
    ProxyRequest request = requests.prefetch(exchange, path, target, ContentKind.of(safe.key()));
    switch (cache.prefetch(request, ended)) {
      case STARTED -> started.increment();
      case CACHED -> {
        inFlight.decrementAndGet();
        skip(Skip.CACHED);
      }
      case IN_FLIGHT -> {
        inFlight.decrementAndGet();
        skip(Skip.IN_FLIGHT);
      }
    }
  }

  /** A request was answered by what a prefetch brought. */
  void used() {
    used.increment();
  }

  private void ended(boolean stored) {
    inFlight.decrementAndGet();
    if (!stored) {
      failed.increment();
    }
  }

  private void skip(Skip reason) {
    skipped[reason.ordinal()].increment();
  }

  /**
   * {@code nor} resolved against the requested path (both raw, still percent-encoded), with its query;
   * null unless it is a relative-path reference whose target, dot segments removed (RFC 3986 section
   * 5.2), is in the requested object's folder or below it. hls.js sends {@code ../240p/seg_001.ts} for a
   * segment of {@code /demo/240p/}, which stays; {@code ../360p/seg_001.ts} leaves and is refused. No
   * scheme, authority, absolute path, fragment, backslash or empty segment.
   */
  static String resolve(String requestPath, String nor) {
    if (nor.isEmpty() || nor.startsWith("/") || nor.indexOf('\\') >= 0 || nor.indexOf('#') >= 0) {
      return null;
    }
    int question = nor.indexOf('?');
    String relative = question < 0 ? nor : nor.substring(0, question);
    int colon = relative.indexOf(':');
    if (colon >= 0 && relative.lastIndexOf('/', colon) < 0) {
      return null; // a scheme (https:), or a first segment with a colon, which RFC 3986 reads as one
    }
    String folder = requestPath.substring(0, requestPath.lastIndexOf('/') + 1);
    java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
    for (String segment : folder.substring(1).split("/")) {
      if (!segment.isEmpty()) {
        segments.addLast(segment);
      }
    }
    String[] parts = relative.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String segment = parts[i];
      boolean last = i == parts.length - 1;
      if (isDots(segment, 2)) {
        if (segments.isEmpty() || last) {
          return null; // above the root, or a folder rather than a file
        }
        segments.removeLast();
      } else if (isDots(segment, 1)) {
        if (last) {
          return null;
        }
      } else if (segment.isEmpty()) {
        return null;
      } else {
        segments.addLast(segment);
      }
    }
    String resolved = "/" + String.join("/", segments);
    if (!resolved.startsWith(folder) || resolved.length() == folder.length()) {
      return null;
    }
    return question < 0 ? resolved : resolved + nor.substring(question);
  }

  /** True for {@code .} or {@code ..} ({@code n} dots), a dot also written {@code %2e} (RFC 3986 section 6.2.2.2). */
  private static boolean isDots(String segment, int n) {
    String decoded = segment.replace("%2e", ".").replace("%2E", ".");
    return decoded.length() == n && decoded.chars().allMatch(c -> c == '.');
  }
}
