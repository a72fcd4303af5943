package media.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing: one parent per object, an even spread, and minimal movement when a parent leaves. */
class RendezvousTest {
  private static final List<String> PARENTS =
      List.of("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080", "10.0.0.4:8080", "10.0.0.5:8080");
  private static final int KEYS = 20_000;

  private static List<String> keys() {
    return IntStream.range(0, KEYS).mapToObj(i -> "/live/channel" + (i % 40) + "/720p/seg_" + i + ".ts").toList();
  }

  private static String owner(Rendezvous rendezvous, List<String> names, String key) {
    return names.get(rendezvous.order(key)[0]);
  }

  @Test
  void order_sameKeyHasSameOwner_whateverTheConfiguredOrder() {
    List<String> reversed = new ArrayList<>(PARENTS);
    Collections.reverse(reversed);
    Rendezvous forward = new Rendezvous(PARENTS);
    Rendezvous backward = new Rendezvous(reversed);

    for (String key : keys().subList(0, 500)) {
      assertThat(owner(forward, PARENTS, key))
          .isEqualTo(owner(forward, PARENTS, key))
          .isEqualTo(owner(backward, reversed, key));
    }
  }

  @Test
  void order_listsEveryParentOnce() {
    int[] order = new Rendezvous(PARENTS).order("/vod/movie/seg_1.ts");

    assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void order_spreadsKeysEvenly() {
    Rendezvous rendezvous = new Rendezvous(PARENTS);
    Map<String, Integer> counts = new HashMap<>();
    for (String key : keys()) {
      counts.merge(owner(rendezvous, PARENTS, key), 1, Integer::sum);
    }

    // 4000 expected each; a fair hash stays within a few standard deviations (about 57).
    assertThat(counts).hasSize(PARENTS.size());
    assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(3600, 4400));
  }

  @Test
  void order_removingOneParent_movesOnlyItsKeys_spreadOverTheOthers() {
    Rendezvous all = new Rendezvous(PARENTS);
    List<String> remaining = PARENTS.subList(0, 4);
    String removed = PARENTS.get(4);
    Rendezvous fewer = new Rendezvous(remaining);

    int moved = 0;
    Map<String, Integer> movedTo = new HashMap<>();
    for (String key : keys()) {
      String before = owner(all, PARENTS, key);
      String after = owner(fewer, remaining, key);
      if (!before.equals(removed)) {
        assertThat(after).as(key).isEqualTo(before);
      } else {
        moved++;
        movedTo.merge(after, 1, Integer::sum);
      }
    }

    assertThat(moved).isBetween(KEYS / 5 - 400, KEYS / 5 + 400);
    assertThat(movedTo).hasSize(4);
    int fairShare = moved / 4;
    assertThat(movedTo.values()).allSatisfy(count -> assertThat(count).isGreaterThan(fairShare - 300));
  }

  @Test
  void hash_differsForKeysThatDifferInOneCharacter() {
    assertThat(Rendezvous.hash("/seg_1.ts")).isNotEqualTo(Rendezvous.hash("/seg_2.ts"));
    assertThat(Long.bitCount(Rendezvous.hash("/seg_1.ts") ^ Rendezvous.hash("/seg_2.ts"))).isBetween(16, 48);
  }
}
