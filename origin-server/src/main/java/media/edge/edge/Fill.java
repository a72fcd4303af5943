package media.edge.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import media.edge.http.Body;
import media.edge.http.Representation;
import media.edge.httpcache.Serving;
import media.edge.httpcache.Storability;
import media.edge.httpcache.StoredHead;
import media.edge.httpcache.VaryKey;
import media.edge.upstream.UpstreamCall;
import media.edge.upstream.UpstreamFailure;
import media.edge.upstream.UpstreamListener;
import media.edge.upstream.UpstreamRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream fetch shared by every request for the same cache key while it is in flight: the
 * coalescing point. Bytes stream to all waiters as they arrive (each reads slices of the same
 * {@link FillBody}) and, once complete and storable, the body goes into the cache. A fetch that
 * fails midway is never stored; waiters that already sent headers are cut off (their connection is
 * closed, so a player sees an error rather than a short segment), the others get 502/504, or the
 * stale copy when RFC 9111 allows it.
 *
 * <p>A fill may revalidate a stale entry ({@code fallback}): a 304 refreshes that entry's head and
 * answers every waiter with it.
 *
 * <p>Thread-safe: upstream callbacks arrive on the upstream connection's thread, waiters join and
 * read from their own threads; state changes are guarded by {@code this}, body bytes are published
 * by {@link FillBody}.
 */
public final class Fill implements UpstreamListener {
  private static final Logger LOG = LoggerFactory.getLogger(Fill.class);

  /** Where the fill stands. */
  public enum Phase {
    /** Asked upstream, no headers yet. */
    WAITING,
    /** Headers in, bytes arriving; {@link View#available} grows. */
    STREAMING,
    /** Ended with something to serve: {@link View#result}. */
    DONE,
    /** Ended without: waiters still waiting get {@link View#failureStatus}, streaming ones are cut off. */
    FAILED
  }

  /**
   * A consistent snapshot for a waiter.
   *
   * @param headers the upstream's end-to-end headers while streaming
   * @param contentLength the body length, or -1 while unknown
   * @param available bytes received so far
   * @param arriving the answer's representation while streaming: the upstream's fields, the length if
   *     announced, a body still arriving
   * @param result what to serve once {@link Phase#DONE}; holders take {@link StoredResponse#retainedBody()}
   */
  public record View(
      Phase phase,
      Representation arriving,
      long available,
      StoredResponse result,
      int failureStatus,
      boolean member) {}

  private final EdgeCache cache;
  private final String key;
  private final ProxyRequest request;
  private final StoredResponse fallback;
  private final boolean conditional;
  private final long requestMillis;
  private final List<FillWaiter> waiters = new ArrayList<>();
  private final FillWaiter owner;
  /** The Vary fields of the response and the variant this fill fetched, once headers are in. */
  private List<String> varyFields = List.of();
  private String fetchedVariant;
  /** False once a purge or an unsafe request invalidated the key while this fill ran. */
  private boolean storable = true;

  private Phase phase = Phase.WAITING;
  private int status;
  private HttpHeaders headers;
  private StoredHead head;
  private Storability.Decision decision;
  private long contentLength = -1;
  private FillBody body;
  private Representation arriving;
  private StoredResponse result;
  private int failureStatus;
  private boolean ignoreBody;
  private UpstreamCall call;
  private boolean shared = true;
  private boolean cancelWanted;
  /** Where the response is stored: the lookup key, or the variant its Vary selects. */
  private String storeKey;
  /** Told how a CMCD prefetch ended; null for a fill a request (or a revalidation) made. */
  private final PrefetchListener prefetch;
  /** A request joined this prefetch while it ran. */
  private boolean prefetchClaimed;
  private boolean prefetchEnded;

  /** Hears how a prefetch ended. Called once, under the fill's lock: it must only count. */
  interface PrefetchListener {
    void ended(boolean stored);
  }

