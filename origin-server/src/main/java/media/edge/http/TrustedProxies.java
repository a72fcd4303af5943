package media.edge.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the viewer's address behind load balancers. {@code X-Forwarded-For} is only believed when
 * the direct peer is a configured proxy, and then read from the right, skipping every hop that is
 * itself a trusted proxy, as nginx's {@code real_ip_recursive} does: the first untrusted address is
 * the client. Anyone can send the header, so trusting it from anywhere would let a viewer pick the
 * address an {@code ip=} token is checked against.
 *
 * <p>Immutable and thread-safe.
 */
final class TrustedProxies {
  private final List<Block> blocks;

  /** An address block: {@code prefix} bits of {@code network} must match. */
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** Parses addresses and CIDR blocks already validated by the configuration ({@code server.trusted-proxies}). */
  static TrustedProxies of(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      byte[] network = literal(host);
      if (network == null) {
        throw new IllegalArgumentException("server.trusted-proxies: not an IP address or block");
      }
      int bits = network.length * 8;
      int prefix = slash < 0 ? bits : Math.min(bits, Integer.parseInt(entry.substring(slash + 1)));
      blocks.add(new Block(network, prefix));
    }
    return new TrustedProxies(blocks);
  }

  /** True when no proxy is trusted: the direct peer is the client. */
  boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** True when the direct peer is a trusted proxy. */
  boolean trustsPeer(SocketAddress peer) {
    return !blocks.isEmpty() && trusted(text(peer));
  }

  /** The text of each connection's peer address, made once per connection. */
  private static final AttributeKey<String> PEER = AttributeKey.valueOf("edge.peer");

  /**
   * The client's address as text: the connection's peer, or the address a trusted proxy named in a
   * PROXY protocol header, or, from a trusted proxy, the first untrusted hop of {@code X-Forwarded-For}
   * read from the right.
   *
   * @param connection the connection (for an HTTP/2 stream, its parent)
   */
  String client(Channel connection, Request request) {
    String proxied = connection.attr(ProxyProtocolHandler.SOURCE).get();
    return client(proxied != null ? proxied : peer(connection), request);
  }

  /** The client's address as text, from the direct peer's (or the PROXY header's) address {@code direct}. */
  String client(String direct, Request request) {
    if (blocks.isEmpty() || !trusted(direct)) {
      return direct;
    }
    List<String> hops = new ArrayList<>();
    for (String header : request.headers("x-forwarded-for")) {
      for (String hop : header.split(",")) {
        hops.add(hop.strip());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (literal(hop) == null) {
        return direct; // a malformed hop: believe nothing further left
      }
      if (!trusted(hop)) {
        return canonical(hop);
      }
    }
    return hops.isEmpty() ? direct : canonical(hops.get(0));
  }

  /** The connection's peer address as text, kept on the connection after the first request. */
  String peer(Channel connection) {
    String peer = connection.attr(PEER).get();
    if (peer == null) {
      peer = text(connection.remoteAddress());
      connection.attr(PEER).set(peer);
    }
    return peer;
  }

  static String text(SocketAddress peer) {
    return peer instanceof InetSocketAddress
        ? ((InetSocketAddress) peer).getAddress().getHostAddress()
        : String.valueOf(peer);
  }

  /** The same text for the same address however it was written ({@code ::1} and {@code 0:0:...:1}). */
  static String canonical(String literal) {
    byte[] bytes = literal(literal);
    if (bytes == null) {
      return literal;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return literal;
    }
  }

  private boolean trusted(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of an IP literal, or null for anything else. Netty's parser, as the token check uses:
   * never a DNS lookup, and one notion of "an address" across the server.
   */
  static byte[] literal(String text) {
    return text.length() > 45 ? null : NetUtil.createByteArrayFromIpAddressString(text);
  }
}
