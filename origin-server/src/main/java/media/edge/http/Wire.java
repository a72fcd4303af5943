package media.edge.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Objects;
import media.edge.hls.PlaylistRewriter;
import media.edge.token.TokenQuery;

/**
 * How an answer leaves, per protocol: encoded as HTTP/1.1 bytes by {@link Http1Wire}, or handed to
 * Netty's HTTP/2 stream codec as objects by {@link Http2Wire}. The {@link Exchange} decides what to send;
 * a wire only encodes and writes it, and tells the exchange when the last write completed.
 *
 * <p>Confined to the event loop of the channel it writes to.
 */
abstract class Wire {
  private PlaylistRewriter rewriter;
  private String rewriterToken;
  private String rewriterHost;

  /**
   * The rewriter that appends {@code tokenName=token} to a playlist asked for with this {@code Host}.
   * The last one is kept: a player reloads its playlists on one connection with one token and Host, so
   * it is made (parsed, escaped, encoded) once per connection rather than once per request.
   */
  final PlaylistRewriter rewriter(String tokenName, String token, String host) {
    if (rewriter == null || !token.equals(rewriterToken) || !Objects.equals(host, rewriterHost)) {
      rewriter = PlaylistRewriter.forHost(tokenName + "=" + TokenQuery.escape(token), host);
      rewriterToken = token;
      rewriterHost = host;
    }
    return rewriter;
  }

  /** Writes a whole answer: the exchange's head and {@code body} (owned from now on), or no body (null). */
  abstract void send(Exchange exchange, ByteBuf body);

  /**
   * Writes the head and {@code count} bytes of {@code source} from {@code position}: with
   * {@code sendfile} where the connection allows it, in chunks otherwise.
   *
   * @throws IOException when the file cannot be opened; nothing was written then
   */
  abstract void sendFile(Exchange exchange, FileSource source, long position, long count) throws IOException;

  /** Writes the head of an answer whose body follows in pieces. */
  abstract void startBody(Exchange exchange);

  /** True between {@link #startBody} and the end of that body. */
  abstract boolean streaming(Exchange exchange);

  /** Writes (without flushing) one piece of a streamed body, owned from now on. */
  abstract void piece(Exchange exchange, ByteBuf piece);

  /** Ends a streamed body and flushes. */
  abstract void endBody(Exchange exchange);

  /** Flushes what was written and cuts the answer off: the connection closes, or the stream resets. */
  abstract void abort(Exchange exchange);

  /** The answer ended well: read the next request, or close when this one asked for that. */
  abstract void ended(Exchange exchange);
}
