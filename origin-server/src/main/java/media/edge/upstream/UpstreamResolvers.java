package media.edge.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.NameResolver;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import media.edge.config.UpstreamDnsConfig;

/**
 * How one client resolves upstream host names: Netty's asynchronous {@code DnsNameResolver}, one per event
 * loop, so that a lookup never blocks a loop the way the JDK's resolver does, sharing one cache that keeps
 * each answer for its TTL. {@code /etc/hosts} is read first; the servers are {@code /etc/resolv.conf}'s
 * (with its search domains and ndots) unless {@code upstream.dns.servers} names others, tried in order.
 * Each query waits at most the connect timeout, and a truncated answer is asked again over TCP. A name
 * that stops resolving falls back on {@link LastGoodAddresses}.
 *
 * <p>Only host names get here: {@link Upstream#address()} makes IP literals resolved addresses, which
 * the bootstrap connects to without asking a resolver.
 *
 * <p>Thread-safe, as Netty's resolver group is; {@link #close()} closes every loop's resolver.
 */
final class UpstreamResolvers extends DnsAddressResolverGroup {
  private final LastGoodAddresses lastGood;

  private UpstreamResolvers(DnsNameResolverBuilder builder, LastGoodAddresses lastGood) {
    super(builder);
    this.lastGood = lastGood;
  }

  /** The channel types are the transport's, so that the resolvers' channels run on the client's event loops. */
  static UpstreamResolvers create(
      UpstreamDnsConfig config,
      Class<? extends DatagramChannel> datagramChannel,
      Class<? extends SocketChannel> socketChannel,
      Duration queryTimeout,
      LastGoodAddresses lastGood) {
    DnsNameResolverBuilder builder =
        new DnsNameResolverBuilder()
            .datagramChannelType(datagramChannel)
            .socketChannelType(socketChannel)
            .queryTimeoutMillis(Math.max(1, queryTimeout.toMillis()))
            .nameServerProvider(
                config.servers().isEmpty()
                    ? DnsServerAddressStreamProviders.platformDefault()
                    : new SequentialDnsServerAddressStreamProvider(config.servers().toArray(new InetSocketAddress[0])));
    return new UpstreamResolvers(builder, lastGood);
  }

  @Override
  protected AddressResolver<InetSocketAddress> newAddressResolver(EventLoop eventLoop, NameResolver<InetAddress> resolver) {
    return new LastGoodResolver(eventLoop, resolver, lastGood).asAddressResolver();
  }
}
