package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Blocked keys end on time and are bounded; a run of distinct failures is what reports a failing disk. */
class BlockedEntriesTest {
  private static KeyHash key(int i) {
    return KeyHash.of("/k/" + i);
  }

  @Test
  void blocked_untilItsEnd_thenForgotten() {
    BlockedEntries blocked = new BlockedEntries(1024, 3);
    blocked.failed(key(1), 0, 30_000);

    assertThat(blocked.blocked(key(1), 29_999)).isTrue();
    assertThat(blocked.blocked(key(2), 29_999)).isFalse();
    assertThat(blocked.blocked(key(1), 30_000)).isFalse();
    assertThat(blocked.size()).isZero();
  }

  @Test
  void failed_pastMaxKeys_forgetsTheOldestBlockFirst() {
    BlockedEntries blocked = new BlockedEntries(1024, Integer.MAX_VALUE);
    for (int i = 0; i < 1500; i++) {
      blocked.failed(key(i), 0, 30_000);
    }

    assertThat(blocked.size()).isEqualTo(1024);
    assertThat(blocked.blocked(key(0), 1)).isFalse();
    assertThat(blocked.blocked(key(475), 1)).isFalse();
    assertThat(blocked.blocked(key(476), 1)).isTrue();
    assertThat(blocked.blocked(key(1499), 1)).isTrue();
  }

  @Test
  void failed_thirdDistinctEntryInARow_reportsTheDiskAsFailing() {
    BlockedEntries blocked = new BlockedEntries(1024, 3);

    assertThat(blocked.failed(key(1), 0, 1)).isFalse();
    assertThat(blocked.failed(key(1), 0, 1)).isFalse(); // the same entry again is not a second one
    assertThat(blocked.failed(key(2), 0, 1)).isFalse();
    blocked.succeeded();
    assertThat(blocked.failed(key(3), 0, 1)).isFalse();
    assertThat(blocked.failed(key(4), 0, 1)).isFalse();
    assertThat(blocked.failed(key(5), 0, 1)).isTrue();
    assertThat(blocked.failed(key(6), 0, 1)).isFalse(); // a new run starts
  }
}
