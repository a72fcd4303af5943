package media.edge.upstream;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;

/**
 * One configured origin or parent, as an address to connect to and a prefix to put before request paths.
 *
 * @param name {@code host:port}, for metrics, logs and {@link UpstreamListener#onHeaders}
 * @param host the host to connect to, without IPv6 brackets
 * @param port the port, 80 when the URI has none
 * @param authority the {@code Host} header value, exactly as configured
 * @param pathPrefix the URI's path without a trailing '/', possibly empty
 */
record Upstream(String name, String host, int port, String authority, String pathPrefix) {
  private static final int HTTP_PORT = 80;

  /** Parses a configured URI; anything but a plain {@code http://host[:port][/path]} is refused. */
  static Upstream parse(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
      throw invalid(uri, "only http:// is supported");
    }
    if (uri.getHost() == null) {
      throw invalid(uri, "no host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(uri, "no user info, query or fragment allowed");
    }
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() == -1 ? HTTP_PORT : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new Upstream(host + ":" + port, bare, port, uri.getRawAuthority(), path);
  }

  /** The address to connect to, resolved at each connect so that DNS changes are followed. */
  InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The request target: the prefix, then {@code pathAndQuery} (which starts with '/'), no double slash. */
  String target(String pathAndQuery) {
    return pathPrefix.isEmpty() ? pathAndQuery : pathPrefix + pathAndQuery;
  }

  private static IllegalArgumentException invalid(URI uri, String why) {
    return new IllegalArgumentException("upstream: " + uri + " (expected: http://host[:port][/path]; " + why + ")");
  }
}
