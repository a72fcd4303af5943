package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.EventExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An {@link UpstreamListener} that keeps everything it hears, copies body chunks (they are borrowed), and
 * notes any breach of the contract: a call off the event loops, a second ending, or a call after one.
 *
 * <p>Thread-safe: callbacks are synchronized, and the test reads after {@link #await()}.
 */
final class Recorder implements UpstreamListener {
  private final EventLoopGroup group;
  private final CompletableFuture<Recorder> done = new CompletableFuture<>();
  private final CountDownLatch firstContent = new CountDownLatch(1);
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final List<String> events = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private HttpResponse response;
  private String upstream;
  private int chunks;
  private UpstreamFailure failure;
  private String message;

  Recorder(EventLoopGroup group) {
    this.group = group;
  }

  @Override
  public synchronized void onHeaders(HttpResponse response, String upstream) {
    check("headers");
    this.response = response;
    this.upstream = upstream;
  }

  @Override
  public synchronized void onContent(ByteBuf chunk) {
    check("content");
    byte[] bytes = new byte[chunk.readableBytes()];
    chunk.getBytes(chunk.readerIndex(), bytes);
    body.writeBytes(bytes);
    chunks++;
    firstContent.countDown();
  }

  @Override
  public synchronized void onUntrusted() {
    check("untrusted");
  }

  @Override
  public synchronized void onComplete() {
    check("complete");
    done.complete(this);
  }

  @Override
  public synchronized void onError(UpstreamFailure failure, String message) {
    check("error:" + failure);
    this.failure = failure;
    this.message = message;
    done.complete(this);
  }

  private void check(String event) {
    if (done.isDone()) {
      violations.add(event + " after the end");
    }
    boolean onLoop = false;
    for (EventExecutor executor : group) {
      onLoop |= executor.inEventLoop();
    }
    if (!onLoop) {
      violations.add(event + " on " + Thread.currentThread().getName());
    }
    events.add(event);
  }

  /** Waits for the ending (10 s at most) and returns this. */
  Recorder await() throws Exception {
    return done.get(10, TimeUnit.SECONDS);
  }

  /** Waits for the first body chunk. */
  void awaitContent() throws InterruptedException {
    if (!firstContent.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no content arrived");
    }
  }

  synchronized HttpResponse response() {
    return response;
  }

  synchronized String upstream() {
    return upstream;
  }

  synchronized String text() {
    return body.toString(StandardCharsets.ISO_8859_1);
  }

  synchronized byte[] bytes() {
    return body.toByteArray();
  }

  synchronized int chunks() {
    return chunks;
  }

  /** The failure, or null after onComplete. */
  synchronized UpstreamFailure failure() {
    return failure;
  }

  synchronized String message() {
    return message;
  }

  /** Calls in order: "headers", "content", "complete", "error:TIMEOUT". */
  synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Contract breaches; empty when all is well. */
  synchronized List<String> violations() {
    return List.copyOf(violations);
  }
}