  /**
   * @param fallback a stale entry being revalidated, retained by this fill until it ends, or null
   * @param owner the request this fetch is made for, joined before the fill is published so no one
   *     can come before it; null for a background revalidation. Only the owner may see an answer
   *     that must not be shared.
   */
  Fill(EdgeCache cache, String key, ProxyRequest request, StoredResponse fallback, FillWaiter owner) {
    this(cache, key, request, fallback, owner, null);
  }

  /** A prefetch: no owner, no fallback; {@code prefetch} hears how it ended. */
  Fill(EdgeCache cache, String key, ProxyRequest request, PrefetchListener prefetch) {
    this(cache, key, request, null, null, prefetch);
  }

  private Fill(
      EdgeCache cache, String key, ProxyRequest request, StoredResponse fallback, FillWaiter owner, PrefetchListener prefetch) {
    this.prefetch = prefetch;
    this.cache = cache;
    this.key = key;
    this.request = request;
    this.fallback = fallback;
    this.owner = owner;
    if (owner != null) {
      waiters.add(owner);
    }
    this.conditional = fallback != null && fallback.head().hasValidators();
    this.requestMillis = cache.nowMillis();
    this.storeKey = key;
  }

  /** The cache key this fill was looked up and registered under. */
  String key() {
    return key;
  }

  /** The key it stores under: {@link #key()}, or the variant its response's Vary selects. */
  synchronized String storeKey() {
    return storeKey;
  }

  /** The request upstream: always a GET (a HEAD miss fills the cache too), conditional when revalidating. */
  UpstreamRequest upstreamRequest() {
    HttpHeaders headers = new DefaultHttpHeaders(false).add(request.forwarded());
    if (conditional) {
      headers.add(fallback.head().conditionalHeaders());
    }
    return new UpstreamRequest(HttpMethod.GET, request.pathAndQuery(), headers, null, request.key(), heldTimeout());
  }

  /**
   * The response timeout of a request the upstream may hold on purpose (a blocking reload, a preload-hinted
   * part asked early: sections 6.2.5.2 and 6.2.6), else null for the usual one.
   */
  private Duration heldTimeout() {
    LiveTargets live = cache.liveTargets();
    String path = request.path();
    boolean held = request.blocking() || (request.kind() != media.edge.hls.ContentKind.PLAYLIST && live.hinted(path));
    return held ? live.holdTimeout(path) : null;
  }

  /** The upstream exchange, so that a body nobody will use can be abandoned. */
  void started(UpstreamCall started) {
    boolean cancel;
    synchronized (this) {
      call = started;
      cancel = cancelWanted;
    }
    if (cancel) {
      started.cancel();
    }
  }

  /** Under this: abandons the upstream exchange now or as soon as it is known. */
  private void abandonUpstream() {
    if (call != null) {
      call.cancel();
    } else {
      cancelWanted = true;
    }
  }

  /** The key was purged or invalidated while this fill ran: what it fetched may be older. */
  synchronized void doNotStore() {
    storable = false;
  }

  /** The upstream was caught out of step right after this response: its waiters get it, the cache does not. */
  @Override
  public void onUntrusted() {
    doNotStore();
  }

  /** Drops a fill that lost the race to be registered and was never started. */
  void discard() {
    if (fallback != null) {
      fallback.release();
    }
  }

  /** True once, for the first request that joined this fill while it was a prefetch: it paid off. */
  synchronized boolean claimPrefetch() {
    if (prefetch == null || prefetchClaimed) {
      return false;
    }
    prefetchClaimed = true;
    return true;
  }

  /** Adds a waiter; false when the fill already ended, and the caller should look up again. */
  synchronized boolean join(FillWaiter waiter) {
    if (phase == Phase.DONE || phase == Phase.FAILED || !shared) {
      return false;
    }
    if (fetchedVariant != null
        && waiter instanceof VaryAware aware
        && !fetchedVariant.equals(VaryKey.of(varyFields, aware.forwarded()))) {
      return false;
    }
    waiters.add(waiter);
    if (phase == Phase.STREAMING) {
      waiter.signal();
    }
    return true;
  }

