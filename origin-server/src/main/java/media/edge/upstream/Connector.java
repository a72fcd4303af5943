package media.edge.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.UnknownHostException;

/**
 * Opens connections to one upstream, for its pool and its health check alike, so that a connection is
 * handed out only when a request can go on it: the name resolved (by the client's asynchronous resolver,
 * unless it is an IP literal), TCP connected and, for {@code https://}, the TLS handshake done with the
 * certificate verified. A failed attempt is classified once, here, as {@link HostPool.AcquireFailure#DNS}
 * (the resolver's {@link UnknownHostException}), {@link HostPool.AcquireFailure#TLS} (the handshake) or
 * {@link HostPool.AcquireFailure#CONNECT} (anything else), and reported to {@link ConnectFailures}.
 *
 * <p>Waiting for the handshake before handing a connection out is what lets a fetch treat a certificate
 * failure like a refused connect (nothing was sent, so the next upstream may be tried for any method)
 * rather than as a request that failed on the wire.
 *
 * <p>Thread-safe: the bootstrap is only read; each attempt's state lives in its own futures.
 */
final class Connector {
  private final Bootstrap bootstrap;
  private final String name;
  private final ConnectFailures failures;

  /** {@code bootstrap} has the remote address, resolver, options and channel initializer set. */
  Connector(Bootstrap bootstrap, String name, ConnectFailures failures) {
    this.bootstrap = bootstrap;
    this.name = name;
    this.failures = failures;
  }

  /**
   * Starts an attempt. The future's channel exists at once, for the caller's bookkeeping; the future
   * succeeds when the connection is ready for a request, or fails with a {@link Failed} saying why. Its
   * listeners run on the channel's event loop.
   */
  ChannelFuture connect() {
    ChannelFuture connect = bootstrap.connect();
    Channel channel = connect.channel();
    ChannelPromise ready = promiseFor(channel);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        boolean dns = f.cause() instanceof UnknownHostException;
        fail(ready, dns ? HostPool.AcquireFailure.DNS : HostPool.AcquireFailure.CONNECT, ErrorText.of(f.cause()));
        return;
      }
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      if (tls == null) {
        ready.trySuccess();
        return;
      }
      tls.handshakeFuture().addListener(h -> {
        if (h.isSuccess()) {
          ready.trySuccess();
        } else {
          fail(ready, HostPool.AcquireFailure.TLS, "handshake failed, " + ErrorText.tls(h.cause()));
        }
      });
    });
    return ready;
  }

  /** A TLS failure after the handshake (the upstream refused our certificate, say), seen by an exchange. */
  void tlsFailed(String detail) {
    failures.report(HostPool.AcquireFailure.TLS, name, detail);
  }

  /**
   * A promise notified on the channel's event loop, as the bootstrap's own future is; on Netty's global
   * executor, as the bootstrap does too, for a channel that never got a loop (the group is shutting down).
   */
  private static ChannelPromise promiseFor(Channel channel) {
    try {
      channel.eventLoop();
      return channel.newPromise();
    } catch (IllegalStateException notRegistered) {
      return new DefaultChannelPromise(channel, GlobalEventExecutor.INSTANCE);
    }
  }

  private void fail(ChannelPromise ready, HostPool.AcquireFailure reason, String detail) {
    failures.report(reason, name, detail);
    ready.tryFailure(new Failed(reason, detail));
  }

  /** Why an attempt failed; the message is the one-line detail. No stack trace: it is the upstream's doing. */
  static final class Failed extends Exception {
    private final HostPool.AcquireFailure reason;

    Failed(HostPool.AcquireFailure reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    HostPool.AcquireFailure reason() {
      return reason;
    }
  }
}
