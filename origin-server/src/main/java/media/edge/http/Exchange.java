package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import media.edge.cmcd.Cmcd;
import media.edge.hls.ContentKind;
import media.edge.metrics.CacheResult;
import media.edge.metrics.CutOff;
import media.edge.token.TokenQuery;
import media.edge.token.TokenVerifier;

/**
 * One request and its answer. The gate creates it and checks the request; a {@link Responder} answers
 * it through one of: {@link #respond} (a representation, through the one decision of {@link Answers}),
 * {@link #startStream} and its pieces (a body still arriving from upstream), or {@link #error}. Whatever
 * the path, the answer ends in {@link #operationComplete}: metrics, the access log, and the next request
 * on the connection (or its close).
 *
 * <p>Confined to the connection's event loop: responders that look elsewhere (file I/O, upstream) come
 * back to {@link #executor()} before touching it.
 */
public final class Exchange implements ChannelFutureListener, TokenLocator.Sink {
  /**
   * Bytes that may wait in one connection's send buffer while a streamed body is relayed. Streams are
   * paced by the channel's writability ({@link #whenWritable}), so only a writer that ignores it gets
   * near this; past it the client is cut off rather than let it hold the server's memory.
   */
  static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
  private static final Fields NOT_ACCEPTABLE = Fields.builder().add(HttpHeaderNames.VARY, "accept-encoding").build();
  private static final Fields RETRY_SOON = Fields.builder().add(HttpHeaderNames.RETRY_AFTER, "1").build();
  /** The exchange waiting on a channel for it to become writable again. */
  private static final AttributeKey<Exchange> PAUSED = AttributeKey.valueOf("edge.paused");

  private final Front front;
  private final ChannelHandlerContext ctx;
  private final Wire wire;
  private final Request request;
  private final long startNanos;
  private final boolean head;
  private String logPath;
  private SafePath path;
  private ContentKind kind = ContentKind.OTHER;
  private CacheResult cache = CacheResult.NONE;
  private String client;
  private String token;
  private TokenLocator.Source tokenSource;
  private boolean tokenMalformed;
  private TokenVerifier.Verdict verdict;
  private Cmcd cmcd = Cmcd.NONE;
  private boolean ended;
  /** What runs when the paused client can take more, and the timer that cuts it off meanwhile. */
  private Runnable onWritable;
  private ScheduledFuture<?> stall;

  // The head of the answer, as the wire encodes it.
  int status;
  Fields fields = Fields.NONE;
  Fields extra = Fields.NONE;
  /** Body bytes the head announces, or -1: none announced (chunked, or a status without a body). */
  long contentLength = -1;
  int age = -1;
  boolean cors = true;
  /** Add {@code Date}: false when the fields carry a stored one. */
  boolean date = true;
  /** Close the connection after this answer (a framing error, HTTP/1.0, Connection: close, a drain). */
  boolean close;
  /** A 206's window: its first byte, and the whole representation's length (-1: not a 206). */
  long rangeFirst;
  long rangeTotal = -1;
  /** Body bytes sent, for metrics and the log. */
  long bodyBytes;

  Exchange(Front front, ChannelHandlerContext ctx, Wire wire, Request request, long startNanos) {
    this.front = front;
    this.ctx = ctx;
    this.wire = wire;
    this.request = request;
    this.startNanos = startNanos;
    this.head = HttpMethod.HEAD.equals(request.method());
  }

  // ---- what the gate found ------------------------------------------------------------------------

  public Request request() {
    return request;
  }

  /** The normalized path: the library key and what token ACLs are matched against. */
  public SafePath path() {
    return path;
  }

  /** The HLS kind of the target, from its file name. */
  public ContentKind kind() {
    return kind;
  }

  /** The path as logged: without its query and without a path token. */
  public String logPath() {
    return logPath;
  }

  /** The viewer's address (behind trusted proxies, the forwarded one). */
  public String client() {
    return client;
  }

  /** True for HEAD. */
  public boolean head() {
    return head;
  }

  /** The request's token as found (decoded), or null. */
  public String tokenText() {
    return token;
  }

  /** Where the token was found, or null when there was none. */
  public TokenLocator.Source tokenSource() {
    return tokenSource;
  }

  boolean tokenMalformed() {
    return tokenMalformed;
  }

  /**
   * True when this request's token would also admit {@code other} (its ACL, expiry and address): what a
   * prefetch on the viewer's behalf may fetch.
   */
  public boolean tokenAdmits(SafePath other) {
    return front.tokens.check(token, tokenMalformed, other.slashed(), client).accepted();
  }

  /** The configured token name (query parameter, cookie and header). */
  public String tokenName() {
    return front.tokens.name();
  }

