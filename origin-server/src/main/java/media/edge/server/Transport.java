package media.edge.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The socket implementation ({@code server.transport}): native epoll on Linux (fewer copies and
 * wake-ups, {@code sendfile}), io_uring when asked for (submission batching; measured against epoll in
 * bench/RESULTS.md, where it did not win), NIO elsewhere. The datagram channel is the same family's,
 * for the upstream client's DNS queries, which run on the same event loops.
 */
record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel) {

  /**
   * The transport named {@code choice}: {@code auto} (epoll when its native library loads, else NIO),
   * {@code epoll}, {@code io_uring} or {@code nio}; an unavailable native one is a start-up error.
   */
  static Transport of(String choice) throws StartupException {
    return switch (choice) {
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new StartupException(
              "server.transport: epoll (expected: a transport this machine has; " + Epoll.unavailabilityCause() + ")", null);
        }
        yield epoll();
      }
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          throw new StartupException(
              "server.transport: io_uring (expected: a transport this machine has; " + IoUring.unavailabilityCause() + ")",
              null);
        }
        yield new Transport(
            "io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringDatagramChannel.class);
      }
      case "nio" -> nio();
      default -> Epoll.isAvailable() ? epoll() : nio();
    };
  }

  private static Transport epoll() {
    return new Transport(
        "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
        EpollDatagramChannel.class);
  }

  private static Transport nio() {
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class);
  }
}
