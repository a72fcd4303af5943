package media.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/** Requests for unit tests of the gate's parts, as an HTTP/2 stream's request would reach them. */
final class Requests {
  private Requests() {}

  /** A GET for {@code uri} with header name/value pairs. */
  static Request get(String uri, String... headers) {
    DefaultFullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    for (int i = 0; i < headers.length; i += 2) {
      message.headers().add(headers[i], headers[i + 1]);
    }
    return new Http2Request(message);
  }
}
