package media.edge;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark of this module shares, so that numbers taken from different classes
 * are comparable. A benchmark extends this class and lives in the package of the code it measures
 * ({@code media.edge.http.MemoryHitBenchmark} measures {@code media.edge.http}), which also lets it
 * reach package-private types.
 *
 * <p>How to run, from the repository root:
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar -prof gc                        # everything
 * java -jar bench/target/benchmarks.jar MemoryHitBenchmark -prof gc     # one class (a regex)
 * java -jar bench/target/benchmarks.jar MemoryHitBenchmark.segmentGet -prof gc
 * </pre>
 *
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}, the heap bytes allocated per operation: on a
 * request path the most stable number JMH gives, and the one to compare before and after a change.
 * {@code java -jar bench/target/benchmarks.jar -h} lists the other options. To add JVM flags, use
 * {@code -jvmArgsPrepend}: {@code -jvmArgs} and {@code -jvmArgsAppend} on the command line replace
 * the ones below instead of adding to them (leak detection then silently comes back on).
 *
 * <p>Why these settings:
 *
 * <ul>
 *   <li>One fork with a fixed 512 MiB heap: the JIT profile of one benchmark does not leak into
 *       another, and GC behaviour does not change with heap resizing mid-run.
 *   <li>Leak detection disabled: Netty's default ({@code simple}) records a stack trace for a sample
 *       of buffer allocations, which would be measured as request cost. Benchmarks check for leaks
 *       themselves, outside the measured loop.
 *   <li>Three 2-second warm-up and five 2-second measurement iterations: enough for C2 to settle on
 *       these paths, short enough to run on a shared machine. Raise them ({@code -wi 5 -i 10}) before
 *       trusting a difference of less than about 10%.
 *   <li>Average time in nanoseconds: request-path operations take microseconds, and a time per
 *       operation reads more directly next to bytes per operation than a throughput does.
 *   <li>Benchmark threads are Netty {@link FastThreadLocalThread}s, like the event loops that run
 *       this code in the server (the {@code jmh.executor} properties and {@link EventLoopThreads}, as
 *       netty/microbench does). On a plain thread every {@code FastThreadLocal} lookup (the buffer
 *       pool's thread cache, recyclers) falls back to a {@code ThreadLocal}: about 8% of a
 *       memory hit's samples in a first profile, a cost the server does not pay.
 *   <li>{@link Scope#Thread}: the fixtures (an {@code EmbeddedChannel}, for one) are single-threaded,
 *       so each benchmark thread gets its own.
 * </ul>
 */
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms512m",
      "-Xmx512m",
      "-Dio.netty.leakDetection.level=disabled",
      "-Djmh.executor=CUSTOM",
      "-Djmh.executor.class=media.edge.AbstractBenchmark$EventLoopThreads"
    })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public abstract class AbstractBenchmark {

  /**
   * The executor JMH runs benchmark threads on (named by {@code -Djmh.executor.class}; JMH calls
   * this constructor reflectively): {@link FastThreadLocalThread}s from Netty's own factory.
   */
  public static final class EventLoopThreads extends ThreadPoolExecutor {
    public EventLoopThreads(int maxThreads, String prefix) {
      super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new DefaultThreadFactory(prefix));
    }
  }
}
