package media.edge.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import media.edge.AbstractBenchmark;
import media.edge.config.CacheConfig;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.memory.MemoryTier;
import media.edge.origin.ContentStore;
import media.edge.origin.Library;
import media.edge.origin.OriginResponder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An origin's memory hit through the whole data pipeline, request bytes in and answer bytes out
 * ({@link Pipeline}): decoding, the gate (path, token from the query checked against a cached verdict),
 * the origin responder's fresh lookup, the one decision, the head assembled from fields encoded once,
 * metrics, and the access log line. The request is copied into a pooled buffer as a socket read would.
 *
 * <p>What is not measured: the system calls (the socket read and the {@code writev}), and the access
 * log's writer thread, which writes a 64 KiB block every few hundred requests.
 *
 * <p>Segments are held in memory ({@code cache.sendfile-min-bytes} raised past their size; with the
 * default they would go out with {@code sendfile}, see {@link #segmentSendfile}) and
 * {@code cache.memory-revalidate} is an hour, so that every operation is a memory hit.
 *
 * <p>Leaks are the tests' business: they run Netty's detector at {@code paranoid} over the same path.
 *
 * <p>Run, from the repository root:
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar MemoryHitBenchmark -prof gc
 * </pre>
 */
@Warmup(iterations = 5, time = 2)
public class MemoryHitBenchmark extends AbstractBenchmark {
  private Path root;
  private MemoryTier memory;
  private MemoryTier sendfileMemory;
  private Pipeline pipeline;
  private Pipeline sendfile;
  private byte[][] segments;
  private byte[][] ranges;
  private byte[][] segmentsSendfile;
  private byte[] playlist;
  private byte[] playlistRewritten;
  private byte[] playlistGzip;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    try {
      wire();
    } catch (Exception | Error e) {
      tearDown(); // JMH skips @TearDown when @Setup fails
      throw e;
    }
  }

  private void wire() throws Exception {
    root = Files.createTempDirectory("edge-bench-");
    String[] paths = Pipeline.writeTitle(root);
    EdgeConfig base = Pipeline.withLibrary(Pipeline.config(), root);
    CacheConfig cache = base.cache();
    EdgeConfig config =
        base.withCache(new CacheConfig(
            cache.memoryBytes(), cache.memoryMaxObjectBytes(), Duration.ofHours(1), Long.MAX_VALUE, Duration.ofHours(1),
            cache.openFiles()));
    memory = new MemoryTier(config.cache().memoryBytes(), Ticker.systemTicker());
    pipeline = new Pipeline();
    pipeline.wire(config, responder(config, memory));
    EdgeConfig sendfileConfig =
        base.withCache(new CacheConfig(
            cache.memoryBytes(), cache.memoryMaxObjectBytes(), Duration.ofHours(1), cache.sendfileMinBytes(),
            Duration.ofHours(1), cache.openFiles()));
    sendfileMemory = new MemoryTier(config.cache().memoryBytes(), Ticker.systemTicker());
    sendfile = new Pipeline();
    sendfile.wire(sendfileConfig, responder(sendfileConfig, sendfileMemory));

    segments = new byte[paths.length][];
    ranges = new byte[paths.length][];
    segmentsSendfile = new byte[paths.length][];
    for (int i = 0; i < paths.length; i++) {
      segments[i] = pipeline.request(paths[i], "gzip, deflate, br, zstd", null, false);
      ranges[i] = pipeline.request(paths[i], "gzip, deflate, br, zstd", Pipeline.RANGE, false);
      segmentsSendfile[i] = sendfile.request(paths[i], "gzip, deflate, br, zstd", null, false);
      // The first request of each file misses and reads it (the file I/O executor runs on this thread).
      pipeline.head(segments[i]);
      sendfile.head(segmentsSendfile[i]);
    }
    playlist = pipeline.request(Pipeline.PLAYLIST, null, null, true);
    playlistRewritten = pipeline.request(Pipeline.PLAYLIST, null, null, false);
    playlistGzip = pipeline.request(Pipeline.PLAYLIST, "gzip, deflate, br, zstd", null, true);
    pipeline.head(playlist);
    pipeline.expect(segments[0], "HTTP/1.1 200 ", "content-type: video/mp2t");
    pipeline.expect(ranges[0], "HTTP/1.1 206 ", "content-range: bytes 0-65535/" + Pipeline.SEGMENT_BYTES);
    pipeline.expect(playlist, "HTTP/1.1 200 ", "etag: \"");
    pipeline.expect(playlistRewritten, "HTTP/1.1 200 ", "cache-control: private");
    pipeline.expect(playlistGzip, "HTTP/1.1 200 ", "content-encoding: gzip");
    sendfile.expect(segmentsSendfile[0], "HTTP/1.1 200 ", "content-length: " + Pipeline.SEGMENT_BYTES);
  }

  private static OriginResponder responder(EdgeConfig config, MemoryTier memory) throws Exception {
    CachePolicy policy =
        new CachePolicy(config.http().cacheControl(), config.cache().memoryRevalidate(), config.cache().immutableRevalidate());
    ContentStore store =
        ContentStore.builder(Library.open(config.library().root()), memory, policy, Runnable::run)
            .allocator(PooledByteBufAllocator.DEFAULT)
            .maxObjectBytes(config.cache().memoryMaxObjectBytes())
            .gzipPlaylists(config.http().gzipPlaylists())
            .sendfileMinBytes(config.cache().sendfileMinBytes())
            .openFiles(config.cache().openFiles())
            .build();
    return new OriginResponder(store, Responder.NOT_FOUND);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (pipeline != null) {
      pipeline.close();
    }
    if (sendfile != null) {
      sendfile.close();
    }
    if (memory != null) {
      memory.close();
    }
    if (sendfileMemory != null) {
      sendfileMemory.close();
    }
    if (root != null) {
      Pipeline.deleteTree(root);
    }
  }

  private int nextSegment() {
    int i = next;
    next = next + 1 == Pipeline.SEGMENTS_ON_DISK ? 0 : next + 1;
    return i;
  }

  /** A whole 400 KB segment from memory: 200, the cached buffer written as a retained duplicate. */
  @Benchmark
  public long segmentGet() {
    return pipeline.exchange(segments[nextSegment()]);
  }

  /** The first 64 KiB of a segment, as a player probing or resuming asks: 206 and a slice. */
  @Benchmark
  public long segmentRange() {
    return pipeline.exchange(ranges[nextSegment()]);
  }

  /** A whole segment as shipped: its answer in memory, its bytes a file region for {@code sendfile}. */
  @Benchmark
  public long segmentSendfile() {
    return sendfile.exchange(segmentsSendfile[nextSegment()]);
  }

  /** The media playlist with the token in a header: sent as stored, the bytes nginx would send. */
  @Benchmark
  public long playlistGet() {
    return pipeline.exchange(playlist);
  }

  /** The media playlist with the token in the query: rewritten for the viewer (every URI gets it). */
  @Benchmark
  public long playlistRewritten() {
    return pipeline.exchange(playlistRewritten);
  }

  /** The media playlist for a client accepting gzip: the copy compressed once. */
  @Benchmark
  public long playlistGzip() {
    return pipeline.exchange(playlistGzip);
  }
}
