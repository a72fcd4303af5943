package media.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.List;

/**
 * Netty's HTTP/2 stream codec, which turns a stream's frames into the HTTP/1.1 objects
 * {@link Http2Streams} reads ({@code :authority} becomes {@code Host}, cookie crumbs are joined) and
 * its answers back into frames (dropping {@code Connection}, {@code Keep-Alive} and
 * {@code Transfer-Encoding}, which HTTP/2 forbids). It also adds {@code x-http2-stream-id} and
 * similar fields to each request; those are removed here, so that they are never taken for the
 * client's own fields, nor passed upstream by an edge.
 *
 * <p>A request head Netty cannot turn into an HTTP/1.1 request (no {@code :path}, a method or path
 * with characters a request line may not hold) becomes a request whose decoder result is that
 * failure, so that the gate answers 400 and counts it as it does for HTTP/1.1, instead of
 * the exception resetting the stream with a warning in the log.
 *
 * <p>Must sit first in a stream's pipeline. Sharable, as its parent is: it keeps no state.
 */
@Sharable
final class Http2RequestCodec extends Http2StreamFrameToHttpObjectCodec {
  Http2RequestCodec() {
    super(true);
  }

  /** What makes a request head unusable as an HTTP/1.1 request line, or null when it is fine. */
  private static String problem(Http2Headers headers) {
    CharSequence method = headers.method();
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      boolean tchar = Character.isLetterOrDigit(c) && c < 0x80 || "!#$%&'*+-.^_`|~".indexOf(c) >= 0; // RFC 9110 5.6.2
      if (!tchar) {
        return "method is not a token";
      }
    }
    CharSequence path = headers.path();
    if (path == null || path.length() == 0) {
      return "no :path";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return ":path holds a space, a control or a non-ASCII character";
      }
    }
    return null;
  }

  /** A stand-in request whose decoder result carries the failure, for the gate to answer 400. */
  private static DefaultFullHttpRequest malformed(Exception cause) {
    DefaultFullHttpRequest malformed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
    malformed.setDecoderResult(DecoderResult.failure(cause));
    return malformed;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out) throws Exception {
    if (frame instanceof Http2HeadersFrame head && head.headers().method() != null) {
      String problem = problem(head.headers());
      if (problem != null) {
        // Checked before Netty converts the head: for a whole request (END_STREAM on the head) it
        // allocates the body buffer first and leaks it when the request line then fails.
        out.add(malformed(new IllegalArgumentException(problem)));
        return;
      }
    }
    try {
      super.decode(ctx, frame, out);
    } catch (Exception e) {
      if (!(frame instanceof Http2HeadersFrame)) {
        throw e;
      }
      out.add(malformed(e));
      return;
    }
    for (Object message : out) {
      if (message instanceof HttpMessage request) {
        for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
          request.headers().remove(name.text());
        }
      }
    }
  }
}
