package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Invalidation by unsafe requests (RFC 9111 section 4.4): a successful POST, PUT, DELETE or the
 * like means what we store for its target, and for the URIs its response names in {@code
 * Location} and {@code Content-Location}, may be out of date.
 *
 * <p>Targets are returned in origin form, path plus query when there is one, the same form as the
 * request path passed in. Only same-host URIs are returned: section 4.4 forbids invalidating
 * another host's URIs, which would let one origin evict another's content.
 */
public final class Invalidation {
  private Invalidation() {}

  /** True for a method other than GET, HEAD, OPTIONS and TRACE answered with 2xx or 3xx. */
  public static boolean invalidates(HttpMethod method, int status) {
    boolean safe = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method) || HttpMethod.TRACE.equals(method);
    return !safe && status >= 200 && status < 400;
  }

  /**
   * {@code requestPath} followed by the targets of {@code Location} and {@code Content-Location}
   * when they are relative references (resolved against the request path) or absolute http(s)
   * URIs whose host equals {@code requestHost} (case-insensitive, port ignored as section 4.4
   * compares hosts only). Other or malformed values are ignored; duplicates are dropped.
   */
  public static List<String> targets(String requestPath, HttpHeaders response, String requestHost) {
    List<String> targets = new ArrayList<>(3);
    targets.add(requestPath);
    String host = hostOf(requestHost);
    for (CharSequence name : List.of(HttpHeaderNames.LOCATION, HttpHeaderNames.CONTENT_LOCATION)) {
      String value = response.get(name);
      if (value == null) {
        continue;
      }
      String target = target(requestPath, value.strip(), host);
      if (target != null && !targets.contains(target)) {
        targets.add(target);
      }
    }
    return List.copyOf(targets);
  }

  /** The origin form of {@code reference}, or null when it is malformed or points elsewhere. */
  private static String target(String requestPath, String reference, String requestHost) {
    try {
      URI uri = new URI(reference);
      if (uri.isOpaque()) {
        return null;
      }
      if (uri.getRawAuthority() != null || uri.getScheme() != null) {
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
            || uri.getHost() == null || requestHost == null
            || !uri.getHost().toLowerCase(Locale.ROOT).equals(requestHost)) {
          return null;
        }
        return originForm(uri.normalize());
      }
      if (!requestPath.startsWith("/")) {
        return uri.getRawPath().startsWith("/") ? originForm(uri.normalize()) : null;
      }
      URI base = new URI("http://placeholder" + requestPath);
      if (uri.getRawPath().isEmpty()) {
        // a query-only reference: java.net.URI follows RFC 2396 here, RFC 3986 keeps the path
        String query = uri.getRawQuery() != null ? uri.getRawQuery() : base.getRawQuery();
        return query == null ? base.getRawPath() : base.getRawPath() + "?" + query;
      }
      return originForm(base.resolve(uri));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String originForm(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (!path.startsWith("/")) {
      return null;
    }
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /** The host part of a {@code Host} value, lower-cased, without the port; null when malformed. */
  private static String hostOf(String requestHost) {
    if (requestHost == null || requestHost.isBlank()) {
      return null;
    }
    try {
      String host = new URI("http://" + requestHost.strip()).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
