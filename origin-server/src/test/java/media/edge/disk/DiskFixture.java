package media.edge.disk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import media.edge.testing.TestClock;

/**
 * What the tier tests share: a folder, a clock that moves by hand, an executor that runs file work
 * on the calling thread (so that a test sees its effects at once), a registry of its own, and ways
 * to make bodies and to read entries back as text, releasing every buffer.
 */
final class DiskFixture {
  /** 2026-01-01T00:00:00Z. */
  static final long START_MILLIS = 1_767_225_600_000L;

  final Path dir;
  final TestClock clock = TestClock.at(Instant.ofEpochMilli(START_MILLIS));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Executor io = Runnable::run;
  long capacityBytes = 1 << 20;

  DiskFixture(Path dir) {
    this.dir = dir;
  }

  DiskTier open() throws IOException {
    return open(UnaryOperator.identity());
  }

  DiskTier open(UnaryOperator<DiskTier.Builder> settings) throws IOException {
    return settings
        .apply(DiskTier.builder(dir, capacityBytes, io, registry).clock(clock).allocator(PooledByteBufAllocator.DEFAULT))
        .open();
  }

  double errors(String reason) {
    return registry.get(DiskErrors.METER).tag("reason", reason).counter().count();
  }

  Path fileOf(String key) {
    return KeyHash.of(key).file(dir.toAbsolutePath().normalize());
  }

  static ByteBuf body(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  static byte[] head(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The body stored for {@code key} as text, or null; waits for the read and releases the body. */
  static String text(DiskTier tier, String key) {
    DiskEntry entry = tier.read(key).join();
    if (entry == null) {
      return null;
    }
    try {
      return entry.body().toString(StandardCharsets.UTF_8);
    } finally {
      entry.body().release();
    }
  }
}