  /**
   * A snapshot of the fill for {@code waiter}. {@link View#member} is false once the fill let go of
   * the waiter (a redirect is on its way): it must then write nothing from this fill.
   */
  public synchronized View view(FillWaiter waiter) {
    return new View(
        phase,
        arriving,
        body == null ? 0 : body.written(),
        result,
        failureStatus,
        waiters.contains(waiter));
  }

  /**
   * A retained slice of the body from {@code from} to at most {@code to} (see {@link FillBody}); only
   * for offsets below a {@link View#available} the caller has seen, and only before it {@link #leave}s.
   */
  public ByteBuf slice(long from, long to) {
    FillBody current;
    synchronized (this) {
      current = body;
    }
    return current.retainedSlice(from, to);
  }

  /** A waiter is finished with this fill (answered, redirected or disconnected). */
  public void leave(FillWaiter waiter) {
    boolean release;
    synchronized (this) {
      if (!waiters.remove(waiter)) {
        return;
      }
      release = waiters.isEmpty() && (phase == Phase.DONE || phase == Phase.FAILED);
    }
    if (release) {
      releaseHeld();
    }
  }

  // ---- upstream callbacks ------------------------------------------------------------------------

  @Override
  public void onHeaders(HttpResponse response, String upstream) {
    try {
      headersArrived(response);
    } catch (RuntimeException e) {
      broken(e);
    }
  }

  @Override
  public void onContent(ByteBuf chunk) {
    try {
      contentArrived(chunk);
    } catch (RuntimeException e) {
      broken(e);
    }
  }

  @Override
  public void onComplete() {
    try {
      completed();
    } catch (RuntimeException e) {
      broken(e);
    }
  }

  /**
   * A bug of ours must not leave the fill registered and its waiters hanging: it ends as a 502 (the
   * upstream client swallows what a listener throws).
   */
  private void broken(RuntimeException e) {
    LOG.error("edge fill for a request failed", e);
    synchronized (this) {
      ignoreBody = true;
      abandonUpstream();
      if (phase != Phase.DONE && phase != Phase.FAILED) {
        fail(502);
      }
    }
    signalAll();
  }

  private void headersArrived(HttpResponse response) {
    long now = cache.nowMillis();
    int code = response.status().code();
    List<FillWaiter> redirectLookup = List.of();
    List<FillWaiter> redirectPass = List.of();
    cache.upstreamAnswered(code < 500);
    synchronized (this) {
      status = code;
      headers = response.headers();
      if (conditional && code == 304) {
        StoredHead refreshed = refreshed(now);
        if (refreshed != null) {
          fallback.refresh(refreshed);
          cache.rewriteHead(key, fallback);
        }
        // A 304 that does not select the stored response (another ETag) must not update it (RFC 9111
        // section 4.3.4), but it still says the validator we sent matches: serve the copy as it is.
        cache.countRevalidated();
        finishWith(fallback.retain());
        ignoreBody = true;
      } else if (code >= 500 && fallback != null && Serving.mayServeStaleOnError(fallback.head(), request.cacheControl(), now, cache.staleIfErrorMillis())) {
        cache.countStaleServed("error");
        finishWith(fallback.retain());
        ignoreBody = true;
      } else if ((head = headOf(code, headers, now, cache.heuristics().lifetimeMillis(request.kind(), code))) == null) {
        // Header fields no cache may store (control characters, bad names): answered 502, never kept.
        ignoreBody = true;
        fail(502);
      } else {
        decision = code >= 500 ? Storability.Decision.STATUS_NOT_CACHEABLE
            : Storability.decide(HttpMethod.GET, request.forwarded(), code, headers, cache.heuristics().lifetimeMillis(request.kind(), code) >= 0);
        contentLength = bodiless(code) ? 0 : HttpUtil.getContentLength(response, -1L);
        if (contentLength > cache.maxObjectBytes()) {
          // Too large to buffer for everyone: each waiter fetches it alone.
          redirectPass = drainWaiters();
          ignoreBody = true;
          abandonUpstream();
          fail(502);
        } else {
          body = new FillBody(cache.allocator(), contentLength, cache.maxObjectBytes());
          StoredHead streamed = head;
          arriving = Representation.builder(code, cache.answerFields().of(headers, request.kind()), Body.Arriving.INSTANCE)
              .length(contentLength)
              .kind(request.kind())
              .age(streamed::ageSeconds)
              .build();
          phase = Phase.STREAMING;
          if (!shareable(decision)) {
            // Only the first request may see this answer: later ones must not join it.
            shared = false;
            redirectPass = drainAllButOwner();
            cache.ended(this);
          }
          String varyKey = VaryKey.of(headers, request.forwarded());
          List<String> fields = VaryKey.fields(headers);
          if (varyKey != null && !fields.isEmpty()) {
            varyFields = fields;
            fetchedVariant = varyKey;
            cache.rememberVary(request.key(), fields);
            storeKey = cache.variantKey(request.key(), varyKey);
            // Later requests look under the variant's key now: they must find this fill there too.
            cache.alsoUnder(this, storeKey);
            redirectLookup = drainMismatched(fields, varyKey);
          }
        }
      }
    }
    redirectLookup.forEach(w -> w.redirect(false));
    redirectPass.forEach(w -> w.redirect(true));
    signalAll();
  }