  /** True when this answer is a playlist whose URIs must carry the request's query token. */
  public boolean propagatesToken() {
    return kind == ContentKind.PLAYLIST && token != null && tokenSource == TokenLocator.Source.QUERY;
  }

  /** What the player reported with this request (CTA-5004); {@link Cmcd#NONE} when nothing was read. */
  public Cmcd cmcd() {
    return cmcd;
  }

  void cmcd(Cmcd cmcd) {
    this.cmcd = cmcd;
  }

  /** Where the body came from, for metrics and the log. */
  public void cacheResult(CacheResult result) {
    this.cache = result;
  }

  public CacheResult cacheResult() {
    return cache;
  }

  public EventExecutor executor() {
    return ctx.executor();
  }

  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  /** The channel the answer goes out on (an HTTP/2 stream, or the connection). */
  public Channel channel() {
    return ctx.channel();
  }

  /** True once the answer ended (or the client went away and it was cut off). */
  public boolean ended() {
    return ended;
  }

  /** What the gate's token locator found; also the path as logged, without any path token. */
  @Override
  public void located(String token, TokenLocator.Source source, String path, boolean malformed) {
    this.logPath = path;
    this.token = token;
    this.tokenSource = source;
    this.tokenMalformed = malformed;
  }

  void checked(SafePath path, ContentKind kind, String client, TokenVerifier.Verdict verdict) {
    this.path = path;
    this.kind = kind;
    this.client = client;
    this.verdict = verdict;
  }

  void client(String client) {
    this.client = client;
  }

  void closeAfter() {
    this.close = true;
  }

  // ---- answering ----------------------------------------------------------------------------------

  /** The one decision for {@code representation} (see {@link Answers}). */
  public Answer decide(Representation representation) {
    return Answers.decide(request, propagatesToken(), representation, front.gzipPlaylists);
  }

  /**
   * Decides and sends the answer from {@code representation}. False, with nothing sent, when its body
   * lives in a memory entry that was evicted meanwhile: the caller looks it up again.
   */
  public boolean respond(Representation representation) {
    return send(decide(representation));
  }

  /** Sends a decided answer; false as for {@link #respond}. Not for {@link Answer.Kind#NEEDS_WHOLE_BODY}. */
  public boolean send(Answer answer) {
    Representation representation = answer.representation();
    switch (answer.kind()) {
      case PRECONDITION_FAILED -> {
        error(412);
        return true;
      }
      case RANGE_NOT_SATISFIABLE -> {
        error(416, Fields.builder().add(HttpHeaderNames.CONTENT_RANGE, "bytes */" + representation.length()).build());
        return true;
      }
      case NOT_ACCEPTABLE -> {
        notAcceptable();
        return true;
      }
      case NEEDS_WHOLE_BODY -> throw new IllegalStateException("the answer needs the whole body first");
      default -> {
        // go on
      }
    }
    head(answer);
    if (answer.kind() == Answer.Kind.NOT_MODIFIED) {
      wire.send(this, null);
      return true;
    }
    Body body = representation.body();
    boolean sendsBody = answer.hasBody() && !head;
    if (body instanceof Body.InMemory memory) {
      ByteBuf whole = memory.retainedBody();
      if (whole == null) {
        return false;
      }
      ByteBuf out = transform(answer, representation, whole);
      if (answer.kind() == Answer.Kind.PARTIAL) {
        ByteBuf window = out.retainedSlice((int) answer.first(), (int) answer.count());
        out.release();
        out = window;
      }
      contentLength = Answers.statusAllowsBody(status) ? out.readableBytes() : -1;
      if (!sendsBody) {
        out.release();
        out = null;
      }
      wire.send(this, out);
      return true;
    }
    if (body instanceof Body.InFile file && sendsBody && answer.count() > 0) {
      try {
        wire.sendFile(this, file.source(), file.offset() + answer.first(), answer.count());
      } catch (FileSource.ChangedException e) {
        // Replaced between the decision and the send: this head would describe other bytes. Try again soon.
        unavailable();
      } catch (IOException e) {
        // Gone since it was looked up (deleted, replaced by a directory): as if it were not there.
        error(404);
      }
      return true;
    }
    wire.send(this, null);
    return true;
  }

