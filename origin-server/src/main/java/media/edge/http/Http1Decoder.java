package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Reads HTTP/1.1 requests off a connection, strictly (RFC 9112), one at a time: a request is handed to
 * the {@link Sink} and the next one is looked at only once the answer to this one has ended
 * ({@link #resume}). Pipelined requests wait in the read buffer meanwhile, so answers go out in order
 * and a slow reader is never sent more than one at a time.
 *
 * <p>What is refused, each with its status, after which the connection is closed (the framing of what
 * follows cannot be trusted): a request line that is not {@code method SP target SP HTTP/d.d} (400; a
 * major version other than 1: 505), longer than {@code server.max-uri-bytes} (414); a header section
 * larger than {@code server.max-header-bytes} or with more than {@value #MAX_FIELDS} fields (431); a
 * bare LF or CR, a field without a colon, whitespace before the colon, obs-fold, a control character in
 * a value (400); Content-Length that is not digits, or several that differ, or together with
 * Transfer-Encoding, or Transfer-Encoding on HTTP/1.0 (400: request smuggling); no {@code Host} on
 * HTTP/1.1, several, or one that is not an authority (400, RFC 9112 section 3.2); a transfer coding other
 * than chunked (501); an {@code Expect} field other than {@code 100-continue} (417); a body larger than its
 * method's allowance (413), or larger than GET's for a request whose token the {@link Sink} refuses (403,
 * before the body is read); a request not whole within {@code server.header-timeout} of its first byte
 * (408); in a chunked body, a chunk-size line outside RFC 9112 section 7.1.1's grammar
 * or a trailer line that is not a field (400), trailers over 8 KiB (431). Empty lines before a request
 * line are skipped, as RFC 9112 section 2.2 asks; a first byte that no method begins with (a TLS
 * handshake, garbage) is refused at once, without waiting for the end of a line.
 *
 * <p>Why not Netty's {@code HttpServerCodec} and {@code HttpObjectAggregator}: they turn every field
 * into two strings and every request into several objects, and ask for one read per request with
 * auto-read off; this keeps the head as a slice of the read buffer with an index, and reads with
 * auto-read on, turning it off only while pipelined bytes pile up beyond {@value #MAX_BUFFERED_BYTES}.
 *
 * <p>Must sit where the connection's plaintext bytes arrive (after TLS and the PROXY protocol). One
 * instance per connection; confined to its event loop.
 */
final class Http1Decoder extends ChannelInboundHandlerAdapter {
  /** Receives each decoded (or failed) request. */
  interface Sink {
    void request(ChannelHandlerContext ctx, Http1Request request);

    /**
     * Whether a body larger than GET's allowance may be read for {@code request}, judged on its head alone
     * (its token): no unauthenticated client gets to make the server hold a large body. False refuses it
     * with 403 before a byte of the body is kept.
     */
    default boolean admitsBody(ChannelHandlerContext ctx, Http1Request request) {
      return true;
    }

    /** The connection failed ({@code cause}): count it and close. */
    default void failed(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static final int MAX_FIELDS = 128;
  /** Leading empty lines skipped before a request line, at most. */
  private static final int MAX_EMPTY_LINES = 16;
  /** Pipelined bytes held before reading from the socket pauses. */
  static final int MAX_BUFFERED_BYTES = 64 * 1024;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString CHUNKED = AsciiString.cached("chunked");
  private static final AsciiString CONTINUE_EXPECTATION = AsciiString.cached("100-continue");
  /** The characters of {@code uri-host [":" port]} (RFC 3986): unreserved, sub-delims, '%', ':', '[', ']'. */
  private static final boolean[] AUTHORITY = new boolean[128];

  static {
    for (char c : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:[]".toCharArray()) {
      AUTHORITY[c] = true;
    }
  }

  private final Sink sink;
  private final int maxLineBytes;
  private final int maxHeaderBytes;
  private final ToIntFunction<HttpMethod> bodyAllowance;
  private final long headerTimeoutNanos;
  /** Fires {@link #headerTimeoutNanos} after the first byte of a request still incomplete; null when none. */
  private ScheduledFuture<?> headerTimer;
  /** The body being read is a large one, admitted on its head: not under the header timeout. */
  private boolean uploading;
  private ByteBuf buffer;
  /** A request is being answered: nothing more is decoded until {@link #resume}. */
  private boolean busy;
  /** Decoding failed: everything that follows is discarded, and the connection closes after the answer. */
  private boolean failed;
  private boolean decoding;
  private boolean paused;
  /** The last request made, reused for the next one once its answer released it. */
  private Http1Request spare;
  /** A request whose head is in and whose body is still arriving. */
  private Http1Request waiting;
  private long bodyRemaining;
  private ChunkedBody chunked;

  // How far an incomplete head has been read, as offsets from the reader index (where the request starts,
  // which a merge of the buffer keeps), so that the next read takes it up there.
  /** The request whose fields are being read, once the request line was; null before. */
  private Http1Request partial;
  /** Bytes from the request's start already searched for the end of the line being read. */
  private int scanned;
  private int lineStart;
  private int fieldsStart;
  private int fieldCount;
  private int targetStart;
  private int targetEnd;
  private boolean http10;
  private int emptyLines;

  /**
   * @param bodyAllowance the largest body accepted for a method (GET's is small; an edge passes POST and
   *     PUT bodies upstream)
   */
  Http1Decoder(Sink sink, int maxLineBytes, int maxHeaderBytes, ToIntFunction<HttpMethod> bodyAllowance) {
    this(sink, maxLineBytes, maxHeaderBytes, bodyAllowance, 0);
  }

  /**
   * @param headerTimeoutNanos time a request may take to arrive whole from its first byte
   *     ({@code server.header-timeout}); 0 for no limit
   */
  Http1Decoder(
      Sink sink, int maxLineBytes, int maxHeaderBytes, ToIntFunction<HttpMethod> bodyAllowance, long headerTimeoutNanos) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
    this.bodyAllowance = bodyAllowance;
    this.headerTimeoutNanos = headerTimeoutNanos;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      in.release();
      return;
    }
    append(ctx, in);
    if (!busy) {
      decode(ctx);
      timeIncomplete(ctx);
    } else if (buffer != null && buffer.readableBytes() > MAX_BUFFERED_BYTES && !paused) {
      paused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead() && !busy && !failed) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (!ConnectionCloser.closeWhenIdle(ctx, event)) {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    sink.failed(ctx, cause);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBuffered();
    cancelHeaderTimer();
  }

  /**
   * Starts the clock on a request that has begun to arrive and is not complete: it must be whole within
   * {@code server.header-timeout} of now, however its bytes trickle in (a slowloris client sends one
   * every few seconds, which an idle timeout never sees). Pipelined requests waiting behind an answer are
   * not timed: they wait for us, not for the client.
   */
  private void timeIncomplete(ChannelHandlerContext ctx) {
    boolean incomplete = waiting != null || buffer != null && buffer.isReadable();
    if (headerTimeoutNanos <= 0 || busy || failed || !incomplete || headerTimer != null || uploading) {
      return;
    }
    headerTimer = ctx.executor().schedule(() -> headerTimedOut(ctx), headerTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void headerTimedOut(ChannelHandlerContext ctx) {
    headerTimer = null;
    if (busy || failed || !ctx.channel().isActive()) {
      return;
    }
    releaseWaitingBody();
    partial = null;
    scanned = 0;
    fail(ctx, Request.Failure.TIMEOUT);
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseBuffered();
    cancelHeaderTimer();
    Exchange.writabilityChanged(ctx.channel());
    super.channelInactive(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    Exchange.writabilityChanged(ctx.channel());
    super.channelWritabilityChanged(ctx);
  }

  private void releaseBuffered() {
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
    releaseWaitingBody();
  }

  /** Lets go of a request whose body was still arriving, and of what of its body had come. */
  private void releaseWaitingBody() {
    if (waiting != null) {
      waiting.release();
      waiting = null;
    }
    if (chunked != null) {
      chunked.release();
      chunked = null;
    }
  }

  /**
   * The answer to the last request ended: decode the next one if it is already here, else read on.
   * Called on the event loop; safe to call from within {@link Sink#request} (a synchronous answer).
   */
  void resume(ChannelHandlerContext ctx) {
    busy = false;
    if (failed || decoding) {
      return;
    }
    decode(ctx);
    timeIncomplete(ctx);
    if (!busy && paused) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** True once a malformed request was seen: the answer must close the connection. */
  boolean failed() {
    return failed;
  }

  private void append(ChannelHandlerContext ctx, ByteBuf in) {
    if (buffer == null) {
      buffer = in;
      return;
    }
    if (!buffer.isReadable()) {
      buffer.release(); // slices of it still in use keep it alive
      buffer = in;
      return;
    }
    // Past the writer index is free even while a request holds a slice of what came before.
    if (!buffer.isReadOnly() && buffer.isWritable(in.readableBytes())) {
      buffer.writeBytes(in);
      in.release();
      return;
    }
    // Copy what is left over into a buffer with room to spare, so that a head or a body arriving in many
    // reads is copied a few times, not once per read.
    int size = buffer.readableBytes() + in.readableBytes();
    ByteBuf merged = ctx.alloc().buffer(ctx.alloc().calculateNewCapacity(size, Integer.MAX_VALUE));
    merged.writeBytes(buffer);
    merged.writeBytes(in);
    buffer.release();
    in.release();
    buffer = merged;
  }

  private void decode(ChannelHandlerContext ctx) {
    decoding = true;
    try {
      while (!busy && !failed && buffer != null) {
        if (!decodeOne(ctx)) {
          break;
        }
      }
    } finally {
      decoding = false;
    }
    if (buffer != null && !buffer.isReadable()) {
      buffer.release();
      buffer = null;
    }
  }

  /** Decodes one request or its body's next piece; false when more bytes are needed. */
  private boolean decodeOne(ChannelHandlerContext ctx) {
    if (waiting != null) {
      return readBody(ctx);
    }
    Http1Request request;
    try {
      request = head(ctx);
    } catch (Refusal refusal) {
      fail(ctx, refusal.failure);
      return false;
    }
    if (request == null) {
      return false;
    }
    return true;
  }

  private void fail(ChannelHandlerContext ctx, Request.Failure failure) {
    failed = true;
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
    dispatch(ctx, Http1Request.failed(failure));
  }

  private void dispatch(ChannelHandlerContext ctx, Http1Request request) {
    cancelHeaderTimer();
    uploading = false;
    busy = true;
    sink.request(ctx, request);
  }

  /** A decoding failure, thrown within this class only. */
  private static final class Refusal extends Exception {
    final Request.Failure failure;

    Refusal(Request.Failure failure) {
      super(failure.name(), null, false, false);
      this.failure = failure;
    }
  }

  private static final Refusal MALFORMED = new Refusal(Request.Failure.MALFORMED);
  private static final Refusal URI_TOO_LONG = new Refusal(Request.Failure.URI_TOO_LONG);
  private static final Refusal HEADERS_TOO_LARGE = new Refusal(Request.Failure.HEADERS_TOO_LARGE);
  private static final Refusal BODY_TOO_LARGE = new Refusal(Request.Failure.BODY_TOO_LARGE);
  private static final Refusal VERSION = new Refusal(Request.Failure.VERSION);
  private static final Refusal TRANSFER_CODING = new Refusal(Request.Failure.TRANSFER_CODING);
  private static final Refusal EXPECTATION = new Refusal(Request.Failure.EXPECTATION);

  /**
   * Parses the head at the start of the buffer as far as it has arrived, and consumes it once complete;
   * null (nothing consumed but skipped empty lines) while it is incomplete. Dispatches the request, or
   * keeps it {@link #waiting} for its body. A head arriving in pieces is taken up where the last piece
   * ended ({@link #partial}, {@link #scanned}), so that each byte is searched once, not once per read.
   */
  private Http1Request head(ChannelHandlerContext ctx) throws Refusal {
    ByteBuf b = buffer;
    int end = b.writerIndex();
    if (partial == null && !requestLine(b, end)) {
      return null;
    }
    int pos = b.readerIndex();
    Http1Request request = partial;
    int limit = Math.min(end, pos + fieldsStart + maxHeaderBytes + 2);
    int headEnd;
    while (true) {
      int from = pos + scanned;
      int lf = from < limit ? b.indexOf(from, limit, (byte) '\n') : -1;
      if (lf < 0) {
        int checked = checkNoBareCr(b, from, limit, end);
        scanned = checked - pos;
        if (checked >= limit && end - (pos + fieldsStart) > maxHeaderBytes + 1) {
          throw HEADERS_TOO_LARGE;
        }
        return null;
      }
      int p = pos + lineStart;
      if (lf == p || b.getByte(lf - 1) != '\r') {
        throw MALFORMED;
      }
      if (lf == p + 1) {
        headEnd = lf + 1;
        break;
      }
      if (fieldCount == MAX_FIELDS) {
        throw HEADERS_TOO_LARGE;
      }
      if (4 * fieldCount + 4 > request.index.length) {
        request.index = java.util.Arrays.copyOf(request.index, request.index.length * 2);
      }
      field(b, p, lf - 1, request.index, fieldCount, pos);
      fieldCount++;
      lineStart = lf + 1 - pos;
      scanned = lineStart;
    }
    partial = null;
    scanned = 0;
    emptyLines = 0;

    HttpMethod method = method(b, pos, pos + targetStart - 1);
    ByteBuf bytes = b.retainedSlice(pos, headEnd - 2 - pos);
    b.readerIndex(headEnd);
    request.init(method, http10, bytes, targetStart, targetEnd, fieldsStart, fieldCount);
    spare = request;
    try {
      framing(ctx, request, http10);
    } catch (Refusal refusal) {
      request.release();
      throw refusal;
    }
    return request;
  }

  /**
   * Reads the request line, {@code method SP target SP HTTP/d.d}, once it has all arrived, skipping the
   * empty lines before it; false while it is incomplete. Then the head's fields are read into
   * {@link #partial}, the spare request when it is free.
   */
  private boolean requestLine(ByteBuf b, int end) throws Refusal {
    int pos = b.readerIndex();
    if (scanned == 0) {
      while (end - pos >= 2 && b.getByte(pos) == '\r' && b.getByte(pos + 1) == '\n') {
        if (++emptyLines > MAX_EMPTY_LINES) {
          throw MALFORMED;
        }
        pos += 2;
        b.readerIndex(pos);
      }
      if (pos == end) {
        return false;
      }
      byte first = b.getByte(pos);
      if (!Tokens.tchar(first) && first != '\r') {
        throw MALFORMED; // not a method: whitespace, a bare LF, a TLS handshake, garbage; no need to wait
      }
    }
    int limit = Math.min(end, pos + maxLineBytes + 2);
    int from = pos + scanned;
    int lf = from < limit ? b.indexOf(from, limit, (byte) '\n') : -1;
    if (lf < 0) {
      int checked = checkNoBareCr(b, from, limit, end);
      scanned = checked - pos;
      if (checked >= limit && end - pos > maxLineBytes + 1) {
        throw URI_TOO_LONG;
      }
      return false;
    }
    if (b.getByte(lf - 1) != '\r') {
      throw MALFORMED;
    }
    int lineEnd = lf - 1;
    int sp1 = b.indexOf(pos, lineEnd, (byte) ' ');
    if (sp1 <= pos) {
      throw MALFORMED;
    }
    int sp2 = b.indexOf(sp1 + 1, lineEnd, (byte) ' ');
    if (sp2 <= sp1 + 1) {
      throw MALFORMED;
    }
    for (int i = pos; i < sp1; i++) {
      if (!Tokens.tchar(b.getByte(i))) {
        throw MALFORMED;
      }
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      byte c = b.getByte(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw MALFORMED;
      }
    }
    if (lineEnd - (sp2 + 1) != 8
        || b.getByte(sp2 + 1) != 'H' || b.getByte(sp2 + 2) != 'T' || b.getByte(sp2 + 3) != 'T'
        || b.getByte(sp2 + 4) != 'P' || b.getByte(sp2 + 5) != '/' || b.getByte(sp2 + 7) != '.'
        || !digit(b.getByte(sp2 + 6)) || !digit(b.getByte(sp2 + 8))) {
      throw MALFORMED;
    }
    if (b.getByte(sp2 + 6) != '1') {
      throw VERSION;
    }
    http10 = b.getByte(sp2 + 8) == '0';
    partial = spare != null && spare.reusable() ? spare : new Http1Request();
    targetStart = sp1 + 1 - pos;
    targetEnd = sp2 - pos;
    fieldsStart = lf + 1 - pos;
    lineStart = fieldsStart;
    scanned = fieldsStart;
    fieldCount = 0;
    return true;
  }

  /**
   * A CR must be followed by LF: checks the CRs in {@code [from, to)}, looking at most as far as
   * {@code end}, and refuses a bare one without waiting for the end of the line. Returns how far the
   * bytes are checked: {@code to}, or a CR last in the buffer, which waits for the byte after it.
   */
  private static int checkNoBareCr(ByteBuf b, int from, int to, int end) throws Refusal {
    for (int cr = from < to ? b.indexOf(from, to, (byte) '\r') : -1; cr >= 0;
        cr = cr + 1 < to ? b.indexOf(cr + 1, to, (byte) '\r') : -1) {
      if (cr + 1 == end) {
        return cr;
      }
      if (b.getByte(cr + 1) != '\n') {
        throw MALFORMED;
      }
    }
    return Math.max(from, to);
  }

  /** Checks one field line {@code [from, to)} (CRLF excluded) and records its offsets relative to the section. */
  private static void field(ByteBuf b, int from, int to, int[] index, int i, int base) throws Refusal {
    int colon = checkField(b, from, to);
    int start = colon + 1;
    while (start < to && (b.getByte(start) == ' ' || b.getByte(start) == '\t')) {
      start++;
    }
    int stop = to;
    while (stop > start && (b.getByte(stop - 1) == ' ' || b.getByte(stop - 1) == '\t')) {
      stop--;
    }
    index[4 * i] = from - base;
    index[4 * i + 1] = colon - base;
    index[4 * i + 2] = start - base;
    index[4 * i + 3] = stop - base;
  }

  /**
   * Checks one field line {@code [from, to)} (CRLF excluded), of the header section or of trailers: a
   * token, a colon, and a value of field-vchars, spaces and tabs. Returns where the colon is.
   */
  private static int checkField(ByteBuf b, int from, int to) throws Refusal {
    int colon = -1;
    for (int j = from; j < to; j++) {
      byte c = b.getByte(j);
      if (c == ':') {
        colon = j;
        break;
      }
      if (!Tokens.tchar(c)) {
        throw MALFORMED; // obs-fold (a leading space), whitespace before the colon, or a bad name
      }
    }
    if (colon <= from) {
      throw MALFORMED;
    }
    for (int j = colon + 1; j < to; j++) {
      int c = b.getByte(j) & 0xff; // obs-text (0x80 to 0xFF) is a field-vchar (RFC 9110 section 5.5)
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw MALFORMED;
      }
    }
    return colon;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static HttpMethod method(ByteBuf b, int from, int to) {
    int length = to - from;
    if (length == 3 && b.getByte(from) == 'G' && b.getByte(from + 1) == 'E' && b.getByte(from + 2) == 'T') {
      return HttpMethod.GET;
    }
    if (length == 4 && b.getByte(from) == 'H' && b.getByte(from + 1) == 'E' && b.getByte(from + 2) == 'A'
        && b.getByte(from + 3) == 'D') {
      return HttpMethod.HEAD;
    }
    return HttpMethod.valueOf(b.toString(from, length, StandardCharsets.US_ASCII));
  }

  /** Decides how the body is delimited (RFC 9112 section 6.3) and dispatches or waits for it. */
  private void framing(ChannelHandlerContext ctx, Http1Request request, boolean http10) throws Refusal {
    int host = request.find(HttpHeaderNames.HOST, 0);
    if (host < 0 ? !http10 : request.find(HttpHeaderNames.HOST, host + 1) >= 0 || !request.valueWithin(host, AUTHORITY)) {
      throw MALFORMED; // RFC 9112 section 3.2: exactly one, and an authority
    }
    long contentLength = -1;
    for (int i = request.find(HttpHeaderNames.CONTENT_LENGTH, 0); i >= 0; i = request.find(HttpHeaderNames.CONTENT_LENGTH, i + 1)) {
      long length = digits(request.value(i));
      if (length < 0 || (contentLength >= 0 && contentLength != length)) {
        throw MALFORMED;
      }
      contentLength = length;
    }
    int transferEncoding = request.find(HttpHeaderNames.TRANSFER_ENCODING, 0);
    boolean isChunked = false;
    if (transferEncoding >= 0) {
      if (http10 || contentLength >= 0 || request.find(HttpHeaderNames.TRANSFER_ENCODING, transferEncoding + 1) >= 0) {
        throw MALFORMED;
      }
      if (!request.valueEqualsIgnoreCase(transferEncoding, CHUNKED)) {
        throw TRANSFER_CODING;
      }
      isChunked = true;
    }
    boolean expectContinue = false;
    for (int i = http10 ? -1 : request.find(HttpHeaderNames.EXPECT, 0); i >= 0; i = request.find(HttpHeaderNames.EXPECT, i + 1)) {
      if (!request.valueEqualsIgnoreCase(i, CONTINUE_EXPECTATION)) {
        throw EXPECTATION;
      }
      expectContinue = true;
    }
    if (!isChunked && contentLength <= 0) {
      dispatch(ctx, request);
      return;
    }
    int allowance = bodyAllowance.applyAsInt(request.method());
    if (contentLength > allowance) {
      throw BODY_TOO_LARGE;
    }
    if ((isChunked ? allowance : contentLength) > Responder.BODILESS_ALLOWANCE && !sink.admitsBody(ctx, request)) {
      // Refused on its head: the body is not read, so the connection's framing is lost and it closes.
      failed = true;
      buffer.release();
      buffer = null;
      request.refuse(Request.Failure.FORBIDDEN);
      dispatch(ctx, request);
      return;
    }
    waiting = request;
    if ((isChunked ? allowance : contentLength) > Responder.BODILESS_ALLOWANCE) {
      // An admitted upload may take its time: from here the idle timeout watches it, byte by byte.
      cancelHeaderTimer();
      uploading = true;
    }
    bodyRemaining = isChunked ? -1 : contentLength;
    chunked = isChunked ? new ChunkedBody(allowance) : null;
    if (expectContinue && !buffer.isReadable()) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
    }
  }

  /** Reads body bytes of the waiting request; dispatches it once whole. False when more are needed. */
  private boolean readBody(ChannelHandlerContext ctx) {
    Http1Request request = waiting;
    if (chunked == null) {
      if (buffer.readableBytes() < bodyRemaining) {
        return false;
      }
      request.body(buffer.readRetainedSlice((int) bodyRemaining));
      waiting = null;
      dispatch(ctx, request);
      return true;
    }
    int state;
    try {
      state = chunked.decode(ctx, buffer);
    } catch (Refusal refusal) {
      waiting = null;
      request.release();
      chunked.release();
      chunked = null;
      fail(ctx, refusal.failure);
      return false;
    }
    if (state < 0) {
      return false;
    }
    request.body(chunked.take());
    chunked = null;
    waiting = null;
    dispatch(ctx, request);
    return true;
  }

  /** A non-negative decimal of at most 18 digits, or -1. */
  private static long digits(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * A chunked body (RFC 9112 section 7.1) being decoded: sizes in hex (at most 8 digits after leading
   * zeros), extensions checked against the grammar and skipped, trailers checked as fields and dropped;
   * strict CRLF everywhere. A line arriving in pieces is searched once, not again from its start.
   */
  private static final class ChunkedBody {
    private static final int SIZE = 0;
    private static final int DATA = 1;
    private static final int DATA_END = 2;
    private static final int TRAILER = 3;
    /** The longest chunk-size line, extensions included. */
    private static final int MAX_SIZE_LINE = 1024;
    /** The largest trailer section. */
    private static final int MAX_TRAILER_BYTES = 8192;

    private final int allowance;
    private ByteBuf collected;
    private int state = SIZE;
    private long chunkRemaining;
    private int trailerBytes;
    /** Bytes of the current line already searched for its end. */
    private int scanned;

    ChunkedBody(int allowance) {
      this.allowance = allowance;
    }

    /** Consumes what it can; 0 when the body is complete, -1 when more bytes are needed. */
    int decode(ChannelHandlerContext ctx, ByteBuf in) throws Refusal {
      while (true) {
        switch (state) {
          case SIZE -> {
            int lf = line(in, MAX_SIZE_LINE, MALFORMED);
            if (lf < 0) {
              return -1;
            }
            long size = chunkSize(in, in.readerIndex(), lf - 1);
            in.readerIndex(lf + 1);
            if (size == 0) {
              state = TRAILER;
              continue;
            }
            if ((collected == null ? 0 : collected.readableBytes()) + size > allowance) {
              throw BODY_TOO_LARGE;
            }
            chunkRemaining = size;
            state = DATA;
          }
          case DATA -> {
            if (!in.isReadable()) {
              return -1;
            }
            int n = (int) Math.min(chunkRemaining, in.readableBytes());
            if (collected == null) {
              collected = ctx.alloc().buffer(Math.max(n, 256));
            }
            collected.writeBytes(in, n);
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
              state = DATA_END;
            }
          }
          case DATA_END -> {
            if (in.readableBytes() < 2) {
              return -1;
            }
            if (in.readByte() != '\r' || in.readByte() != '\n') {
              throw MALFORMED;
            }
            state = SIZE;
          }
          default -> {
            int lf = line(in, Math.max(0, MAX_TRAILER_BYTES - trailerBytes), HEADERS_TOO_LARGE);
            if (lf < 0) {
              return -1;
            }
            int from = in.readerIndex();
            in.readerIndex(lf + 1);
            if (lf == from + 1) {
              return 0;
            }
            checkField(in, from, lf - 1);
            trailerBytes += lf + 1 - from;
          }
        }
      }
    }

    /**
     * The LF ending the line at the reader index, or -1 while it has not arrived; {@code tooLong} when
     * the line (CRLF excluded) is longer than {@code max}, 400 when it does not end in CRLF.
     */
    private int line(ByteBuf in, int max, Refusal tooLong) throws Refusal {
      int from = in.readerIndex();
      int limit = Math.min(in.writerIndex(), from + max + 2);
      int lf = from + scanned < limit ? in.indexOf(from + scanned, limit, (byte) '\n') : -1;
      if (lf < 0) {
        if (in.readableBytes() > max + 1) {
          throw tooLong;
        }
        scanned = in.readableBytes();
        return -1;
      }
      scanned = 0;
      if (lf == from || in.getByte(lf - 1) != '\r') {
        throw MALFORMED;
      }
      return lf;
    }

    /**
     * The size on a chunk-size line {@code [from, to)}, whose extensions must follow RFC 9112 section
     * 7.1.1: {@code *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )}.
     */
    private static long chunkSize(ByteBuf in, int from, int to) throws Refusal {
      int i = from;
      while (i < to && in.getByte(i) == '0') {
        i++;
      }
      long size = 0;
      int digits = 0;
      for (int v; i < to && (v = hex(in.getByte(i))) >= 0; i++) {
        if (++digits > 8) {
          throw MALFORMED;
        }
        size = size * 16 + v;
      }
      if (i == from) {
        throw MALFORMED;
      }
      while (i < to) {
        i = whitespace(in, i, to);
        if (i == to || in.getByte(i) != ';') {
          throw MALFORMED;
        }
        int name = whitespace(in, i + 1, to);
        i = token(in, name, to);
        if (i == name) {
          throw MALFORMED;
        }
        int equals = whitespace(in, i, to);
        if (equals < to && in.getByte(equals) == '=') {
          int value = whitespace(in, equals + 1, to);
          i = value < to && in.getByte(value) == '"' ? quoted(in, value, to) : token(in, value, to);
          if (i == value) {
            throw MALFORMED;
          }
        }
      }
      return size;
    }

    private static int hex(byte c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    private static int whitespace(ByteBuf in, int i, int to) {
      while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
        i++;
      }
      return i;
    }

    private static int token(ByteBuf in, int i, int to) {
      while (i < to && Tokens.tchar(in.getByte(i))) {
        i++;
      }
      return i;
    }

    /** The end of the quoted-string starting at {@code at}: qdtext and quoted-pairs, no controls. */
    private static int quoted(ByteBuf in, int at, int to) throws Refusal {
      for (int i = at + 1; i < to; i++) {
        int c = in.getByte(i) & 0xff;
        if (c == '"') {
          return i + 1;
        }
        if (c == '\\' && i + 1 < to) {
          c = in.getByte(++i) & 0xff;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw MALFORMED;
        }
      }
      throw MALFORMED;
    }

    ByteBuf take() {
      ByteBuf body = collected == null ? Unpooled.EMPTY_BUFFER : collected;
      collected = null;
      return body;
    }

    void release() {
      if (collected != null) {
        collected.release();
        collected = null;
      }
    }
  }
}
