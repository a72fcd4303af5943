package media.edge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.List;

/**
 * Netty's HTTP/2 stream codec, which turns a stream's frames into the HTTP/1.1 objects
 * {@link FileHandler} reads ({@code :authority} becomes {@code Host}, cookie crumbs are joined) and
 * its answers back into frames (dropping {@code Connection}, {@code Keep-Alive} and
 * {@code Transfer-Encoding}, which HTTP/2 forbids). It also adds {@code x-http2-stream-id} and
 * similar fields to each request; those are removed here, so that they are never taken for the
 * client's own fields, nor passed upstream by an edge.
 *
 * <p>Must sit first in a stream's pipeline. Sharable, as its parent is: it keeps no state.
 */
@Sharable
final class Http2RequestCodec extends Http2StreamFrameToHttpObjectCodec {
  Http2RequestCodec() {
    super(true);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
    super.decode(ctx, frame, out);
    for (Object message : out) {
      if (message instanceof HttpMessage request) {
        for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
          request.headers().remove(name.text());
        }
      }
    }
  }
}
