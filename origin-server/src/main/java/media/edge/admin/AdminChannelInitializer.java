package media.edge.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/** Composes the admin pipeline: codec, aggregator, {@link AdminHandler}; idle scrapers are cut after 60 s. */
public final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final AdminHandler handler;

  public AdminChannelInitializer(AdminHandler handler) {
    this.handler = handler;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel
        .pipeline()
        .addLast(new ReadTimeoutHandler(60))
        .addLast(new HttpServerCodec())
        .addLast(new HttpObjectAggregator(8192))
        .addLast(handler);
  }
}
