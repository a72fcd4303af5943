package media.edge.disk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How long {@link DiskTier#open} takes to rebuild its index over many entries: fills a temporary
 * folder with small entries (1 KiB bodies), then opens the tier on it a few times in one JVM and
 * prints the entry count and the milliseconds of each open. The first open includes class loading
 * and cold code, as a server's start-up does; the page cache is warm throughout (the folder was
 * just written), so a first start after a reboot pays the disk's metadata reads on top.
 *
 * <p>Run from the repository root, after building the jar (see {@code AbstractBenchmark}):
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar media.edge.disk.DiskStartup [entries=100000] [opens=5] [folder]
 * </pre>
 *
 * Without a folder, a temporary one is filled and deleted afterwards. With one, it is filled only if
 * empty and kept, so that repeated runs (after dropping the page cache, say) skip the filling.
 */
public final class DiskStartup {
  private static final int BODY_BYTES = 1024;
  /** The io pool, which also runs the start-up scan: a few threads, as a server would give the tier. */
  private static final int IO_THREADS = 4;

  private DiskStartup() {}

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int opens = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean keep = args.length > 2;
    Path dir = keep ? Files.createDirectories(Path.of(args[2])) : Files.createTempDirectory("disk-startup");
    ExecutorService io = Executors.newFixedThreadPool(IO_THREADS);
    try {
      long start = System.nanoTime();
      if (isEmpty(dir)) {
        SyntheticEntries.write(dir, entries, BODY_BYTES);
        System.out.printf("created %d entries in %d ms%n", entries, (System.nanoTime() - start) / 1_000_000);
      }
      for (int run = 1; run <= opens; run++) {
        start = System.nanoTime();
        DiskTier tier = DiskTier.open(
            dir, 1L << 40, io, PooledByteBufAllocator.DEFAULT, new SimpleMeterRegistry(), Clock.systemUTC());
        double millis = (System.nanoTime() - start) / 1e6;
        try {
          DiskEntry probe = tier.read(SyntheticEntries.key(entries / 2)).join();
          if (tier.entries() != entries || probe == null) {
            throw new IllegalStateException("index has " + tier.entries() + " entries, probe " + probe);
          }
          probe.body().release();
          System.out.printf("open #%d: %d entries, %d bytes, %.1f ms%n", run, tier.entries(), tier.bytes(), millis);
        } finally {
          tier.close();
        }
      }
    } finally {
      io.shutdown();
      if (!keep) {
        SyntheticEntries.deleteRecursively(dir);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var children = Files.list(dir)) {
      return children.findAny().isEmpty();
    }
  }
}
