package media.edge.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import media.edge.httpcache.CacheControl;
import media.edge.proxy.ProxyRequest;
import media.edge.upstream.HopByHop;

/**
 * Turns a client request into what the edge cache keys on and sends upstream. The token never
 * leaves this node (query parameter, cookie and header are removed; a path token was already cut by
 * {@link TokenLocator}); conditional and range headers are the cache's own business; Accept-Encoding is
 * dropped so that stored bodies are identity, compressed on the way out by {@link PlaylistCompressor}.
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
      "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length");

  private final String tokenName;
  private final String nodeName;

  ProxyRequests(String tokenName, String nodeName) {
    this.tokenName = tokenName;
    this.nodeName = nodeName;
  }

  /** This node's name in {@code Via}. */
  String nodeName() {
    return nodeName;
  }

  /** The cacheable form of a GET or HEAD. */
  ProxyRequest cacheable(Exchange exchange, FullHttpRequest request) {
    String target = target(exchange.path, request.uri());
    HttpHeaders client = request.headers();
    return new ProxyRequest(
        request.method(),
        target,
        target,
        cacheControl(client),
        exchange.kind,
        () -> {
          HttpHeaders forwarded = endToEnd(exchange, client);
          CACHE_MANAGED.forEach(forwarded::remove);
          return forwarded;
        },
        fields -> varyView(fields, client));
  }

  /** Most requests carry no Cache-Control or Pragma: no parsing then. */
  private static CacheControl cacheControl(HttpHeaders client) {
    return client.contains(HttpHeaderNames.CACHE_CONTROL) || client.contains(HttpHeaderNames.PRAGMA)
        ? CacheControl.parse(client)
        : CacheControl.NONE;
  }

  /**
   * The varied fields as the upstream request would carry them: a field the cache manages itself
   * (conditionals, ranges, Accept-Encoding) is absent; the few fields this class rewrites (cookies,
   * the token, X-Forwarded-For, hop-by-hop ones) take the full, slower path.
   */
  private HttpHeaders varyView(List<String> fields, HttpHeaders client) {
    HttpHeaders view = new DefaultHttpHeaders(false);
    for (String field : fields) {
      if (REWRITTEN.contains(field) || field.equals(tokenName) || isConnectionListed(client, field)) {
        HttpHeaders forwarded = endToEnd(null, client);
        CACHE_MANAGED.forEach(forwarded::remove);
        return forwarded;
      }
      if (!MANAGED_NAMES.contains(field)) {
        for (String value : client.getAll(field)) {
          view.add(field, value);
        }
      }
    }
    return view;
  }

  /** True when {@code field} is one of the names in the client's Connection header (so hop-by-hop). */
  private static boolean isConnectionListed(HttpHeaders client, String field) {
    for (String line : client.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : line.split(",")) {
        if (name.strip().equalsIgnoreCase(field)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The uncached form: the client's own conditionals and ranges go upstream too. Built from the
   * exchange (whose headers outlive the released request), only when a request is passed.
   */
  ProxyRequest passed(Exchange exchange, String uri) {
    String target = target(exchange.path, uri);
    HttpHeaders forwarded = endToEnd(exchange, exchange.headers);
    return new ProxyRequest(
        exchange.method,
        target,
        target,
        cacheControl(exchange.headers),
        exchange.kind,
        () -> forwarded,
        fields -> forwarded);
  }

  /** True when the request already went through this node: forwarding it again would loop. */
  boolean looped(HttpHeaders headers) {
    for (String via : headers.getAll(HttpHeaderNames.VIA)) {
      for (String hop : via.split(",")) {
        String[] parts = hop.strip().split("\\s+");
        if (parts.length >= 2 && parts[1].equalsIgnoreCase(nodeName)) {
          return true;
        }
      }
    }
    return false;
  }

  private HttpHeaders endToEnd(Exchange exchange, HttpHeaders client) {
    HttpHeaders forwarded = HopByHop.strip(client);
    forwarded.remove(HttpHeaderNames.HOST);
    forwarded.remove(HttpHeaderNames.CONTENT_LENGTH);
    forwarded.remove(tokenName);
    String cookie = withoutTokenCookie(forwarded.get(HttpHeaderNames.COOKIE));
    if (cookie == null) {
      forwarded.remove(HttpHeaderNames.COOKIE);
    } else {
      forwarded.set(HttpHeaderNames.COOKIE, cookie);
    }
    if (exchange != null && exchange.client != null) {
      String prior = client.get("x-forwarded-for");
      forwarded.set("x-forwarded-for", prior == null ? exchange.client : prior + ", " + exchange.client);
    }
    return forwarded;
  }

  /** The path (token already cut) and the query without the token parameter. */
  String target(String path, String uri) {
    int question = uri.indexOf('?');
    if (question < 0) {
      return path;
    }
    int hash = uri.indexOf('#', question);
    String query = uri.substring(question + 1, hash < 0 ? uri.length() : hash);
    List<String> kept = new ArrayList<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals(tokenName)) {
        kept.add(pair);
      }
    }
    return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
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
