package media.edge.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * The one place that decides whether a file body may leave as a {@code DefaultFileRegion}, which the
 * kernel sends from the page cache ({@code sendfile}) without the bytes passing through the JVM.
 * Only a plaintext HTTP/1.1 connection can take one: under TLS the bytes must be encrypted in user
 * space ({@code SslHandler} refuses a file region), and on an HTTP/2 stream they must be cut into DATA
 * frames (the stream codec takes only buffers). Those get the file in chunks instead, as Netty's
 * {@code HttpStaticFileServer} does. Memory hits are unaffected: their cached buffers go out as
 * slices everywhere, and only the TLS engine copies them, into records.
 *
 * <p>Stateless; safe from any thread.
 */
final class ZeroCopy {
  private ZeroCopy() {}

  /** True when a file on {@code channel} can be sent with {@code sendfile}. */
  static boolean possible(Channel channel) {
    return !(channel instanceof Http2StreamChannel) && channel.pipeline().get(SslHandler.class) == null;
  }
}
