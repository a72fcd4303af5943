package media.edge.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Up or down per parent. Parents start up: the first failed connect or health check marks one down, which
 * is cheaper than holding traffic back until the first check.
 *
 * <p>Thread-safe: one atomic flag per parent, written by fetches and the checker, read by every fetch.
 */
final class ParentHealth {
  private static final Logger LOG = LoggerFactory.getLogger(ParentHealth.class);

  private final List<String> names;
  private final AtomicIntegerArray up;

  ParentHealth(List<String> names) {
    this.names = List.copyOf(names);
    this.up = new AtomicIntegerArray(names.size());
    for (int i = 0; i < names.size(); i++) {
      up.set(i, 1);
    }
  }

  boolean isUp(int parent) {
    return up.get(parent) == 1;
  }

  /** Marks a parent down; logs only the transition. */
  void markDown(int parent, String why) {
    if (up.getAndSet(parent, 0) == 1) {
      LOG.warn("parent {} is down: {}", names.get(parent), why);
    }
  }

  /** Marks a parent up; logs only the transition. */
  void markUp(int parent) {
    if (up.getAndSet(parent, 1) == 0) {
      LOG.info("parent {} is up", names.get(parent));
    }
  }

  int size() {
    return names.size();
  }

  String name(int parent) {
    return names.get(parent);
  }

  /** A snapshot, in configured order. */
  List<ParentState> states() {
    List<ParentState> states = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      states.add(new ParentState(names.get(i), isUp(i)));
    }
    return List.copyOf(states);
  }
}
