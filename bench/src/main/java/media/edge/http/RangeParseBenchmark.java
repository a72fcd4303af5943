package media.edge.http;

import media.edge.AbstractBenchmark;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * {@code Range} header parsing, with the headers players send: hls.js and ExoPlayer ask for
 * {@code bytes=0-} or a window, Safari probes with {@code bytes=0-1}, byte-range playlists ask for
 * an exact span, and a suffix range is rare but legal. A malformed header must cost no more.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RangeParseBenchmark -prof gc}
 */
public class RangeParseBenchmark extends AbstractBenchmark {
  private static final long LENGTH = 409_652;

  @Benchmark
  public ByteRange.Parsed openEnded() {
    return ByteRange.parse("bytes=0-", LENGTH);
  }

  @Benchmark
  public ByteRange.Parsed window() {
    return ByteRange.parse("bytes=65536-131071", LENGTH);
  }

  @Benchmark
  public ByteRange.Parsed safariProbe() {
    return ByteRange.parse("bytes=0-1", LENGTH);
  }

  @Benchmark
  public ByteRange.Parsed suffix() {
    return ByteRange.parse("bytes=-500", LENGTH);
  }

  @Benchmark
  public ByteRange.Parsed malformed() {
    return ByteRange.parse("bytes=abc-", LENGTH);
  }
}
