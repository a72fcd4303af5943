package media.edge.disk;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Queues tasks and runs them only when the test says so, so that "in flight" is a state a test can hold. */
final class ManualExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  synchronized int queued() {
    return tasks.size();
  }

  void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
      }
      if (next == null) {
        return;
      }
      next.run();
    }
  }
}