  private void contentArrived(ByteBuf chunk) {
    boolean overflow;
    synchronized (this) {
      if (ignoreBody || phase != Phase.STREAMING) {
        return;
      }
      overflow = !body.append(chunk) || (contentLength >= 0 && body.written() > contentLength);
      if (overflow) {
        ignoreBody = true;
        abandonUpstream();
        fail(502);
      } else if (contentLength >= 0 && body.written() == contentLength) {
        // Whole by its announced length: stored now, before any waiter sees its last byte, so that a client
        // that read it all and asks again finds it stored rather than a fill still open.
        complete();
      }
    }
    signalAll();
  }

  private void completed() {
    synchronized (this) {
      if (phase != Phase.STREAMING) {
        return;
      }
      if (contentLength >= 0 && body.written() != contentLength) {
        fail(502); // the upstream client checks the length too; a short body is never stored
      } else {
        complete();
      }
    }
    signalAll();
  }

  /** Under this: the body is whole; store it if it may be, and answer every waiter with it. */
  private void complete() {
    ByteBuf bytes = body.handOver();
    StoredHead finalHead = head;
    if (request.kind() == media.edge.hls.ContentKind.PLAYLIST) {
      finalHead = headOf(status, headers, head.responseMillis(), cache.heuristics().lifetimeMillis(request.kind(), status, bytes));
      if (status == 200) {
        cache.liveTargets().observe(request.path(), bytes);
      }
    }
    StoredResponse complete = cache.newStored(finalHead, bytes, request.kind());
    boolean stored = decision == Storability.Decision.STORE && storable;
    if (stored) {
      if (prefetch != null && !prefetchClaimed) {
        complete.markPrefetched();
      }
      cache.store(storeKey, complete);
    }
    finishWith(complete);
    prefetchEnded(stored && status < 400);
  }

  @Override
  public void onError(UpstreamFailure failure, String message) {
    cache.upstreamAnswered(false);
    synchronized (this) {
      if (phase == Phase.DONE || phase == Phase.FAILED) {
        return;
      }
      long now = cache.nowMillis();
      if (phase == Phase.WAITING
          && fallback != null
          && Serving.mayServeStaleOnError(fallback.head(), request.cacheControl(), now, cache.staleIfErrorMillis())) {
        cache.countStaleServed("error");
        finishWith(fallback.retain());
      } else {
        fail(failure == UpstreamFailure.TIMEOUT ? 504 : 502);
      }
    }
    signalAll();
  }

