package media.edge.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import media.edge.AbstractBenchmark;
import media.edge.cache.Content;
import media.edge.cache.ContentStore;
import media.edge.cache.MemoryTier;
import media.edge.config.CacheConfig;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.LibraryConfig;
import media.edge.config.LogConfig;
import media.edge.hls.CachePolicy;
import media.edge.library.Library;
import media.edge.library.LibraryPath;
import media.edge.metrics.EdgeMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request answered from the memory tier, through the data pipeline exactly as
 * {@code EdgeServer} wires it: {@link DataChannelInitializer} on an {@link EmbeddedChannel} with the
 * server's allocator ({@code PooledByteBufAllocator.DEFAULT}), a real {@link ContentStore} over a
 * temporary library, a real {@link MemoryTier} and {@link EdgeMetrics}. Each operation writes one
 * fresh {@code DefaultFullHttpRequest}, takes every encoded message the pipeline wrote and releases
 * it; it returns the number of bytes that would have gone to the socket, without copying the body.
 *
 * <p>What is measured: {@code FileHandler} (path parsing, the memory lookup, preconditions, range,
 * response headers), {@code HttpServerKeepAliveHandler}, {@code PlaylistCompressor}, the response
 * encoding of {@code HttpServerCodec}, the metrics timer, plus the small cost of
 * {@code EmbeddedChannel}'s queues. What is not: request decoding (the request is injected as an
 * object, which {@code HttpServerCodec}'s decoder passes through; {@link #requestBaseline} is the cost
 * of building it), the socket write, and the access log (switched off).
 *
 * <p>Inputs: a VOD title laid out as a packager writes it, {@code vod/bbb/720p/index.m3u8} (sixty
 * 6.006-second segments, about 2 KB, {@code #EXT-X-ENDLIST}) and 400 KB MPEG-TS segments
 * ({@code seg_00000.ts}, ...: random payload in 188-byte packets that start with the 0x47 sync
 * byte). Only the first {@value #SEGMENTS_ON_DISK} segments are written: the memory-hit path never
 * copies a body, so more files would lengthen setup without changing the numbers. Segment requests
 * rotate over them, as a player's would; requests carry the headers of a browser-based player.
 *
 * <p>Two deliberate differences from the server. Auto-read is on, where the server turns it off:
 * requests are injected as objects, not read from a socket, and with auto-read on
 * {@code FlowControlHandler} passes them straight through (the server's read-one-request-at-a-time
 * logic is covered by the socket tests in origin-server). And {@code cache.memory-revalidate}
 * is raised from one second to an hour, so that every operation is a memory hit. With the default,
 * one request per file per second takes the revalidation path (a {@code stat} on a file I/O
 * thread), which deserves its own benchmark and which an {@code EmbeddedChannel} cannot host
 * safely: its task queue is not thread-safe.
 *
 * <p>Leaks: setup and teardown check that every cached body is referenced by the cache alone, so a
 * response path that forgets to release its duplicate fails the run instead of only slowing it.
 *
 * <p>Run, from the repository root:
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar MemoryHitBenchmark -prof gc
 * </pre>
 */
// Five warm-up iterations instead of the base class's three: C2 has a whole pipeline to compile,
// and on the 2-core machine of RESULTS.md a memory hit reached its steady time only after 6-8 s.
@Warmup(iterations = 5, time = 2)
public class MemoryHitBenchmark extends AbstractBenchmark {
  private static final int SEGMENTS_IN_PLAYLIST = 60;
  private static final int SEGMENTS_ON_DISK = 8;
  private static final int TS_PACKET = 188;
  /** 2179 packets: 409,652 bytes, a 400 KB segment that is a whole number of TS packets. */
  private static final int SEGMENT_BYTES = 2179 * TS_PACKET;
  private static final String TITLE = "/vod/bbb/720p/";
  static final String PLAYLIST = TITLE + "index.m3u8";
  static final String RANGE = "bytes=0-65535";
  static final String BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
  private static final String USER_AGENT =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  /** Bounds every wait in setup, so a broken pipeline fails the run instead of hanging it. */
  private static final long SETUP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private Path root;
  private ThreadPoolExecutor fileIo;
  /** File I/O tasks submitted and not yet finished; see {@link #warm}. */
  private final AtomicInteger fileIoPending = new AtomicInteger();
  private MemoryTier memory;
  private ContentStore store;
  private EdgeMetrics metrics;
  private EmbeddedChannel channel;
  private String[] segments;
  private int nextSegment;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    try {
      wire();
    } catch (Exception | Error e) {
      close(); // JMH skips @TearDown when @Setup fails; do not leave the temp library behind
      throw e;
    }
  }

  private void wire() throws Exception {
    root = Files.createTempDirectory("edge-bench-");
    segments = writeTitle(root);

    EdgeConfig defaults = ConfigLoader.defaults();
    CacheConfig cache = defaults.cache();
    EdgeConfig config =
        defaults
            .withLibrary(new LibraryConfig(root))
            .withLog(new LogConfig(false))
            .withTokens(defaults.tokens().withRequired(false))
            .withCache(new CacheConfig(cache.memoryBytes(), cache.memoryMaxObjectBytes(), Duration.ofHours(1)));

    // As EdgeServer wires it. The pool mirrors FileIoExecutor.create (package-private in
    // media.edge.server); the store gets it through runOnFileIo, which counts tasks for warm().
    fileIo = fileIoPool(config.server().fileThreads());
    metrics = EdgeMetrics.create();
    memory = new MemoryTier(config.cache().memoryBytes(), Ticker.systemTicker());
    CachePolicy policy = new CachePolicy(config.http().cacheControl(), config.cache().memoryRevalidate());
    store =
        new ContentStore(
            Library.open(config.library().root()),
            memory,
            policy,
            PooledByteBufAllocator.DEFAULT,
            this::runOnFileIo,
            config.cache().memoryMaxObjectBytes(),
            config.http().gzipPlaylists());
    ConnectionTracker connections = new ConnectionTracker();
    DataChannelInitializer initializer =
        new DataChannelInitializer(config, store, policy, metrics, connections, null, Clock.systemUTC());

    // The server's allocator, set before registration so the pipeline allocates from it from the
    // start. Auto-read stays on: see the class comment.
    channel = new EmbeddedChannel(false, false, initializer);
    channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    channel.register();

    // First requests miss and load through the file I/O pool; afterwards every one is a memory hit.
    warm(PLAYLIST);
    for (String segment : segments) {
      warm(segment);
    }
    expect(request(segments[0], BROWSER_ACCEPT_ENCODING, null), "HTTP/1.1 200 ", "content-type: video/mp2t");
    expect(
        request(segments[0], BROWSER_ACCEPT_ENCODING, RANGE),
        "HTTP/1.1 206 ",
        "content-range: bytes 0-65535/" + SEGMENT_BYTES);
    expect(request(PLAYLIST, null, null), "HTTP/1.1 200 ", "content-type: application/vnd.apple.mpegurl");
    expect(request(PLAYLIST, BROWSER_ACCEPT_ENCODING, null), "HTTP/1.1 200 ", "content-encoding: gzip");
    checkNoBodyRetained();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    try {
      checkNoBodyRetained();
    } finally {
      close();
    }
  }

  /** Releases whatever {@link #wire} got as far as creating. */
  private void close() throws IOException, InterruptedException {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    if (memory != null) {
      memory.close();
    }
    if (fileIo != null) {
      fileIo.shutdown();
      fileIo.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (metrics != null) {
      metrics.close();
    }
    if (root != null) {
      deleteTree(root);
    }
  }

  /** A whole 400 KB segment: 200, the cached buffer written as a retained duplicate. */
  @Benchmark
  public long segmentGet() {
    return exchange(request(nextSegment(), BROWSER_ACCEPT_ENCODING, null));
  }

  /** The first 64 KiB of a segment, as a player probing or resuming asks: 206 and a slice. */
  @Benchmark
  public long segmentRange() {
    return exchange(request(nextSegment(), BROWSER_ACCEPT_ENCODING, RANGE));
  }

  /** The media playlist, uncompressed (a client that sends no Accept-Encoding). */
  @Benchmark
  public long playlistGet() {
    return exchange(request(PLAYLIST, null, null));
  }

  /** The media playlist, gzip-compressed by {@code PlaylistCompressor} on every request. */
  @Benchmark
  public long playlistGetGzip() {
    return exchange(request(PLAYLIST, BROWSER_ACCEPT_ENCODING, null));
  }

  /**
   * Building the request object alone: the share of every other benchmark's time and allocation
   * that is this harness rather than the server (in production the decoder builds the request).
   */
  @Benchmark
  public FullHttpRequest requestBaseline() {
    return request(nextSegment(), BROWSER_ACCEPT_ENCODING, null);
  }

  private String nextSegment() {
    String uri = segments[nextSegment];
    nextSegment = nextSegment + 1 == segments.length ? 0 : nextSegment + 1;
    return uri;
  }

  /** A browser player's request; a fresh one per call, since the pipeline consumes it. */
  static FullHttpRequest request(String uri, String acceptEncoding, String range) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    HttpHeaders headers = request.headers();
    headers.set(HttpHeaderNames.HOST, "edge.example.com");
    headers.set(HttpHeaderNames.CONNECTION, "keep-alive");
    headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    headers.set(HttpHeaderNames.ACCEPT, "*/*");
    headers.set(HttpHeaderNames.ORIGIN, "https://player.example.com");
    headers.set(HttpHeaderNames.REFERER, "https://player.example.com/");
    headers.set(HttpHeaderNames.ACCEPT_LANGUAGE, "en-US,en;q=0.9");
    if (acceptEncoding != null) {
      headers.set(HttpHeaderNames.ACCEPT_ENCODING, acceptEncoding);
    }
    if (range != null) {
      headers.set(HttpHeaderNames.RANGE, range);
    }
    return request;
  }

  /** One request, answered synchronously from memory; returns the bytes the socket would get. */
  private long exchange(FullHttpRequest request) {
    channel.writeInbound(request);
    long bytes = drainOutbound();
    if (bytes == 0) {
      throw new IllegalStateException(request.uri() + ": no synchronous answer, so not a memory hit");
    }
    return bytes;
  }

  /** Releases everything written so far and counts its bytes. */
  private long drainOutbound() {
    long bytes = 0;
    for (Object message; (message = channel.readOutbound()) != null; ) {
      if (message instanceof ByteBuf) {
        bytes += ((ByteBuf) message).readableBytes();
      } else if (message instanceof FileRegion) {
        bytes += ((FileRegion) message).count();
      }
      ReferenceCountUtil.release(message);
    }
    return bytes;
  }

  /**
   * Hands a task to the file I/O pool, counting it until it has run. Only misses (setup) pass through
   * here; a memory hit never touches the pool.
   */
  private void runOnFileIo(Runnable task) {
    fileIoPending.incrementAndGet();
    try {
      fileIo.execute(
          () -> {
            try {
              task.run();
            } finally {
              fileIoPending.decrementAndGet();
            }
          });
    } catch (RuntimeException e) {
      fileIoPending.decrementAndGet();
      throw e;
    }
  }

  /**
   * Sends the first request for {@code uri}, a miss that loads the file on the I/O pool, and waits
   * for its answer. The channel is touched again only once no file task is pending: the lookup's
   * completion is handed to the channel's event loop from a pool thread, and
   * {@code EmbeddedChannel}'s task queue must not be used by two threads at once. (The pool's own
   * counters cannot tell: a task taken from the queue but not yet started is counted nowhere.) A
   * task submits its follow-up (stat, then read) before it finishes, so a count of zero means the
   * whole chain is done.
   */
  private void warm(String uri) throws InterruptedException {
    channel.writeInbound(request(uri, null, null));
    long deadline = System.nanoTime() + SETUP_WAIT_NANOS;
    while (fileIoPending.get() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(uri + ": file I/O did not finish within 10 s");
      }
      Thread.sleep(1);
    }
    channel.runPendingTasks();
    if (drainOutbound() == 0) {
      throw new IllegalStateException(uri + ": no answer after the file I/O finished");
    }
    Content.InMemory hit = store.memoryHit(LibraryPath.parse(uri).path());
    if (hit == null) {
      throw new IllegalStateException(uri + ": not in the memory tier after a first request");
    }
    hit.body().release();
  }

  /** Fails setup unless the answer to {@code request} has {@code status} and contains {@code header}. */
  private void expect(FullHttpRequest request, String status, String header) {
    channel.writeInbound(request);
    Object first = channel.readOutbound();
    String head = first instanceof ByteBuf ? ((ByteBuf) first).toString(StandardCharsets.US_ASCII) : String.valueOf(first);
    ReferenceCountUtil.release(first);
    drainOutbound();
    int end = head.indexOf("\r\n\r\n");
    head = end < 0 ? head : head.substring(0, end);
    if (!head.startsWith(status) || !head.toLowerCase(Locale.ROOT).contains(header)) {
      throw new IllegalStateException(request.uri() + ": expected " + status + "with " + header + ", got:\n" + head);
    }
  }

  /**
   * Fails unless every cached body is referenced by the cache alone. Each response takes a retained
   * duplicate of the cached buffer, which retains the buffer once until the duplicate is released:
   * a leak anywhere in the write path shows up here as a count above one.
   */
  private void checkNoBodyRetained() {
    String[] uris = new String[segments.length + 1];
    System.arraycopy(segments, 0, uris, 0, segments.length);
    uris[segments.length] = PLAYLIST;
    for (String uri : uris) {
      Content.InMemory probe = store.memoryHit(LibraryPath.parse(uri).path());
      if (probe == null) {
        throw new IllegalStateException(uri + ": evicted from the memory tier during the run");
      }
      ByteBuf cached = probe.body().unwrap();
      int references = cached.refCnt() - 1; // minus the probe's own duplicate
      probe.body().release();
      if (references != 1) {
        throw new IllegalStateException(uri + ": cached body has " + references + " references (expected: 1)");
      }
    }
  }

  /** Writes the playlist and the first {@link #SEGMENTS_ON_DISK} segments; returns segment URIs. */
  static String[] writeTitle(Path root) throws IOException {
    Path folder = Files.createDirectories(root.resolve(TITLE.substring(1)));
    StringBuilder playlist =
        new StringBuilder()
            .append("#EXTM3U\n")
            .append("#EXT-X-VERSION:3\n")
            .append("#EXT-X-TARGETDURATION:7\n")
            .append("#EXT-X-MEDIA-SEQUENCE:0\n")
            .append("#EXT-X-PLAYLIST-TYPE:VOD\n");
    for (int i = 0; i < SEGMENTS_IN_PLAYLIST; i++) {
      playlist.append("#EXTINF:6.006000,\n").append(segmentName(i)).append('\n');
    }
    playlist.append("#EXT-X-ENDLIST\n");
    Files.writeString(folder.resolve("index.m3u8"), playlist, StandardCharsets.US_ASCII);

    SplittableRandom random = new SplittableRandom(42);
    byte[] body = new byte[SEGMENT_BYTES];
    String[] uris = new String[SEGMENTS_ON_DISK];
    for (int i = 0; i < SEGMENTS_ON_DISK; i++) {
      random.nextBytes(body);
      for (int packet = 0; packet < SEGMENT_BYTES; packet += TS_PACKET) {
        body[packet] = 0x47;
      }
      Files.write(folder.resolve(segmentName(i)), body);
      uris[i] = TITLE + segmentName(i);
    }
    return uris;
  }

  private static String segmentName(int index) {
    return String.format(Locale.ROOT, "seg_%05d.ts", index);
  }

  private static ThreadPoolExecutor fileIoPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(4096),
        runnable -> {
          Thread thread = new Thread(runnable, "edge-file-io-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
