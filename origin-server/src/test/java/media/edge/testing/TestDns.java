package media.edge.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server for the tests, on a UDP port of the loopback address, built from Netty's
 * DNS codec: it answers A and AAAA questions for the names it is told ({@link #answer}) with the TTL it is
 * told, and can be made to answer SERVFAIL or NXDOMAIN, or nothing at all, for a name that is to stop
 * resolving. Names it was not told get NXDOMAIN. Every question is counted per name and type.
 *
 * <p>Thread-safe: the tables are concurrent; answers are written on the server's event loop.
 */
public final class TestDns implements AutoCloseable {
  /** What the server says about one name. */
  private record Entry(List<InetAddress> addresses, long ttlSeconds, DnsResponseCode code, boolean silent) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<String, Entry> names = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();
  private final Channel channel;

  private TestDns() throws InterruptedException {
    channel = new Bootstrap()
        .group(group)
        .channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sync()
        .channel();
  }

  /** A server on an ephemeral loopback port. */
  public static TestDns start() {
    try {
      return new TestDns();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where to send queries: the value of {@code upstream.dns.servers}. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** From now on {@code name} resolves to these IP literals (A for IPv4, AAAA for IPv6), with this TTL. */
  public TestDns answer(String name, Duration ttl, String... ips) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      try {
        addresses.add(InetAddress.getByName(ip)); // a literal: parsed, not looked up
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(ip, e);
      }
    }
    names.put(key(name), new Entry(List.copyOf(addresses), ttl.toSeconds(), DnsResponseCode.NOERROR, false));
    return this;
  }

  /** From now on questions about {@code name} get {@code code} (SERVFAIL, NXDOMAIN, REFUSED) and no answer. */
  public TestDns fail(String name, DnsResponseCode code) {
    names.put(key(name), new Entry(List.of(), 0, code, false));
    return this;
  }

  /** From now on questions about {@code name} go unanswered, as when a DNS server is down. */
  public TestDns silence(String name) {
    names.put(key(name), new Entry(List.of(), 0, DnsResponseCode.NOERROR, true));
    return this;
  }

  /** Questions received about {@code name}, of any type. */
  public int questions(String name) {
    return questions(name, "A") + questions(name, "AAAA");
  }

  /** Questions received about {@code name} of {@code type} ({@code A} or {@code AAAA}). */
  public int questions(String name, String type) {
    AtomicInteger count = questions.get(key(name) + " " + type);
    return count == null ? 0 : count.get();
  }

  /** Questions received about any name, of any type. */
  public int questions() {
    return questions.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static String key(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** Answers each query; the decoder's query is released by the base class, the response by the encoder. */
  private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
      if (query.count(DnsSection.QUESTION) == 0) {
        return;
      }
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      String name = key(question.name());
      questions.computeIfAbsent(name + " " + question.type().name(), k -> new AtomicInteger()).incrementAndGet();
      Entry entry = names.get(name);
      if (entry != null && entry.silent()) {
        return;
      }
      DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
      response.addRecord(DnsSection.QUESTION, question);
      if (entry == null) {
        response.setCode(DnsResponseCode.NXDOMAIN);
      } else {
        response.setCode(entry.code());
        for (InetAddress address : entry.addresses()) {
          boolean v4 = address instanceof Inet4Address;
          DnsRecordType type = v4 ? DnsRecordType.A : DnsRecordType.AAAA;
          if (type.equals(question.type()) && (v4 || address instanceof Inet6Address)) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(
                question.name(), type, entry.ttlSeconds(), Unpooled.wrappedBuffer(address.getAddress())));
          }
        }
      }
      ctx.writeAndFlush(response);
    }
  }
}
