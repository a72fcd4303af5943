package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.IOException;

/**
 * HTTP/2 answers as the objects Netty's stream codec turns into HEADERS and DATA frames: one stream
 * carries one request, so there is nothing to pace and nothing to keep alive. Files go in 64 KiB chunks
 * (a stream takes no file region); memory bodies as slices.
 *
 * <p>One instance per stream; confined to the stream's event loop.
 */
final class Http2Wire extends Wire {
  private final ChannelHandlerContext ctx;
  private boolean streaming;

  Http2Wire(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  private HttpHeaders headers(Exchange exchange) {
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    exchange.fields.addTo(headers);
    exchange.extra.addTo(headers);
    AsciiString source = SourceField.value(exchange.cacheResult());
    if (source != null) {
      headers.add(SourceField.NAME, source);
    }
    if (exchange.contentLength >= 0) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, exchange.contentLength);
    }
    if (exchange.rangeTotal >= 0) {
      headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + exchange.rangeFirst + '-'
          + (exchange.rangeFirst + exchange.contentLength - 1) + '/' + exchange.rangeTotal);
    }
    if (exchange.date) {
      headers.set(HttpHeaderNames.DATE, exchange.dateText());
    }
    if (exchange.age >= 0) {
      headers.set(HttpHeaderNames.AGE, exchange.age);
    }
    if (exchange.cors) {
      exchange.addCors(headers);
    }
    return headers;
  }

  @Override
  void send(Exchange exchange, ByteBuf body) {
    ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : body;
    exchange.bodyBytes = content.readableBytes();
    ctx.writeAndFlush(new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(exchange.status), content, headers(exchange),
            DefaultHttpHeadersFactory.trailersFactory().newHeaders()))
        .addListener(exchange);
  }

  @Override
  void sendFile(Exchange exchange, FileSource source, long position, long count) throws IOException {
    HttpChunkedInput chunks = new HttpChunkedInput(source.chunks(position, count, Http1Wire.FILE_CHUNK_BYTES));
    exchange.bodyBytes = count;
    ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(exchange.status), headers(exchange)),
        ctx.voidPromise());
    ctx.writeAndFlush(chunks).addListener(exchange);
  }

  @Override
  void startBody(Exchange exchange) {
    streaming = true;
    ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(exchange.status), headers(exchange)),
        ctx.voidPromise());
  }

  @Override
  boolean streaming(Exchange exchange) {
    return streaming;
  }

  @Override
  void piece(Exchange exchange, ByteBuf piece) {
    ctx.write(new DefaultHttpContent(piece), ctx.voidPromise());
  }

  @Override
  void endBody(Exchange exchange) {
    streaming = false;
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(exchange);
  }

  @Override
  void abort(Exchange exchange) {
    streaming = false;
    ctx.flush();
    ctx.close(); // resets the stream: the client sees a broken body, not a short one
  }

  @Override
  void ended(Exchange exchange) {
    // The stream is done; the connection stays, and a drain closes it with GOAWAY.
  }
}