  /** Sets the head fields of a decided answer (200/206/304 from a representation). */
  private void head(Answer answer) {
    Representation representation = answer.representation();
    status = answer.status();
    age = representation.age().seconds(front.dates.nowMillis());
    cors = !representation.carriesCors();
    date = !representation.carriesDate();
    fields = representation.fields(answer.kind() == Answer.Kind.NOT_MODIFIED, answer.rewrite(), answer.coding());
    if (answer.kind() == Answer.Kind.PARTIAL) {
      rangeFirst = answer.first();
      rangeTotal = representation.length();
      contentLength = answer.count();
    } else if (answer.kind() == Answer.Kind.NOT_MODIFIED) {
      contentLength = -1;
    } else {
      contentLength = Answers.statusAllowsBody(status) ? answer.count() : -1;
    }
    if (answer.rewrite() && answer.kind() == Answer.Kind.FULL && front.setCookie && verdict != null) {
      extra = Fields.builder()
          .add(HttpHeaderNames.SET_COOKIE, front.tokens.cookie(TokenQuery.escape(token), verdict, front.dates.nowSeconds()))
          .build();
    }
  }

  /** The body as this answer sends it: with the viewer's token in every URI, compressed, or as stored. */
  private ByteBuf transform(Answer answer, Representation representation, ByteBuf whole) {
    ByteBuf out = whole;
    if (answer.rewrite()) {
      try {
        out = wire.rewriter(front.tokens.name(), token, request.header(HttpHeaderNames.HOST))
            .rewrite(whole, ctx.alloc(), representation.variants().plans());
      } finally {
        whole.release();
      }
    }
    if (answer.coding() == Answer.Coding.GZIP || answer.coding() == Answer.Coding.DEFLATE) {
      ByteBuf compressed;
      try {
        compressed = Compression.compress(out, ctx.alloc(), answer.coding() == Answer.Coding.GZIP);
      } finally {
        out.release();
      }
      out = compressed;
    }
    return out;
  }

  /**
   * Answers 406: the body is in a content coding the client's {@code Accept-Encoding} does not accept.
   * Another Accept-Encoding gets another answer, so a shared cache downstream must not keep this for all.
   */
  public void notAcceptable() {
    error(406, NOT_ACCEPTABLE);
  }

  /** Answers 503 with {@code Retry-After: 1}: the condition passes within a second or so. */
  public void unavailable() {
    error(503, RETRY_SOON);
  }

  /** Answers with the error shape and {@code status}. */
  public void error(int status) {
    error(status, Fields.NONE);
  }

  /** Answers with the error shape, {@code status} and {@code extra} fields (Allow, Content-Range). */
  public void error(int status, Fields extra) {
    byte[] body = front.errors.body(status);
    this.status = status;
    this.fields = front.errors.fields();
    this.extra = extra;
    this.contentLength = body.length;
    this.age = -1;
    this.cors = true;
    this.date = true;
    this.rangeTotal = -1;
    wire.send(this, head ? null : Unpooled.wrappedBuffer(body));
  }

  /** Answers OPTIONS: a CORS preflight, or the list of allowed methods. */
  void options() {
    status = 204;
    fields = front.cors.optionsFields(request);
    extra = Fields.NONE;
    contentLength = -1;
    age = -1;
    cors = false;
    date = true;
    wire.send(this, null);
  }

  // ---- streaming (a body still arriving) ----------------------------------------------------------

  /**
   * Sends the head of an answer whose body follows in pieces: from a decided answer on a representation
   * still arriving (FULL or PARTIAL), with {@code contentLength} known or -1.
   */
  public void startStream(Answer answer) {
    head(answer);
    if (head || !answer.hasBody()) {
      wire.send(this, null);
      return;
    }
    wire.startBody(this);
  }

  /**
   * Sends the head of an answer relayed as it arrives (an uncached pass-through): {@code status} and the
   * upstream's {@code fields}, the body's length or -1.
   */
  public void startStream(int status, Fields fields, long contentLength, int age) {
    this.status = status;
    this.fields = fields;
    this.extra = Fields.NONE;
    this.age = age;
    this.cors = !fields.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
    this.date = !fields.contains(HttpHeaderNames.DATE);
    boolean hasBody = Answers.statusAllowsBody(status) && !head;
    this.contentLength = Answers.statusAllowsBody(status) ? contentLength : -1;
    if (!hasBody) {
      wire.send(this, null);
      return;
    }
    wire.startBody(this);
  }

  /** True when the head went out and pieces are expected: false after a bodiless answer to a stream. */
  public boolean streaming() {
    return wire.streaming(this);
  }

  /**
   * Sends the next piece of a streamed body; takes ownership of {@code piece}. A client whose connection
   * already queues {@link #MAX_QUEUED_BYTES} is cut off instead (counted): the caller sees
   * {@link #streaming()} turn false.
   */
  public void streamPiece(ByteBuf piece) {
    if (ended) {
      piece.release();
      return;
    }
    ChannelOutboundBuffer out = ConnectionTracker.connection(ctx.channel()).unsafe().outboundBuffer();
    if (out != null && out.totalPendingWriteBytes() > MAX_QUEUED_BYTES) {
      piece.release();
      front.metrics.cutOff(CutOff.QUEUE_FULL);
      abortStream();
      return;
    }
    bodyBytes += piece.readableBytes();
    wire.piece(this, piece);
  }

