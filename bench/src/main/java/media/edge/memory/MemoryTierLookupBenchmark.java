package media.edge.memory;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.SplittableRandom;
import media.edge.AbstractBenchmark;
import media.edge.Zipf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cache key path and the memory-tier lookup, under a Zipf key distribution (exponent 1, as
 * viewers crowd onto the live edge and the first episodes): building the key of a segment request
 * as the edge does (path plus query) and finding its entry, for 100 to 100,000 distinct cached
 * objects. Entries are small stand-ins ({@link MemoryEntry} with a 400 KB weight and no body): the
 * lookup never touches the body.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MemoryTierLookupBenchmark -prof gc}
 */
public class MemoryTierLookupBenchmark extends AbstractBenchmark {
  private static final int SAMPLES = 1 << 16;

  @Param({"100", "10000", "100000"})
  public int objects;

  private MemoryTier memory;
  private String[] paths;
  private int[] draws;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    memory = new MemoryTier(Long.MAX_VALUE / 2, Ticker.systemTicker());
    paths = new String[objects];
    for (int i = 0; i < objects; i++) {
      paths[i] = String.format("/live/channel-%d/720p/seg_%08d.ts", i % 40, i);
      memory.put(paths[i] + "?v=1", new Stub());
    }
    draws = Zipf.ranks(objects, 1.0, SAMPLES, new SplittableRandom(7));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    memory.close();
  }

  /** Key building and lookup of a present entry. */
  @Benchmark
  public MemoryEntry keyAndLookup() {
    String path = paths[draws[next++ & (SAMPLES - 1)]];
    return memory.peekEntry(path + "?v=1");
  }

  /** A lookup of a key that is not there: a miss costs the same probe. */
  @Benchmark
  public MemoryEntry lookupMiss() {
    String path = paths[draws[next++ & (SAMPLES - 1)]];
    return memory.peekEntry(path + "?v=2");
  }

  /** A stand-in entry: weighs like a 400 KB segment, holds nothing. */
  static final class Stub extends MemoryEntry {
    @Override
    protected int weight() {
      return 409_652;
    }

    @Override
    protected void deallocate() {}

    @Override
    public Stub touch(Object hint) {
      return this;
    }
  }
}
