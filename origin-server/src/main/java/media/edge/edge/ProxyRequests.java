package media.edge.edge;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import io.netty.handler.codec.http.HttpMethod;
import media.edge.cmcd.CmcdReader;
import media.edge.hls.ContentKind;
import media.edge.http.Exchange;
import media.edge.http.Request;
import media.edge.httpcache.CacheControl;
import media.edge.upstream.HopByHop;
import media.edge.upstream.SteeringFields;

/**
 * Turns a client request into what the edge cache keys on and sends upstream. The token never
 * leaves this node (query parameter, cookie and header are removed; a path token was already cut by
 * the gate); conditional and range headers are the cache's own business; Accept-Encoding is dropped so
 * that stored bodies are identity, compressed on the way out by the answer itself; CMCD headers, read
 * here, stay here.
 *
 * <p>Immutable and thread-safe.
 */
final class ProxyRequests {
  private static final List<CharSequence> CACHE_MANAGED = List.of(
      HttpHeaderNames.IF_NONE_MATCH,
      HttpHeaderNames.IF_MODIFIED_SINCE,
      HttpHeaderNames.IF_MATCH,
      HttpHeaderNames.IF_UNMODIFIED_SINCE,
      HttpHeaderNames.IF_RANGE,
      HttpHeaderNames.RANGE,
      HttpHeaderNames.ACCEPT_ENCODING);

