package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The backlog bound and the tombstones that make a removal win over writes admitted before it. */
class PendingWritesTest {
  private static final KeyHash A = KeyHash.of("/a");
  private static final KeyHash B = KeyHash.of("/b");

  @Test
  void admit_overTheBound_refusesButAnEmptyBacklogTakesAnySize() {
    PendingWrites pending = new PendingWrites(100);

    long big = pending.admit(500);
    assertThat(big).isPositive();
    assertThat(pending.admit(1)).isEqualTo(-1);
    assertThat(pending.admit(0)).isPositive(); // deletions and ban saves are never refused

    pending.finish(big, 500);
    assertThat(pending.admit(60)).isPositive();
    assertThat(pending.admit(40)).isPositive();
    assertThat(pending.admit(1)).isEqualTo(-1);
    assertThat(pending.bytes()).isEqualTo(100);
  }

  @Test
  void tombstone_stopsOlderWritesOfThatKeyOnly() {
    PendingWrites pending = new PendingWrites(1000);
    long older = pending.admit(10);

    pending.tombstone(A);
    long newer = pending.admit(10);

    assertThat(pending.removedSince(A, older)).isTrue();
    assertThat(pending.removedSince(A, newer)).isFalse();
    assertThat(pending.removedSince(B, older)).isFalse();
  }

  @Test
  void tombstone_isForgottenOnceEveryOlderWriteFinished() {
    PendingWrites pending = new PendingWrites(1000);
    long older = pending.admit(10);
    pending.tombstone(A);
    long newer = pending.admit(10);

    pending.finish(older, 10);

    // The newer write never needed it; a removal of the newer one would leave its own tombstone.
    assertThat(pending.removedSince(A, newer)).isFalse();
    assertThat(pending.removedSince(A, older)).isFalse();
  }

  @Test
  void tombstone_withNothingInFlight_isNotKept() {
    PendingWrites pending = new PendingWrites(1000);

    pending.tombstone(A);
    long later = pending.admit(10);

    assertThat(pending.removedSince(A, later)).isFalse();
    assertThat(pending.removedSince(A, 0)).isFalse();
  }

  @Test
  void closeAndAwait_refusesNewWorkAndReturnsOnceIdle() throws InterruptedException {
    PendingWrites pending = new PendingWrites(1000);

    assertThat(pending.closeAndAwait(Duration.ofSeconds(5))).isTrue();
    assertThat(pending.admit(0)).isEqualTo(-1);
  }

  @Test
  void closeAndAwait_workThatNeverFinishes_givesUpAtTheTimeout() throws InterruptedException {
    PendingWrites pending = new PendingWrites(1000);
    pending.admit(10);

    assertThat(pending.closeAndAwait(Duration.ofMillis(1))).isFalse();
  }
}
