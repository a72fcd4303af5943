package media.edge.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test
 * class through {@code META-INF/services} and {@code junit-platform.properties}.
 *
 * <p>Netty notices a leak only when a leaked buffer has been garbage-collected and a later
 * allocation polls the detector, so after each class this collects garbage and allocates a few
 * tracked buffers before asking {@link FailingLeakDetector} what it saw.
 */
public final class LeakFailureExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    // Not a wait for a condition, so not an Await: what is looked for is that nothing leaked, and
    // an absence cannot be awaited. A fixed number of rounds instead, each pausing briefly so the
    // reference handler can enqueue what the collection cleared before the allocations poll it.
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20);
      for (int i = 0; i < 64; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
        unpooled.release();
      }
    }
    List<String> leaks = FailingLeakDetector.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size() + " Netty buffer leak(s) reported during " + context.getDisplayName() + ":\n"
              + String.join("\n", leaks));
    }
  }
}
