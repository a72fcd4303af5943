package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * What goes on the wire for an {@link UpstreamRequest}: HTTP/1.1, the upstream's path prefix, its authority
 * as {@code Host}, the caller's end-to-end headers except the {@link SteeringFields}, {@code
 * Accept-Encoding: identity} unless the caller passes one, {@code Via} with this edge appended, and a
 * {@code Content-Length} that matches the body (the caller's is never trusted).
 *
 * <p>Stateless and thread-safe.
 */
final class OutgoingRequest {
  private OutgoingRequest() {}

  /** The headers common to every attempt of one fetch; {@code Host} is added per upstream by {@link #build}. */
  static HttpHeaders headers(UpstreamRequest request, String via) {
    HttpHeaders headers = HopByHop.strip(request.headers());
    SteeringFields.remove(headers);
    if (!headers.contains(HttpHeaderNames.ACCEPT_ENCODING)) {
      // Without the field any coding is acceptable (RFC 9110 section 12.5.3). The edge drops a cacheable
      // request's Accept-Encoding, stores what comes back for clients that may not decode it, and
      // compresses playlists itself: so it asks for identity, and passes on an encoded body only to a
      // client that accepts its coding.
      headers.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
    }
    headers.remove(HttpHeaderNames.HOST);
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    headers.set(HttpHeaderNames.VIA, appendVia(headers.getAll(HttpHeaderNames.VIA), via));
    if (request.body() != null) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, request.body().readableBytes());
    } else if (request.method().equals(HttpMethod.POST) || request.method().equals(HttpMethod.PUT)) {
      // Some servers answer 411 to a POST or PUT without a length, even an empty one.
      headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    return headers;
  }

  /** One attempt's request to {@code upstream}; takes ownership of {@code content}. */
  static FullHttpRequest build(UpstreamRequest request, HttpHeaders common, Upstream upstream, ByteBuf content) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(HttpHeaderNames.HOST, upstream.authority());
    headers.add(common);
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        request.method(),
        upstream.target(request.pathAndQuery()),
        content,
        headers,
        EmptyHttpHeaders.INSTANCE);
  }

  /** {@code via} after the incoming Via values, comma-joined into one field. */
  static String appendVia(List<String> incoming, String via) {
    if (incoming.isEmpty()) {
      return via;
    }
    return String.join(", ", incoming) + ", " + via;
  }
}
