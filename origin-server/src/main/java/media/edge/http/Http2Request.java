package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * An HTTP/2 stream's request, as Netty's stream codec and aggregator made it (an HTTP/1.1-shaped
 * message: {@code :authority} became {@code Host}, cookie crumbs were joined). Its headers already live
 * on the heap, so detaching only copies the body.
 *
 * <p>Confined to the stream's event loop until detached.
 */
final class Http2Request extends Request {
  private final FullHttpRequest message;
  private final Failure failure;
  private boolean released;

  /** Takes over {@code message}'s reference. */
  Http2Request(FullHttpRequest message) {
    this.message = message;
    DecoderResult result = message.decoderResult();
    this.failure = result.isFailure()
        ? result.cause() instanceof TooLongFrameException ? Failure.BODY_TOO_LARGE : Failure.MALFORMED
        : null;
  }

  @Override
  public HttpMethod method() {
    return message.method();
  }

  @Override
  public String uri() {
    return message.uri();
  }

  @Override
  public String header(CharSequence name) {
    return message.headers().get(name);
  }

  @Override
  public List<String> headers(CharSequence name) {
    return message.headers().getAll(name);
  }

  @Override
  public boolean contains(CharSequence name) {
    return message.headers().contains(name);
  }

  @Override
  public HttpHeaders copyHeaders() {
    return DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders().add(message.headers());
  }

  @Override
  public ByteBuf body() {
    return message.content();
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public boolean http10() {
    return false;
  }

  @Override
  public boolean writeHeaderValue(CharSequence name, JsonBytes out) {
    String value = message.headers().get(name);
    if (value == null) {
      return false;
    }
    out.string(value);
    return true;
  }

  @Override
  public void detach() {
    // Headers are heap objects already; the body is released with the request, and only unsafe
    // methods (which HTTP/2 streams do not pass upstream) keep it.
  }

  @Override
  void release() {
    if (!released) {
      released = true;
      message.release();
    }
  }
}
