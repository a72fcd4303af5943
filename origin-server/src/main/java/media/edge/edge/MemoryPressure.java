package media.edge.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.function.LongSupplier;

/**
 * The global budget for bytes in flight: new upstream work (a fill, a pass-through) is refused with 503
 * while Netty's direct memory is above {@value #SHARE_PERCENT} % of the JVM's direct-memory limit
 * ({@code -XX:MaxDirectMemorySize}, what the operator configured), so that bodies already on their way
 * and the memory tier's hits keep the memory they need instead of every fill failing to allocate at
 * once. Hits are never refused. With the tier at 3/4 of the limit (as the container entry point sets
 * it) and clients paced to their readers, this is a safety valve that normal traffic never opens.
 *
 * <p>Thread-safe: reads an atomic counter (or the pooled allocator's arena counters).
 */
final class MemoryPressure {
  static final int SHARE_PERCENT = 90;
  /** No limit: never refuses (tests, and a JVM that tells no limit). */
  static final MemoryPressure NONE = new MemoryPressure(() -> 0, 0, null);

  private final LongSupplier used;
  private final long threshold;
  private final Counter refused;

  MemoryPressure(LongSupplier used, long limit, MeterRegistry registry) {
    this.used = used;
    this.threshold = limit <= 0 ? Long.MAX_VALUE : limit / 100 * SHARE_PERCENT;
    this.refused = registry == null ? null
        : Counter.builder("edge.memory.pressure.refusals")
            .description("Fills and pass-throughs refused with 503 while direct memory was near its limit")
            .register(registry);
  }

  /** The JVM's limit and what Netty holds in direct memory (its own count, else the pooled allocator's). */
  static MemoryPressure ofJvm(MeterRegistry registry) {
    LongSupplier used = PlatformDependent.usedDirectMemory() >= 0
        ? PlatformDependent::usedDirectMemory
        : () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    return new MemoryPressure(used, PlatformDependent.maxDirectMemory(), registry);
  }

  /** True (and counted) when new upstream work must wait: direct memory is near its limit. */
  boolean refuses() {
    if (used.getAsLong() <= threshold) {
      return false;
    }
    if (refused != null) {
      refused.increment();
    }
    return true;
  }
}