  /**
   * Runs {@code task} on this exchange's event loop once its client can take more: now when the
   * channel is writable (or already closed), else when it becomes writable. This is how a relayed body
   * keeps pace with its reader, so a client that reads slowly holds a few buffers, not the object. A
   * client that takes nothing for {@code server.send-timeout} is cut off: counted, its channel closed
   * (on HTTP/2, its stream reset); {@code task} then runs and finds the channel inactive.
   */
  public void whenWritable(Runnable task) {
    Channel channel = ctx.channel();
    if (channel.isWritable() || !channel.isActive() || ended) {
      task.run();
      return;
    }
    onWritable = task;
    channel.attr(PAUSED).set(this);
    if (stall == null) {
      stall = ctx.executor().schedule(this::stalled, front.sendTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Called by the last handler of the channel's pipeline on each writability change (and when it goes
   * inactive): runs what the exchange paused on it waits to do.
   */
  static void writabilityChanged(Channel channel) {
    if (!channel.isWritable() && channel.isActive()) {
      return;
    }
    Exchange paused = channel.attr(PAUSED).getAndSet(null);
    if (paused != null) {
      paused.resumeWriting();
    }
  }

  private void resumeWriting() {
    cancelStall();
    Runnable task = onWritable;
    onWritable = null;
    if (task != null) {
      task.run();
    }
  }

  private void stalled() {
    stall = null;
    if (onWritable == null || ended) {
      return;
    }
    front.metrics.cutOff(CutOff.SEND_TIMEOUT);
    ctx.channel().close(); // goes inactive: writabilityChanged runs the task, which sees the client gone
  }

  private void cancelStall() {
    if (stall != null) {
      stall.cancel(false);
      stall = null;
    }
  }

  /** Sends what was written so far; pieces are not flushed one by one. */
  public void flush() {
    ctx.flush();
  }

  /** Ends a streamed body. */
  public void endStream() {
    wire.endBody(this);
  }

  /**
   * Cuts off an answer whose body cannot be completed (the upstream failed midway): what was sent goes
   * out, then the connection closes (on HTTP/2, the stream resets), so the client sees a broken body
   * rather than a short one.
   */
  public void abortStream() {
    if (ended) {
      return;
    }
    ended = true;
    if (status == 0) {
      status = 499; // nothing was answered: the client went away first (nginx's convention)
    }
    record(false);
    wire.abort(this);
  }

  // ---- the end ------------------------------------------------------------------------------------

  /** The last write of the answer completed (or failed): account for it and go on with the connection. */
  @Override
  public void operationComplete(ChannelFuture future) {
    if (ended) {
      return;
    }
    ended = true;
    record(future.isSuccess());
    if (!future.isSuccess()) {
      // A body cut short (a file that shrank, a read that failed): close now (on HTTP/2, reset the
      // stream) so that the client sees the end now, not at the idle timeout.
      ctx.close();
      return;
    }
    wire.ended(this);
  }

  private void record(boolean success) {
    cancelStall();
    if (onWritable != null) {
      onWritable = null;
      ctx.channel().attr(PAUSED).compareAndSet(this, null);
    }
    ConnectionTracker.idle(ctx.channel());
    long nanos = System.nanoTime() - startNanos;
    long bytes = success ? bodyBytes : 0;
    front.metrics.request(request.method().name(), status, kind, cache, bytes, nanos);
    if (front.accessLog.enabled()) {
      if (client == null) {
        client = front.proxies.peer(ConnectionTracker.connection(ctx.channel()));
      }
      front.accessLog.log(this, ctx.executor(), status, bytes, nanos / 1000);
    }
    request.release();
  }

  /** True when the drain began: every answer then closes its connection. */
  boolean draining() {
    return front.connections.draining();
  }

  /** The {@code Date} value of now. */
  String dateText() {
    return front.dates.now();
  }

  /** The {@code Date} line of now, encoded. */
  byte[] dateLine() {
    return front.dates.dateLine();
  }

  /** The CORS fields for this request, encoded; empty when none apply. */
  byte[] corsLines() {
    return front.cors.encoded(request);
  }

  /** Adds the CORS fields for this request to HTTP/2 headers. */
  void addCors(io.netty.handler.codec.http.HttpHeaders headers) {
    front.cors.apply(request, headers);
  }
}