  /** Lower-case names of the fields removed from cacheable requests. */
  private static final Set<String> MANAGED_NAMES =
      CACHE_MANAGED.stream().map(n -> n.toString().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  /** Fields whose upstream value differs from the client's for reasons other than removal. */
  private static final Set<String> REWRITTEN = Set.of(
      "cookie", "x-forwarded-for", "host", "connection", "keep-alive", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length",
      "cmcd-request", "cmcd-object", "cmcd-status", "cmcd-session");

  private final String tokenName;
  private final String nodeName;
  private final CacheKeys keys;
  private final LiveTargets live;

  ProxyRequests(String tokenName, String nodeName, CacheKeys keys, LiveTargets live) {
    this.tokenName = tokenName;
    this.nodeName = nodeName;
    this.keys = keys;
    this.live = live;
  }

  /** True for a field the cache manages itself and never forwards: every request has it the same, upstream. */
  static boolean managed(String field) {
    return MANAGED_NAMES.contains(field.toLowerCase(Locale.ROOT));
  }

  /** This node's name in {@code Via}. */
  String nodeName() {
    return nodeName;
  }

  /**
   * The cacheable form of a GET or HEAD. A playlist request with Delivery Directives, or one for a part a
   * live playlist hinted, is a live request: keyed by its directives alone (see {@link CacheKeys}), and
   * one the upstream may hold.
   */
  ProxyRequest cacheable(Exchange exchange) {
    Request client = exchange.request();
    return cacheable(client.method(), exchange.logPath(), client.queryWithout(keys.tokenName()), exchange.kind(),
        cacheControl(client), new Cacheable(exchange));
  }

  /**
   * The request a CMCD prefetch makes for {@code path} (raw, as a player will ask for it) with the query
   * of {@code target}, keyed as that player's request will be; the viewer's headers are copied now, since
   * the fetch outlives the viewer's request.
   */
  ProxyRequest prefetch(Exchange exchange, String path, String target, ContentKind kind) {
    HttpHeaders forwarded = endToEnd(exchange, exchange.request());
    CACHE_MANAGED.forEach(forwarded::remove);
    return cacheable(HttpMethod.GET, path, CacheKeys.query(target), kind, CacheControl.NONE, new Passed(forwarded));
  }

  private ProxyRequest cacheable(
      HttpMethod method, String path, String query, ContentKind kind, CacheControl cacheControl, ProxyRequest.Headers source) {
    boolean playlist = kind == ContentKind.PLAYLIST;
    boolean directives = playlist && CacheKeys.hasDirectives(query);
    boolean liveRequest = directives || (!playlist && query != null && live.hinted(path));
    String target = keys.of(path, query, liveRequest);
    return new ProxyRequest(method, target, target, cacheControl, kind, source, directives && CacheKeys.blocks(query));
  }

  /** A cacheable request's upstream headers: built from the client's only when a fill or a Vary asks. */
  private final class Cacheable implements ProxyRequest.Headers {
    private final Exchange exchange;

    Cacheable(Exchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public HttpHeaders forwarded() {
      HttpHeaders forwarded = endToEnd(exchange, exchange.request());
      CACHE_MANAGED.forEach(forwarded::remove);
      return forwarded;
    }

    @Override
    public HttpHeaders vary(List<String> fields) {
      return varyView(fields, exchange, exchange.request());
    }
  }

  /** A passed request's upstream headers, copied once. */
  private record Passed(HttpHeaders forwarded) implements ProxyRequest.Headers {
    @Override
    public HttpHeaders vary(List<String> fields) {
      return forwarded;
    }
  }

  /** Most requests carry no Cache-Control or Pragma: no parsing then. */
  private static CacheControl cacheControl(Request client) {
    return client.contains(HttpHeaderNames.CACHE_CONTROL) || client.contains(HttpHeaderNames.PRAGMA)
        ? CacheControl.parse(client.copyHeaders())
        : CacheControl.NONE;
  }

  /**
   * The varied fields as the upstream request would carry them: a field the cache manages itself
   * (conditionals, ranges, Accept-Encoding) or that is never forwarded ({@link SteeringFields}) is absent; the few fields this class rewrites (cookies,
   * the token, X-Forwarded-For, hop-by-hop ones) take the full, slower path.
   */
  private HttpHeaders varyView(List<String> fields, Exchange exchange, Request client) {
    HttpHeaders view = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (String field : fields) {
      if (REWRITTEN.contains(field) || field.equals(tokenName) || isConnectionListed(client, field)) {
        HttpHeaders forwarded = endToEnd(exchange, client);
        CACHE_MANAGED.forEach(forwarded::remove);
        return forwarded;
      }
      if (!MANAGED_NAMES.contains(field) && !SteeringFields.contains(field)) {
        for (String value : client.headers(field)) {
          view.add(field, value);
        }
      }
    }
    return view;
  }

  /** True when {@code field} is one of the names in the client's Connection header (so hop-by-hop). */
  private static boolean isConnectionListed(Request client, String field) {
    for (String line : client.headers(HttpHeaderNames.CONNECTION)) {
      for (String name : line.split(",")) {
        if (name.strip().equalsIgnoreCase(field)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The uncached form: the client's own conditionals and ranges go upstream too. Its headers are copied
   * now, so that it stays valid after the answer ends.
   */
  ProxyRequest passed(Exchange exchange) {
    Request client = exchange.request();
    String target = keys.of(exchange.logPath(), client.queryWithout(keys.tokenName()), false);
    return new ProxyRequest(
        client.method(), target, target, cacheControl(client), exchange.kind(), new Passed(endToEnd(exchange, client)), false);
  }

  /** True when the request already went through this node: forwarding it again would loop. */
  boolean looped(Request request) {
    if (!request.contains(HttpHeaderNames.VIA)) {
      return false;
    }
    for (String via : request.headers(HttpHeaderNames.VIA)) {
      for (String hop : via.split(",")) {
        String[] parts = hop.strip().split("\\s+");
        if (parts.length >= 2 && parts[1].equalsIgnoreCase(nodeName)) {
          return true;
        }
      }
    }
    return false;
  }

  private HttpHeaders endToEnd(Exchange exchange, Request request) {
    HttpHeaders client = request.copyHeaders();
    HttpHeaders forwarded = HopByHop.strip(client);
    forwarded.remove(HttpHeaderNames.HOST);
    forwarded.remove(HttpHeaderNames.CONTENT_LENGTH);
    forwarded.remove(tokenName);
    // CMCD is this node's to read (the gate did): like the CMCD query parameter, never forwarded.
    CmcdReader.HEADERS.forEach(forwarded::remove);
    String cookie = withoutTokenCookie(forwarded.get(HttpHeaderNames.COOKIE));
    if (cookie == null) {
      forwarded.remove(HttpHeaderNames.COOKIE);
    } else {
      forwarded.set(HttpHeaderNames.COOKIE, cookie);
    }
    if (exchange.client() != null) {
      String prior = client.get("x-forwarded-for");
      forwarded.set("x-forwarded-for", prior == null ? exchange.client() : prior + ", " + exchange.client());
    }
    return forwarded;
  }

  private String withoutTokenCookie(String header) {
    if (header == null) {
      return null;
    }
    List<String> kept = new ArrayList<>();
    String prefix = tokenName.toLowerCase(Locale.ROOT) + "=";
    for (String cookie : header.split(";")) {
      String trimmed = cookie.strip();
      if (!trimmed.isEmpty() && !trimmed.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        kept.add(trimmed);
      }
    }
    return kept.isEmpty() ? null : String.join("; ", kept);
  }
}
