package media.edge.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import media.edge.config.ConfigLoader;
import media.edge.AbstractBenchmark;
import media.edge.config.EdgeConfig;
import media.edge.edge.EdgeResponder;
import media.edge.server.EdgeServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An edge's memory hit through the whole data pipeline ({@link Pipeline}): the cache key of the request
 * (token and conditional headers stripped, the key and its Vary variant), freshness by RFC 9111, and the
 * answer from the stored response's representation (fields encoded once per head version, {@code Age}
 * per answer). The same title and requests as {@link MemoryHitBenchmark}, the origin's figure to compare.
 *
 * <p>Setup runs a real origin ({@code EdgeServer} on a temporary library, tokens off) and a real edge in
 * front of it, fills the edge's memory tier with real HTTP requests, then drives the pipeline wired to
 * that edge's cache. Every measured request is a fresh memory hit answered synchronously (the origin says
 * {@code max-age=31536000} for segments and {@code max-age=86400} for the VOD playlist).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EdgeHitBenchmark -prof gc}
 */
@Warmup(iterations = 5, time = 2)
public class EdgeHitBenchmark extends AbstractBenchmark {
  private Path root;
  private EdgeServer origin;
  private EdgeServer edge;
  private Pipeline pipeline;
  private byte[][] segments;
  private byte[][] ranges;
  private byte[] playlist;
  private byte[] playlistRewritten;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    try {
      wire();
    } catch (Exception | Error e) {
      tearDown();
      throw e;
    }
  }

  private void wire() throws Exception {
    root = Files.createTempDirectory("edge-bench-");
    String[] paths = Pipeline.writeTitle(root);
    EdgeConfig base = Pipeline.config();
    origin = EdgeServer.start(Pipeline.withLibrary(base, root).withTokens(base.tokens().withRequired(false)));
    EdgeConfig edgeConfig =
        base.withLibrary(ConfigLoader.defaults().library().withRoot(null))
            .withUpstream(base.upstream()
                .withUrls(List.of(URI.create("http://127.0.0.1:" + origin.port())), List.of())
                .withNodeName("bench-edge"));
    edge = EdgeServer.start(edgeConfig);
    pipeline = new Pipeline();
    for (String path : paths) {
      fill(edge.port(), path + "?hdnts=" + pipeline.token);
    }
    fill(edge.port(), Pipeline.PLAYLIST + "?hdnts=" + pipeline.token);
    pipeline.wire(edgeConfig, new EdgeResponder(edge.edge(), edgeConfig.tokens().name(), "bench-edge", edgeConfig.cmcd(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    segments = new byte[paths.length][];
    ranges = new byte[paths.length][];
    for (int i = 0; i < paths.length; i++) {
      segments[i] = pipeline.request(paths[i], "gzip, deflate, br, zstd", null, false);
      ranges[i] = pipeline.request(paths[i], "gzip, deflate, br, zstd", Pipeline.RANGE, false);
    }
    playlist = pipeline.request(Pipeline.PLAYLIST, null, null, true);
    playlistRewritten = pipeline.request(Pipeline.PLAYLIST, null, null, false);
    pipeline.expect(segments[0], "HTTP/1.1 200 ", "via: 1.1 bench-edge");
    pipeline.expect(ranges[0], "HTTP/1.1 206 ", "content-range: bytes 0-65535/" + Pipeline.SEGMENT_BYTES);
    pipeline.expect(playlist, "HTTP/1.1 200 ", "age: ");
    pipeline.expect(playlistRewritten, "HTTP/1.1 200 ", "cache-control: private");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (pipeline != null) {
      pipeline.close();
    }
    if (edge != null) {
      edge.close();
    }
    if (origin != null) {
      origin.close();
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

  /** A whole 400 KB segment from the edge's memory tier. */
  @Benchmark
  public long segmentGet() {
    return pipeline.exchange(segments[nextSegment()]);
  }

  /** The first 64 KiB of a segment: 206 and a slice of the stored body. */
  @Benchmark
  public long segmentRange() {
    return pipeline.exchange(ranges[nextSegment()]);
  }

  /** The media playlist with the token in a header, as stored. */
  @Benchmark
  public long playlistGet() {
    return pipeline.exchange(playlist);
  }

  /** The media playlist rewritten for the viewer whose token is in the query. */
  @Benchmark
  public long playlistRewritten() {
    return pipeline.exchange(playlistRewritten);
  }

  /** One real GET through the edge, read to the end, so the edge stores it. */
  private static void fill(int port, String target) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream()
          .write(("GET " + target + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      if (!new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException(target + ": " + new String(head, StandardCharsets.US_ASCII));
      }
      in.readAllBytes();
    }
  }
}
