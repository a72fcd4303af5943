package media.edge.edge;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import io.micrometer.core.instrument.MeterRegistry;
import media.edge.config.CmcdConfig;
import media.edge.http.Exchange;
import media.edge.http.Request;
import media.edge.http.Responder;
import media.edge.metrics.CacheResult;

/**
 * Edge mode: answers from the cache in front of upstreams. A fresh memory hit is answered on the event
 * loop, as an origin's is; anything else goes through the full lookup (disk tier, a fill in flight, a new
 * fill), and an answer still arriving is streamed by a {@link StreamingWaiter}. Unsafe methods, and
 * answers a fill may not share, are passed upstream uncached ({@link PassThrough}). A player's CMCD
 * next-object hint starts a prefetch first ({@link Prefetcher}).
 *
 * <p>Thread-safe: shared by every connection; per-request state lives in the exchange and the waiter.
 */
public final class EdgeResponder implements Responder {
  /** Methods passed upstream uncached; their success invalidates what is stored for the URL. */
  private static final Set<HttpMethod> PASSED = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
  /** Passed bodies are buffered whole before they go upstream, so they stay small. */
  static final int PASSED_BODY_ALLOWANCE = 1024 * 1024;

  private final EdgeCache cache;
  private final ProxyRequests requests;
  /** Null when CMCD or its prefetch is switched off. */
  private final Prefetcher prefetcher;

  /**
   * @param tokenName the token's query parameter, cookie and header name: never forwarded
   * @param nodeName this node's name in {@code Via}, by which loops are found
   * @param cmcd whether players' next-object hints are prefetched, and within which limits
   * @param registry where the prefetch meters go
   */
  public EdgeResponder(EdgeCache cache, String tokenName, String nodeName, CmcdConfig cmcd, MeterRegistry registry) {
    this.cache = cache;
    this.requests = new ProxyRequests(tokenName, nodeName, cache.cacheKeys(tokenName), cache.liveTargets());
    this.prefetcher = cmcd.enabled() && cmcd.prefetch() ? new Prefetcher(cache, requests, cmcd, registry) : null;
  }

  @Override
  public void respond(Exchange exchange) {
    if (PASSED.contains(exchange.request().method())) {
      pass(exchange, true);
      return;
    }
    if (prefetcher != null && !exchange.cmcd().isEmpty()) {
      prefetcher.consider(exchange);
    }
    ProxyRequest request = requests.cacheable(exchange);
    Lookup.Hit hit = cache.freshMemoryHit(request);
    if (hit != null && serveHit(exchange, hit.response(), hit.tier())) {
      return;
    }
    // From here on the request outlives this call (a disk read, an upstream fetch): off pooled memory.
    exchange.request().detach();
    lookup(exchange, request);
  }

  /** The full lookup; its answer comes back to the exchange's event loop. */
  void lookup(Exchange exchange, ProxyRequest request) {
    StreamingWaiter waiter = new StreamingWaiter(this, exchange, request);
    cache.lookup(request, waiter, found -> onLoop(exchange, () -> answer(exchange, waiter, found), waiter, found));
  }

  private void answer(Exchange exchange, StreamingWaiter waiter, Lookup found) {
    if (found instanceof Lookup.Hit hit) {
      boolean served;
      try {
        served = serveHit(exchange, hit.response(), hit.tier());
      } finally {
        hit.done();
      }
      if (!served) {
        lookup(exchange, waiter.request());
      }
    } else if (found instanceof Lookup.Joined joined) {
      exchange.cacheResult(CacheResult.UPSTREAM);
      if (prefetcher != null && joined.fill().claimPrefetch()) {
        prefetcher.used();
      }
      waiter.attach(joined.fill());
    } else {
      exchange.error(((Lookup.Refused) found).status());
    }
  }

  /** Runs {@code task} on the exchange's thread; if that is gone (shutdown), lets go of what was found. */
  private static void onLoop(Exchange exchange, Runnable task, StreamingWaiter waiter, Lookup found) {
    if (exchange.executor().inEventLoop()) {
      task.run();
      return;
    }
    try {
      exchange.executor().execute(task);
    } catch (RejectedExecutionException e) {
      if (found instanceof Lookup.Joined joined) {
        joined.fill().leave(waiter);
      } else if (found instanceof Lookup.Hit hit) {
        hit.done();
      }
    }
  }

  /** Answers from a stored response; false when it was evicted before its body could be taken. */
  boolean serveHit(Exchange exchange, StoredResponse stored, CacheResult tier) {
    exchange.cacheResult(tier);
    if (prefetcher != null && stored.claimPrefetched()) {
      prefetcher.used();
    }
    return exchange.respond(stored.representation());
  }

  /**
   * Sends a request upstream on its own, uncached: an unsafe method (whose success invalidates the
   * stored URL, with its body), or a request a fill could not answer (without).
   */
  void pass(Exchange exchange, boolean unsafe) {
    exchange.cacheResult(CacheResult.PASS);
    if (cache.pressure().refuses()) {
      exchange.unavailable();
      return;
    }
    exchange.request().detach();
    new PassThrough(cache, exchange, requests.passed(exchange), unsafe ? exchange.request().body().retain() : null, unsafe)
        .start();
  }

  @Override
  public boolean allows(HttpMethod method) {
    return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || PASSED.contains(method);
  }

  @Override
  public int bodyAllowance(HttpMethod method) {
    return PASSED.contains(method) ? PASSED_BODY_ALLOWANCE : BODILESS_ALLOWANCE;
  }

  @Override
  public boolean looped(Request request) {
    return requests.looped(request);
  }
}
