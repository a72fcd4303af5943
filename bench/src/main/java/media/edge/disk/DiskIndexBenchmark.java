package media.edge.disk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import media.edge.AbstractBenchmark;
import media.edge.Zipf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of {@link DiskTier#contains}, the question the cache engine asks before it schedules a
 * disk read: UTF-8 encoding of the key, its SHA-256, and a lookup among {@link #ENTRIES} indexed
 * entries. Keys are segment paths drawn with Zipf popularity (exponent 1: the most popular key takes
 * about 8% of lookups, the top 1% of keys about 60%), as CDN request streams are.
 *
 * <ul>
 *   <li>{@link #containsHit}: keys that are on disk.
 *   <li>{@link #containsMiss}: the same distribution over keys that are not (another rendition).
 *   <li>{@link #hashOnly}: {@link KeyHash#of} alone, to show how much of a lookup is the hash.
 * </ul>
 *
 * The folder is filled once per fork by {@link SyntheticEntries} (a few seconds) and the tier opened
 * on it; no I/O happens while measuring.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar DiskIndexBenchmark -prof gc} (see {@link
 * AbstractBenchmark} for building the jar and the shared settings).
 */
public class DiskIndexBenchmark extends AbstractBenchmark {
  static final int ENTRIES = 100_000;
  private static final int SAMPLES = 1 << 16;
  private static final double ZIPF_EXPONENT = 1.0;

  private Path dir;
  private DiskTier tier;
  private final String[] hits = new String[SAMPLES];
  private final String[] misses = new String[SAMPLES];
  private int next;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("disk-index-bench");
    SyntheticEntries.write(dir, ENTRIES, 256);
    tier = DiskTier.open(dir, 1L << 40, Runnable::run, PooledByteBufAllocator.DEFAULT, new SimpleMeterRegistry(),
        Clock.systemUTC());
    if (tier.entries() != ENTRIES) {
      throw new IllegalStateException("indexed " + tier.entries() + " of " + ENTRIES);
    }
    String[] keys = new String[ENTRIES];
    for (int i = 0; i < ENTRIES; i++) {
      keys[i] = SyntheticEntries.key(i);
    }
    int[] ranks = Zipf.ranks(ENTRIES, ZIPF_EXPONENT, SAMPLES, new SplittableRandom(42));
    for (int i = 0; i < SAMPLES; i++) {
      hits[i] = keys[ranks[i]];
      misses[i] = keys[ranks[i]].replace("/720p/", "/1080p/");
    }
    if (!tier.contains(hits[0]) || tier.contains(misses[0])) {
      throw new IllegalStateException("benchmark keys are not what they should be");
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    tier.close();
    SyntheticEntries.deleteRecursively(dir);
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (SAMPLES - 1);
    return i;
  }

  @Benchmark
  public boolean containsHit() {
    return tier.contains(hits[nextIndex()]);
  }

  @Benchmark
  public boolean containsMiss() {
    return tier.contains(misses[nextIndex()]);
  }

  @Benchmark
  public KeyHash hashOnly() {
    return KeyHash.of(hits[nextIndex()]);
  }
}
