package media.edge.upstream;

import io.netty.resolver.InetNameResolver;
import io.netty.resolver.NameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Resolves through Netty's asynchronous DNS resolver, falling back on {@link LastGoodAddresses} when a name
 * stops resolving. A connect picks one of the name's addresses of the family the resolver put first
 * (IPv4 unless the JVM prefers IPv6), at random, so that new connections spread over an origin's
 * addresses; the other family is not mixed in, since a host may have no route for it.
 *
 * <p>One per event loop, as Netty's resolver group makes them; its futures complete on that loop.
 */
final class LastGoodResolver extends InetNameResolver {
  private final NameResolver<InetAddress> dns;
  private final LastGoodAddresses lastGood;

  LastGoodResolver(EventExecutor executor, NameResolver<InetAddress> dns, LastGoodAddresses lastGood) {
    super(executor);
    this.dns = dns;
    this.lastGood = lastGood;
  }

  @Override
  protected void doResolve(String host, Promise<InetAddress> promise) {
    Promise<List<InetAddress>> all = executor().newPromise();
    all.addListener((Future<List<InetAddress>> f) -> {
      if (f.isSuccess()) {
        promise.trySuccess(pick(f.getNow()));
      } else {
        promise.tryFailure(f.cause());
      }
    });
    doResolveAll(host, all);
  }

  @Override
  protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
    dns.resolveAll(host).addListener((Future<List<InetAddress>> f) -> {
      List<InetAddress> addresses = f.isSuccess() ? f.getNow() : List.of();
      if (!addresses.isEmpty()) {
        lastGood.remember(host, addresses);
        promise.trySuccess(addresses);
        return;
      }
      Throwable cause = f.isSuccess() ? new UnknownHostException(host + ": no addresses") : f.cause();
      List<InetAddress> kept = lastGood.recall(host, cause);
      if (kept != null) {
        promise.trySuccess(kept);
      } else {
        promise.tryFailure(cause);
      }
    });
  }

  /** One of the addresses of the first one's family, at random. */
  static InetAddress pick(List<InetAddress> addresses) {
    Class<?> family = addresses.get(0).getClass();
    List<InetAddress> preferred = addresses.stream().filter(a -> a.getClass() == family).toList();
    return preferred.get(ThreadLocalRandom.current().nextInt(preferred.size()));
  }

  @Override
  public void close() {
    dns.close();
  }
}
