package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 answers as bytes: the head is assembled in one pooled buffer from the parts encoded once (the
 * status line, the representation's fields, the second's {@code Date}) and the few written per answer
 * (lengths, {@code Age}, per-viewer fields), and goes out with the body in one {@code writev}: a memory
 * hit is two buffers, head and body slice, and one system call. A file goes with {@code sendfile}
 * between {@code TCP_CORK} and its release, so that the head does not leave alone ahead of it; under TLS,
 * in 64 KiB chunks through the pipeline's {@code ChunkedWriteHandler}. Bodies of unknown length are sent
 * chunked, or, to an HTTP/1.0 client, delimited by closing the connection.
 *
 * <p>Also the {@link Http1Decoder}'s sink: each decoded request goes to the gate with this wire, and the
 * end of its answer resumes the decoder. One instance per connection; confined to its event loop.
 */
final class Http1Wire extends Wire implements Http1Decoder.Sink {
  /**
   * Reads of a file sent in chunks (TLS): four TLS records per pooled buffer; the chunked writer reads
   * the next only when the channel is writable, so a slow reader holds one or two of them, not the file.
   */
  static final int FILE_CHUNK_BYTES = 64 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] NONE = {};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGE = "age: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_RANGE = "content-range: bytes ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString CLOSE_TOKEN = AsciiString.cached("close");
  private static final AsciiString KEEP_ALIVE_TOKEN = AsciiString.cached("keep-alive");

  private final RequestGate gate;
  private final boolean zeroCopy;
  private Http1Decoder decoder;
  private ChannelHandlerContext ctx;
  private boolean chunked;
  private boolean streaming;

  /** @param zeroCopy true on plaintext connections, where files go out with {@code sendfile} */
  Http1Wire(RequestGate gate, boolean zeroCopy) {
    this.gate = gate;
    this.zeroCopy = zeroCopy;
  }

  void decoder(Http1Decoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public void request(ChannelHandlerContext ctx, Http1Request request) {
    this.ctx = ctx;
    gate.accept(ctx, request, this);
  }

  @Override
  public void failed(ChannelHandlerContext ctx, Throwable cause) {
    gate.front().protocolErrors.closeAfter(ctx, cause);
  }

  @Override
  public boolean admitsBody(ChannelHandlerContext ctx, Http1Request request) {
    return gate.admitsBody(ctx, request);
  }

  @Override
  void send(Exchange exchange, ByteBuf body) {
    ByteBuf head = head(exchange, false);
    if (body == null) {
      ctx.writeAndFlush(head).addListener(exchange);
      return;
    }
    exchange.bodyBytes = body.readableBytes();
    ctx.write(head, ctx.voidPromise());
    // Under TLS a large body goes in slices, as fast as the client reads (see SliceChunks).
    Object out = !zeroCopy && body.readableBytes() > FILE_CHUNK_BYTES ? new SliceChunks(body, FILE_CHUNK_BYTES) : body;
    ctx.writeAndFlush(out).addListener(exchange);
  }

  @Override
  void sendFile(Exchange exchange, FileSource source, long position, long count) throws IOException {
    if (!zeroCopy) {
      Object chunks = source.chunks(position, count, FILE_CHUNK_BYTES);
      exchange.bodyBytes = count;
      ctx.write(head(exchange, false), ctx.voidPromise());
      ctx.writeAndFlush(chunks).addListener(exchange);
      return;
    }
    FileRegion region = source.region(position, count);
    exchange.bodyBytes = count;
    boolean corked = cork(true);
    ctx.write(head(exchange, false), ctx.voidPromise());
    ctx.writeAndFlush(region).addListener(exchange);
    if (corked) {
      cork(false);
    }
  }

  /** Sets TCP_CORK on an epoll or io_uring channel; false (and nothing done) on NIO. */
  private boolean cork(boolean on) {
    try {
      return ctx.channel().config().setOption(EpollChannelOption.TCP_CORK, on)
          || ctx.channel().config().setOption(IoUringChannelOption.TCP_CORK, on);
    } catch (ChannelException e) {
      return false; // the client already went away: the write that follows fails and ends the exchange
    }
  }

  @Override
  void startBody(Exchange exchange) {
    streaming = true;
    if (exchange.contentLength < 0 && exchange.request().http10()) {
      exchange.close = true; // HTTP/1.0 has no chunked coding: the end of the connection ends the body
    }
    chunked = exchange.contentLength < 0 && !exchange.request().http10();
    ctx.write(head(exchange, chunked), ctx.voidPromise());
  }

  @Override
  boolean streaming(Exchange exchange) {
    return streaming;
  }

  @Override
  void piece(Exchange exchange, ByteBuf piece) {
    if (!chunked) {
      ctx.write(piece, ctx.voidPromise());
      return;
    }
    int size = piece.readableBytes();
    if (size == 0) {
      piece.release();
      return;
    }
    ByteBuf header = ctx.alloc().ioBuffer(10);
    header.writeCharSequence(Integer.toHexString(size), StandardCharsets.US_ASCII);
    header.writeBytes(CRLF);
    ctx.write(header, ctx.voidPromise());
    ctx.write(piece, ctx.voidPromise());
    ctx.write(Unpooled.wrappedBuffer(CRLF), ctx.voidPromise());
  }

  @Override
  void endBody(Exchange exchange) {
    streaming = false;
    ByteBuf last = chunked ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER;
    chunked = false;
    ctx.writeAndFlush(last).addListener(exchange);
  }

  @Override
  void abort(Exchange exchange) {
    streaming = false;
    chunked = false;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  void ended(Exchange exchange) {
    if (exchange.close || decoder.failed() || exchange.draining()) {
      // Headers may have gone out before the drain began, without Connection: close.
      ctx.close();
      return;
    }
    decoder.resume(ctx);
  }

  /** The head of the exchange's answer in one buffer; decides Connection from the request and the server. */
  private ByteBuf head(Exchange exchange, boolean chunkedBody) {
    Request request = exchange.request();
    boolean keepAlive = keepAlive(request);
    if (!keepAlive || decoder.failed() || exchange.draining()) {
      exchange.close = true;
    }
    byte[] status = StatusLines.of(exchange.status);
    byte[] fields = exchange.fields.encoded();
    byte[] extra = exchange.extra.encoded();
    byte[] date = exchange.date ? exchange.dateLine() : NONE;
    byte[] cors = exchange.cors ? exchange.corsLines() : null;
    byte[] source = SourceField.line(exchange.cacheResult());
    int size = status.length + fields.length + extra.length + date.length + 2
        + (source == null ? 0 : source.length)
        + (exchange.contentLength >= 0 ? CONTENT_LENGTH.length + 21 : 0)
        + (chunkedBody ? CHUNKED.length : 0)
        + (exchange.age >= 0 ? AGE.length + 12 : 0)
        + (exchange.rangeTotal >= 0 ? CONTENT_RANGE.length + 3 * 20 + 4 : 0)
        + (cors == null ? 0 : cors.length)
        + (exchange.close ? CLOSE.length : request.http10() ? KEEP_ALIVE.length : 0);
    ByteBuf head = ctx.alloc().ioBuffer(size);
    head.writeBytes(status).writeBytes(fields).writeBytes(extra);
    if (source != null) {
      head.writeBytes(source);
    }
    if (exchange.contentLength >= 0) {
      head.writeBytes(CONTENT_LENGTH);
      decimal(head, exchange.contentLength);
      head.writeBytes(CRLF);
    }
    if (exchange.rangeTotal >= 0) {
      head.writeBytes(CONTENT_RANGE);
      decimal(head, exchange.rangeFirst);
      head.writeByte('-');
      decimal(head, exchange.rangeFirst + exchange.contentLength - 1);
      head.writeByte('/');
      decimal(head, exchange.rangeTotal);
      head.writeBytes(CRLF);
    }
    if (chunkedBody) {
      head.writeBytes(CHUNKED);
    }
    head.writeBytes(date);
    if (exchange.age >= 0) {
      head.writeBytes(AGE);
      decimal(head, exchange.age);
      head.writeBytes(CRLF);
    }
    if (cors != null) {
      head.writeBytes(cors);
    }
    if (exchange.close) {
      head.writeBytes(CLOSE);
    } else if (request.http10()) {
      head.writeBytes(KEEP_ALIVE);
    }
    head.writeBytes(CRLF);
    return head;
  }

  /**
   * Whether the connection may carry another request after this one (RFC 9112 section 9.3): HTTP/1.1
   * unless the client said {@code close}; HTTP/1.0 only when it said {@code keep-alive}.
   */
  private static boolean keepAlive(Request request) {
    if (request.http10()) {
      return request.hasToken(HttpHeaderNames.CONNECTION, KEEP_ALIVE_TOKEN)
          && !request.hasToken(HttpHeaderNames.CONNECTION, CLOSE_TOKEN);
    }
    return !request.hasToken(HttpHeaderNames.CONNECTION, CLOSE_TOKEN);
  }

  private static void decimal(ByteBuf out, long value) {
    if (value == 0) {
      out.writeByte('0');
      return;
    }
    int digits = 0;
    for (long v = value; v > 0; v /= 10) {
      digits++;
    }
    int at = out.writerIndex() + digits;
    out.writerIndex(at);
    for (long v = value; v > 0; v /= 10) {
      out.setByte(--at, (int) ('0' + v % 10));
    }
  }
}
