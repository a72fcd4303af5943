package media.edge.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for blocking file work (stat, open, read), so that a slow disk never stalls an event
 * loop. The queue is bounded: past it, lookups fail fast and the client gets 503 instead of the
 * server queueing without limit.
 */
final class FileIoExecutor {
  private static final int QUEUE = 4096;

  private FileIoExecutor() {}

  static ThreadPoolExecutor create(int threads) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE),
        runnable -> {
          Thread thread = new Thread(runnable, "edge-file-io-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }
}
