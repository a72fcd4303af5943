package media.edge.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which one fetch tries upstreams: the parents that are up, in rendezvous order for the hash
 * key, then the origins in configured order. With every parent down and no origin, the parents are tried
 * anyway: a down mark may be stale, and trying costs less than failing for certain.
 *
 * <p>Immutable apart from {@link ParentHealth}, which is thread-safe; so is this.
 */
final class UpstreamSelector {
  private final List<Candidate> parents;
  private final List<Candidate> origins;
  private final Rendezvous rendezvous;
  private final ParentHealth health;

  UpstreamSelector(List<Candidate> parents, List<Candidate> origins, ParentHealth health) {
    this.parents = List.copyOf(parents);
    this.origins = List.copyOf(origins);
    this.rendezvous = new Rendezvous(parents.stream().map(c -> c.upstream().name()).toList());
    this.health = health;
  }

  List<Candidate> candidates(String hashKey) {
    List<Candidate> candidates = new ArrayList<>(parents.size() + origins.size());
    int[] order = parents.isEmpty() ? new int[0] : rendezvous.order(hashKey);
    for (int parent : order) {
      if (health.isUp(parent)) {
        candidates.add(parents.get(parent));
      }
    }
    candidates.addAll(origins);
    if (candidates.isEmpty()) {
      for (int parent : order) {
        candidates.add(parents.get(parent));
      }
    }
    return candidates;
  }
}