  /** The stored head updated by this 304, or null when it must not be updated (another ETag, bad fields). */
  private StoredHead refreshed(long now) {
    StoredHead stored = fallback.head();
    if (!stored.isSelectedBy(headers)) {
      return null;
    }
    try {
      return stored.refreshedBy(headers, requestMillis, now, heuristicOf(fallback));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The heuristic lifetime of a stored response: a live playlist's comes from its own body. */
  private long heuristicOf(StoredResponse stored) {
    ByteBuf bytes = stored.retainedBody();
    try {
      return cache.heuristics().lifetimeMillis(request.kind(), stored.head().status(), bytes);
    } finally {
      if (bytes != null) {
        bytes.release();
      }
    }
  }

  private StoredHead headOf(int code, HttpHeaders fields, long responseMillis, long heuristicMillis) {
    try {
      return StoredHead.of(code, fields, requestMillis, responseMillis, heuristicMillis);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ---- state changes (under this) -----------------------------------------------------------------

  private void finishWith(StoredResponse served) {
    result = served;
    phase = Phase.DONE;
    cache.ended(this);
  }

  private void fail(int statusCode) {
    failureStatus = statusCode;
    phase = Phase.FAILED;
    cache.ended(this);
    prefetchEnded(false);
  }

  /** Under this: tells a prefetch's listener, once. */
  private void prefetchEnded(boolean stored) {
    if (prefetch != null && !prefetchEnded) {
      prefetchEnded = true;
      prefetch.ended(stored);
    }
  }

  /** Statuses whose responses never have a body, whatever Content-Length says (RFC 9110 section 6.4.1). */
  private static boolean bodiless(int status) {
    return status < 200 || status == 204 || status == 304;
  }

  /** Private, cookie-setting, no-store, Vary: * and credentialed answers are for the request that asked only. */
  private static boolean shareable(Storability.Decision decision) {
    return switch (decision) {
      case PRIVATE, SET_COOKIE, NO_STORE, VARY_STAR, AUTHORIZATION -> false;
      default -> true;
    };
  }

  private List<FillWaiter> drainWaiters() {
    List<FillWaiter> all = new ArrayList<>(waiters);
    waiters.clear();
    return all;
  }

  /** Everyone but the owner; everyone when the owner is gone (or there is none). */
  private List<FillWaiter> drainAllButOwner() {
    List<FillWaiter> rest = new ArrayList<>(waiters);
    rest.remove(owner);
    waiters.removeAll(rest);
    return rest;
  }

  /** Waiters whose requests select another variant than the one this fill fetched. */
  private List<FillWaiter> drainMismatched(List<String> fields, String fetched) {
    List<FillWaiter> mismatched = new ArrayList<>();
    for (FillWaiter waiter : waiters) {
      if (waiter instanceof VaryAware aware && !fetched.equals(VaryKey.of(fields, aware.forwarded()))) {
        mismatched.add(waiter);
      }
    }
    waiters.removeAll(mismatched);
    return mismatched;
  }

  private void signalAll() {
    List<FillWaiter> current;
    boolean release;
    synchronized (this) {
      current = List.copyOf(waiters);
      release = waiters.isEmpty() && (phase == Phase.DONE || phase == Phase.FAILED);
    }
    current.forEach(FillWaiter::signal);
    if (release) {
      releaseHeld();
    }
  }

  private boolean released;

  /** Drops this fill's own references once it ended and nobody reads it any more. */
  private void releaseHeld() {
    StoredResponse served;
    FillBody unhanded;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      served = result;
      unhanded = body;
    }
    if (served != null) {
      served.release();
    }
    if (unhanded != null) {
      unhanded.release();
    }
    if (fallback != null) {
      fallback.release();
    }
  }

  /** A waiter that can tell which variant it asks for. */
  public interface VaryAware {
    /** The request headers it would send upstream. */
    HttpHeaders forwarded();
  }
}
