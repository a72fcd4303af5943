package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Heuristic freshness from Last-Modified (RFC 9111 section 4.2.2). */
class HeuristicTest {

  @Test
  void fromLastModified_isAFractionOfTheTimeSinceModification() {
    assertThat(Heuristic.fromLastModified(
        headers("Date", date(T0), "Last-Modified", date(T0 - 100 * HOUR)), T0, 0.1, 24 * HOUR)).isEqualTo(10 * HOUR);
  }

  @Test
  void fromLastModified_isCapped() {
    assertThat(Heuristic.fromLastModified(
        headers("Date", date(T0), "Last-Modified", date(T0 - 1000 * HOUR)), T0, 0.1, 24 * HOUR)).isEqualTo(24 * HOUR);
  }

  @Test
  void fromLastModified_withoutDate_countsToReception() {
    assertThat(Heuristic.fromLastModified(headers("Last-Modified", date(T0 - 10 * HOUR)), T0, 0.1, 24 * HOUR))
        .isEqualTo(HOUR);
  }

  @Test
  void fromLastModified_missingMalformedOrFuture_isNone() {
    assertThat(Heuristic.fromLastModified(headers(), T0, 0.1, HOUR)).isEqualTo(-1);
    assertThat(Heuristic.fromLastModified(headers("Last-Modified", "soon"), T0, 0.1, HOUR)).isEqualTo(-1);
    assertThat(Heuristic.fromLastModified(headers("Date", date(T0), "Last-Modified", date(T0 + HOUR)), T0, 0.1, HOUR))
        .isEqualTo(-1);
  }

  @Test
  void fromLastModified_badSettings_areRefused() {
    assertThatThrownBy(() -> Heuristic.fromLastModified(headers(), T0, 1.5, HOUR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("fraction: 1.5");
    assertThatThrownBy(() -> Heuristic.fromLastModified(headers(), T0, Double.NaN, HOUR))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
