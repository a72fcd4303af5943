package media.edge.http;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import media.edge.AbstractBenchmark;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.LibraryConfig;
import media.edge.config.LogConfig;
import media.edge.hls.CachePolicy;
import media.edge.metrics.EdgeMetrics;
import media.edge.server.EdgeServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An edge-mode memory hit through the data pipeline: the cache key path ({@code ProxyRequests},
 * {@code EdgeCache.freshMemoryHit}: token and conditional headers stripped, the key and its Vary
 * variant computed, freshness by RFC 9111) and the answer built from stored upstream headers with
 * {@code Age} and {@code Via}. The same title and requests as {@link MemoryHitBenchmark}, which is
 * the origin-mode figure to compare with.
 *
 * <p>Setup runs a real origin ({@code EdgeServer} on a temporary library) and a real edge in front
 * of it, fills the edge's memory tier with real HTTP requests, then drives an
 * {@link EmbeddedChannel} wired by {@link DataChannelInitializer} to that edge's cache. Every
 * measured request is a fresh memory hit answered synchronously (the origin says
 * {@code max-age=31536000} for segments and {@code max-age=86400} for the VOD playlist).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EdgeHitBenchmark -prof gc}
 */
@Warmup(iterations = 5, time = 2)
public class EdgeHitBenchmark extends AbstractBenchmark {
  private Path root;
  private EdgeServer origin;
  private EdgeServer edge;
  private EdgeMetrics metrics;
  private EmbeddedChannel channel;
  private String[] segments;
  private int nextSegment;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    root = Files.createTempDirectory("edge-bench-");
    segments = MemoryHitBenchmark.writeTitle(root);
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig base =
        defaults
            .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
            .withLog(new LogConfig(false))
            .withTokens(defaults.tokens().withRequired(false));
    origin = EdgeServer.start(base.withLibrary(new LibraryConfig(root)));
    EdgeConfig edgeConfig =
        base.withLibrary(new LibraryConfig(null))
            .withUpstream(
                defaults.upstream()
                    .withUrls(List.of(URI.create("http://127.0.0.1:" + origin.port())), List.of())
                    .withNodeName("bench-edge"));
    edge = EdgeServer.start(edgeConfig, Clock.systemUTC(), Ticker.systemTicker());
    for (String segment : segments) {
      fill(edge.port(), segment);
    }
    fill(edge.port(), MemoryHitBenchmark.PLAYLIST);

    metrics = EdgeMetrics.create();
    CachePolicy policy = new CachePolicy(edgeConfig.http().cacheControl(), edgeConfig.cache().memoryRevalidate());
    DataChannelInitializer initializer =
        new DataChannelInitializer(
            edgeConfig, null, policy, metrics, new ConnectionTracker(), null, Clock.systemUTC(), edge.edge(), "bench-edge", null);
    channel = new EmbeddedChannel(false, false, initializer);
    channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    channel.register();
    segmentGet();
    playlistGet();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    if (edge != null) {
      edge.close();
    }
    if (origin != null) {
      origin.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (root != null) {
      MemoryHitBenchmark.deleteTree(root);
    }
  }

  /** A whole 400 KB segment from the edge's memory tier. */
  @Benchmark
  public long segmentGet() {
    return exchange(MemoryHitBenchmark.request(nextSegment(), MemoryHitBenchmark.BROWSER_ACCEPT_ENCODING, null));
  }

  /** The first 64 KiB of a segment: 206 and a slice of the stored body. */
  @Benchmark
  public long segmentRange() {
    return exchange(
        MemoryHitBenchmark.request(nextSegment(), MemoryHitBenchmark.BROWSER_ACCEPT_ENCODING, MemoryHitBenchmark.RANGE));
  }

  /** The media playlist, uncompressed. */
  @Benchmark
  public long playlistGet() {
    return exchange(MemoryHitBenchmark.request(MemoryHitBenchmark.PLAYLIST, null, null));
  }

  private String nextSegment() {
    String uri = segments[nextSegment];
    nextSegment = nextSegment + 1 == segments.length ? 0 : nextSegment + 1;
    return uri;
  }

  private long exchange(FullHttpRequest request) {
    channel.writeInbound(request);
    long bytes = 0;
    for (Object message; (message = channel.readOutbound()) != null; ) {
      if (message instanceof ByteBuf buf) {
        bytes += buf.readableBytes();
      }
      ReferenceCountUtil.release(message);
    }
    if (bytes == 0) {
      throw new IllegalStateException(request.uri() + ": no synchronous answer, so not a memory hit");
    }
    return bytes;
  }

  /** One real GET through the edge, read to the end, so the edge stores it. */
  private static void fill(int port, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream()
          .write(("GET " + path + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException(path + ": " + new String(head, StandardCharsets.US_ASCII));
      }
      in.readAllBytes();
    }
  }
}
