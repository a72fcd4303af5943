package media.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The try-order of one fetch: live parents by rendezvous, then origins; down parents lose only their keys. */
class UpstreamSelectorTest {
  private static final int KEYS = 5_000;

  private final CapturedLog log = CapturedLog.of(ParentHealth.class);

  @AfterEach
  void restoreLog() {
    log.close();
  }

  private static Candidate parent(int index) {
    return new Candidate(Upstream.parse(URI.create("http://parent" + index + ":8080")), null, index);
  }

  private static Candidate origin(String host) {
    return new Candidate(Upstream.parse(URI.create("http://" + host)), null, Candidate.ORIGIN);
  }

  private static List<String> names(List<Candidate> candidates) {
    return candidates.stream().map(c -> c.upstream().name()).toList();
  }

  @Test
  void candidates_areEveryParentThenOriginsInConfiguredOrder() {
    List<Candidate> parents = List.of(parent(0), parent(1), parent(2));
    UpstreamSelector selector =
        new UpstreamSelector(parents, List.of(origin("o1"), origin("o2")), new ParentHealth(List.of("a", "b", "c")));

    List<String> names = names(selector.candidates("/a.ts"));

    assertThat(names.subList(0, 3)).containsExactlyInAnyOrder("parent0:8080", "parent1:8080", "parent2:8080");
    assertThat(names.subList(3, 5)).containsExactly("o1:80", "o2:80");
  }

  @Test
  void candidates_downParentLosesOnlyItsKeys_andGetsThemBackWhenUp() {
    List<Candidate> parents = List.of(parent(0), parent(1), parent(2), parent(3));
    ParentHealth health = new ParentHealth(List.of("p0", "p1", "p2", "p3"));
    UpstreamSelector selector = new UpstreamSelector(parents, List.of(origin("origin")), health);
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      before.put("/k" + i, names(selector.candidates("/k" + i)).get(0));
    }

    health.markDown(2, "test");
    int moved = 0;
    for (Map.Entry<String, String> entry : before.entrySet()) {
      String now = names(selector.candidates(entry.getKey())).get(0);
      if (entry.getValue().equals("parent2:8080")) {
        moved++;
        assertThat(now).isNotEqualTo("parent2:8080");
      } else {
        assertThat(now).isEqualTo(entry.getValue());
      }
    }
    health.markUp(2);

    assertThat(moved).isBetween(KEYS / 4 - 250, KEYS / 4 + 250);
    for (Map.Entry<String, String> entry : before.entrySet()) {
      assertThat(names(selector.candidates(entry.getKey())).get(0)).isEqualTo(entry.getValue());
    }
  }

  @Test
  void candidates_skipDownParents() {
    ParentHealth health = new ParentHealth(List.of("p0", "p1"));
    UpstreamSelector selector =
        new UpstreamSelector(List.of(parent(0), parent(1)), List.of(origin("origin")), health);

    health.markDown(0, "refused");

    assertThat(names(selector.candidates("/x.ts"))).containsExactly("parent1:8080", "origin:80");
    assertThat(log.messages()).containsExactly("parent p0 is down: refused");
  }

  @Test
  void candidates_everyParentDownAndNoOrigin_triesTheParentsAnyway() {
    ParentHealth health = new ParentHealth(List.of("p0", "p1"));
    UpstreamSelector selector = new UpstreamSelector(List.of(parent(0), parent(1)), List.of(), health);
    health.markDown(0, "test");
    health.markDown(1, "test");

    assertThat(names(selector.candidates("/x.ts"))).containsExactlyInAnyOrder("parent0:8080", "parent1:8080");
  }

  @Test
  void candidates_withoutParents_areTheOrigins() {
    UpstreamSelector selector =
        new UpstreamSelector(new ArrayList<>(), List.of(origin("o1"), origin("o2")), new ParentHealth(List.of()));

    assertThat(names(selector.candidates("/x.ts"))).containsExactly("o1:80", "o2:80");
  }
}
