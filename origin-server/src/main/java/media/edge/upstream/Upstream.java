package media.edge.upstream;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;

/**
 * One configured origin or parent, as an address to connect to and a prefix to put before request paths.
 *
 * @param name {@code host:port}, for metrics, logs and {@link UpstreamListener#onHeaders}
 * @param host the host to connect to, without IPv6 brackets; also the TLS server name and the name its
 *     certificate must carry
 * @param port the port, 80 (or 443 for {@code https://}) when the URI has none
 * @param authority the {@code Host} header value, exactly as configured
 * @param pathPrefix the URI's path without a trailing '/', possibly empty
 * @param tls whether the URI is {@code https://}
 */
record Upstream(String name, String host, int port, String authority, String pathPrefix, boolean tls) {
  private static final int HTTP_PORT = 80;
  private static final int HTTPS_PORT = 443;

  /** Parses a configured URI; anything but a plain {@code http[s]://host[:port][/path]} is refused. */
  static Upstream parse(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid(uri, "only http:// and https:// are supported");
    }
    if (uri.getHost() == null) {
      throw invalid(uri, "no host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(uri, "no user info, query or fragment allowed");
    }
    boolean tls = scheme.equals("https");
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() == -1 ? (tls ? HTTPS_PORT : HTTP_PORT) : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new Upstream(host + ":" + port, bare, port, uri.getRawAuthority(), path, tls);
  }

  /**
   * The address to connect to. An IP literal is the address itself, so it never goes to a resolver; a host
   * name is left unresolved, for the client's resolver to look up at each new connection (from its cache
   * while the answer's TTL lasts), so that DNS changes are followed.
   */
  InetSocketAddress address() {
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
    return literal == null ? InetSocketAddress.createUnresolved(host, port) : new InetSocketAddress(literal, port);
  }

  /** The request target: the prefix, then {@code pathAndQuery} (which starts with '/'), no double slash. */
  String target(String pathAndQuery) {
    return pathPrefix.isEmpty() ? pathAndQuery : pathPrefix + pathAndQuery;
  }

  private static IllegalArgumentException invalid(URI uri, String why) {
    return new IllegalArgumentException(
        "upstream: " + uri + " (expected: http://host[:port][/path] or https://host[:port][/path]; " + why + ")");
  }
}
