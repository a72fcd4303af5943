package media.edge.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Listening sockets, connection limits and lifecycle.
 *
 * @param bind address the data port binds to ({@code server.bind})
 * @param port data port; 0 picks a free one ({@code server.port})
 * @param adminPort metrics and health port; 0 picks a free one ({@code server.admin-port})
 * @param adminBind address the admin port binds to; loopback by default, since it can purge
 *     ({@code server.admin-bind})
 * @param idleTimeout a connection with no traffic for this long is closed ({@code server.idle-timeout})
 * @param drainTimeout on SIGTERM, how long in-flight responses may take before exit ({@code server.drain-timeout})
 * @param headerTimeout a request must arrive whole (head, and a body up to 8 KiB) within this long of its
 *     first byte, however it trickles in; else 408 and the connection closes ({@code server.header-timeout})
 * @param sendTimeout an answer whose client takes nothing for this long is cut off: no byte leaves its
 *     send buffer, or a body paused for the client waits this long ({@code server.send-timeout})
 * @param maxConnections open data connections at most; past it a new one is closed at once and counted, and
 *     {@code /readyz} says 503; 0 means the process's descriptor limit less a reserve for files and
 *     upstreams ({@code server.max-connections})
 * @param maxUriBytes longest request line accepted; longer gets 414 ({@code server.max-uri-bytes})
 * @param maxHeaderBytes largest header block accepted; larger gets 431 ({@code server.max-header-bytes})
 * @param ioThreads event-loop threads; 0 means one per core ({@code server.io-threads})
 * @param fileThreads threads that read files from disk off the event loop ({@code server.file-threads})
 * @param trustedProxies IP addresses and CIDR blocks (IPv4 or IPv6, such as {@code 10.0.0.0/8} or
 *     {@code fd00::/8}, no host bits set) of load balancers; only from these direct peers is
 *     {@code X-Forwarded-For} believed ({@code server.trusted-proxies})
 * @param proxyProtocol every data connection starts with a PROXY protocol v1/v2 header, accepted only
 *     from trusted proxies, which names the client ({@code server.proxy-protocol})
 * @param tls HTTPS on the data port ({@code server.tls.*})
 * @param transport the socket implementation: auto (epoll where it loads, else NIO), epoll, io_uring or
 *     nio ({@code server.transport})
 */
public record ServerConfig(
    String bind,
    int port,
    int adminPort,
    String adminBind,
    Duration idleTimeout,
    Duration drainTimeout,
    Duration headerTimeout,
    Duration sendTimeout,
    int maxConnections,
    int maxUriBytes,
    int maxHeaderBytes,
    int ioThreads,
    int fileThreads,
    List<String> trustedProxies,
    boolean proxyProtocol,
    TlsConfig tls,
    String transport) {

  public ServerConfig {
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(adminBind, "adminBind");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(transport, "transport");
  }

  /** Returns a copy listening on other ports (0 = ephemeral). */
  public ServerConfig withPorts(int port, int adminPort) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with the admin port bound to another address. */
  public ServerConfig withAdminBind(String adminBind) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy bound to another address. */
  public ServerConfig withBind(String bind) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with another idle timeout. */
  public ServerConfig withIdleTimeout(Duration idleTimeout) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with other proxy settings. */
  public ServerConfig withProxies(List<String> trustedProxies, boolean proxyProtocol) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with another drain deadline. */
  public ServerConfig withDrainTimeout(Duration drainTimeout) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with other limits on what one client may hold: request time, send stalls, connections. */
  public ServerConfig withClientLimits(Duration headerTimeout, Duration sendTimeout, int maxConnections) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes,
        maxHeaderBytes, ioThreads, fileThreads, trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy on another transport. */
  public ServerConfig withTransport(String transport) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }

  /** Returns a copy with other TLS settings. */
  public ServerConfig withTls(TlsConfig tls) {
    return new ServerConfig(
        bind, port, adminPort, adminBind, idleTimeout, drainTimeout, headerTimeout, sendTimeout, maxConnections, maxUriBytes, maxHeaderBytes, ioThreads, fileThreads,
        trustedProxies, proxyProtocol, tls, transport);
  }
}
