package media.edge.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import media.edge.cmcd.Cmcd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request, batched as nginx's {@code access_log ... buffer=64k flush=1s} batches:
 * each event loop appends its lines to a block of its own, and a block goes to the writer thread when it
 * is full or a second old. A request then costs neither a system call nor a thread wake-up; a block
 * costs one of each. The path is logged without its query string (query strings carry tokens); a
 * request's CMCD, read apart, is logged as a {@code cmcd} object with the keys the player sent, typed.
 *
 * <p>Why not a logging framework's asynchronous appender: it hands every line to its thread (a wake-up
 * per request) and writes every line (a system call per request); measured, that was the largest single
 * cost of a small answer (bench/RESULTS.md).
 *
 * <p>Never in the way of serving: when the writer falls behind by {@value #MAX_QUEUED_BLOCKS} blocks
 * (stdout blocked), a full block is dropped and its lines counted ({@link #dropped()}) rather than an
 * event loop waiting. Nothing is lost at a clean shutdown: {@link #close()} flushes every block, after
 * the event loops have stopped, and waits for the writer.
 *
 * <p>Thread-safe: a block is only touched by its event loop until it is handed over (or, at close, once
 * that loop has terminated); the queue carries blocks to the writer and back to the free list.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  static final int MAX_QUEUED_BLOCKS = 256;
  /** A line longer than this (a huge User-Agent) is cut, so that a block always takes at least one. */
  private static final int MAX_LINE_BYTES = 16 * 1024;

  /** A switched-off log: nothing is written and nothing is started. */
  public static final AccessLog OFF = new AccessLog();

  private final boolean enabled;
  private final Clock clock;
  private final int blockBytes;
  private final long flushMillis;
  private final FileChannel out;
  private final BlockingQueue<Full> queue;
  private final BlockingQueue<byte[]> free;
  private final List<Block> blocks = new CopyOnWriteArrayList<>();
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private final FastThreadLocal<Block> current =
      new FastThreadLocal<>() {
        @Override
        protected Block initialValue() {
          Block block = new Block(Thread.currentThread());
          blocks.add(block);
          return block;
        }
      };
  private volatile boolean closed;

  private AccessLog() {
    this.enabled = false;
    this.clock = Clock.systemUTC();
    this.blockBytes = 0;
    this.flushMillis = 0;
    this.out = null;
    this.queue = null;
    this.free = null;
    this.writer = null;
  }

  private AccessLog(Clock clock, FileChannel out, int blockBytes, Duration flush) {
    this.enabled = true;
    this.clock = clock;
    this.out = out;
    this.blockBytes = Math.max(blockBytes, MAX_LINE_BYTES);
    this.flushMillis = Math.max(1, flush.toMillis());
    this.queue = new ArrayBlockingQueue<>(MAX_QUEUED_BLOCKS);
    this.free = new ArrayBlockingQueue<>(MAX_QUEUED_BLOCKS);
    this.writer = new Thread(this::writeBlocks, "edge-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * An access log writing to {@code file}, appending, or to standard output when it is null.
   *
   * @throws IOException when the file cannot be opened
   */
  public static AccessLog open(Path file, Clock clock, int blockBytes, Duration flush) throws IOException {
    FileChannel out = file == null
        ? new FileOutputStream(FileDescriptor.out).getChannel()
        : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new AccessLog(clock, out, blockBytes, flush);
  }

  boolean enabled() {
    return enabled;
  }

  /** Lines dropped because the writer could not keep up. */
  public long dropped() {
    return dropped.sum();
  }

  /** Appends the line of a finished exchange; called on its event loop. */
  void log(Exchange exchange, EventExecutor loop, int status, long bytes, long micros) {
    if (!enabled || closed) {
      return;
    }
    Block block = current.get();
    block.scheduleFlushes(loop);
    JsonBytes line = block.line;
    line.clear();
    line.raw("{\"time\":\"");
    block.time(clock.millis());
    line.raw("\",\"client\":").string(exchange.client());
    line.raw(",\"method\":").string(exchange.request().method().name());
    line.raw(",\"path\":").string(exchange.logPath());
    line.raw(",\"status\":").number(status);
    line.raw(",\"bytes\":").number(bytes);
    line.raw(",\"duration_us\":").number(micros);
    line.raw(",\"cache\":").string(exchange.cacheResult().tag());
    line.raw(",\"user_agent\":");
    if (!exchange.request().writeHeaderValue(io.netty.handler.codec.http.HttpHeaderNames.USER_AGENT, line)) {
      line.raw("null");
    }
    Cmcd cmcd = exchange.cmcd();
    if (!cmcd.isEmpty()) {
      line.raw(",\"cmcd\":{");
      for (int i = 0; i < cmcd.size(); i++) {
        line.raw(i == 0 ? "" : ",").string(cmcd.key(i)).raw(':');
        if (cmcd.isInteger(i)) {
          line.number(cmcd.number(i));
        } else {
          line.structured(cmcd.value(i));
        }
      }
      line.raw('}');
    }
    line.raw("}\n");
    block.append(line);
  }

  /** A thread's block: its bytes, the line being built, and the second its time prefix was made for. */
  private final class Block {
    private final Thread owner;
    final JsonBytes line = new JsonBytes(512);
    private byte[] bytes;
    private int length;
    private long lines;
    private boolean flushing;
    private long second = Long.MIN_VALUE;
    private byte[] secondPrefix;

    Block(Thread owner) {
      this.owner = owner;
      this.bytes = take();
    }

    void scheduleFlushes(EventExecutor loop) {
      if (!flushing) {
        flushing = true;
        loop.scheduleAtFixedRate(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
      }
    }

    /** {@code 2026-12-02T14:44:16.734Z}: the part up to the second is made once per second. */
    void time(long millis) {
      long s = Math.floorDiv(millis, 1000L);
      if (s != second) {
        second = s;
        LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
        secondPrefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
            t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()).getBytes(StandardCharsets.US_ASCII);
      }
      line.raw(secondPrefix);
      int ms = (int) Math.floorMod(millis, 1000L);
      line.raw((char) ('0' + ms / 100)).raw((char) ('0' + ms / 10 % 10)).raw((char) ('0' + ms % 10)).raw('Z');
    }

    void append(JsonBytes line) {
      int n = Math.min(line.length(), MAX_LINE_BYTES);
      if (length + n > bytes.length) {
        flush();
      }
      System.arraycopy(line.array(), 0, bytes, length, n);
      if (n < line.length()) {
        bytes[n - 1] = '\n';
      }
      length += n;
      lines++;
    }

    /** Hands the block to the writer (or drops it when the writer is too far behind). */
    void flush() {
      if (length == 0) {
        return;
      }
      Full full = new Full(bytes, length, lines);
      if (!queue.offer(full)) {
        dropped.add(lines);
        free.offer(bytes);
      }
      bytes = take();
      length = 0;
      lines = 0;
    }
  }

  private record Full(byte[] bytes, int length, long lines) {}

  private byte[] take() {
    byte[] reused = free.poll();
    return reused != null ? reused : new byte[blockBytes];
  }

  private void writeBlocks() {
    while (true) {
      Full full;
      try {
        full = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (full == null) {
        if (closed && queue.isEmpty()) {
          return;
        }
        continue;
      }
      try {
        ByteBuffer data = ByteBuffer.wrap(full.bytes, 0, full.length);
        while (data.hasRemaining()) {
          out.write(data);
        }
      } catch (IOException e) {
        dropped.add(full.lines);
        LOG.warn("access log write failed: {}", e.toString());
      }
      free.offer(full.bytes);
    }
  }

  /**
   * Writes out every block and stops the writer. Call after the event loops have terminated: blocks of
   * loops still running are flushed here too, from this thread, which only loses lines being appended
   * at that very moment.
   */
  @Override
  public void close() {
    if (!enabled || closed) {
      return;
    }
    for (Block block : blocks) {
      block.flush();
    }
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      out.force(false);
    } catch (IOException e) {
      // stdout may be a pipe or a terminal: nothing to force
    }
  }
}
