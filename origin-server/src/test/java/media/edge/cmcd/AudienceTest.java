package media.edge.cmcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;

/** The audience table: distinct sessions in the window, top titles, bounded, no session id shown. */
class AudienceTest {
  private final TestClock clock = TestClock.atNow();
  private final Audience audience = new Audience(Duration.ofSeconds(30), 1000, clock.ticker());

  private void request(String dictionary) {
    Cmcd.Builder builder = new Cmcd.Builder();
    try {
      CmcdParser.parse(dictionary, builder);
    } catch (CmcdParser.Malformed e) {
      throw new AssertionError(e);
    }
    audience.record(builder.build());
  }

  @Test
  void snapshot_threeSessionsOnTwoTitles_countsSessionsBitrateAndRebuffering() {
    request("sid=\"s1\",cid=\"news\",br=3000,ot=v");
    request("sid=\"s1\",cid=\"news\",br=3000,ot=v");
    request("sid=\"s2\",cid=\"news\",br=1000,ot=v,bs");
    request("sid=\"s2\",cid=\"news\",ot=m");
    request("sid=\"s3\",cid=\"sport\",br=6000,ot=av");

    Audience.Snapshot now = audience.snapshot();

    assertThat(now.activeSessions()).isEqualTo(3);
    assertThat(now.titleCount()).isEqualTo(2);
    assertThat(now.titles()).containsExactly(
        new Audience.TitleView("news", 2, 2000, 0.5),
        new Audience.TitleView("sport", 1, 6000, 0.0));
    assertThat(now.toJson())
        .contains("\"active_sessions\":3")
        .contains("{\"cid\":\"news\",\"sessions\":2,\"mean_bitrate_kbps\":2000,\"rebuffering_share\":0.5}")
        .doesNotContain("s1").doesNotContain("s2").doesNotContain("s3");
  }

  @Test
  void snapshot_afterTheWindow_sessionsAreGone() {
    request("sid=\"s1\",cid=\"news\"");
    clock.advance(Duration.ofSeconds(20));
    request("sid=\"s2\",cid=\"news\",bs");

    clock.advance(Duration.ofSeconds(15));

    Audience.Snapshot now = audience.snapshot();
    assertThat(now.activeSessions()).isEqualTo(1);
    assertThat(now.titles()).containsExactly(new Audience.TitleView("news", 1, -1, 1.0));
    clock.advance(Duration.ofSeconds(31));
    assertThat(audience.snapshot().activeSessions()).isZero();
  }

  @Test
  void record_withoutSessionId_addsNoOne() {
    request("cid=\"news\",br=3000");

    assertThat(audience.snapshot().activeSessions()).isZero();
  }

  @Test
  void record_moreSessionsThanTheTable_holdsAtMostItsSizeAndSaysCapped() {
    Audience small = new Audience(Duration.ofSeconds(30), 100, clock.ticker());
    for (int i = 0; i < 5000; i++) {
      Cmcd.Builder b = new Cmcd.Builder();
      b.put("sid", "session-" + i);
      b.put("cid", "title-" + (i % 80));
      small.record(b.build());
    }

    Audience.Snapshot now = small.snapshot();

    assertThat(now.activeSessions()).isBetween(1, 100);
    assertThat(now.capped()).isTrue();
    assertThat(now.titles()).hasSizeLessThanOrEqualTo(Audience.TOP_TITLES);
  }

  @Test
  void snapshot_manyTitles_listsTheFiftyWithTheMostSessions() {
    Audience large = new Audience(Duration.ofSeconds(30), 5000, clock.ticker());
    for (int t = 0; t < 60; t++) {
      for (int s = 0; s <= t; s++) {
        Cmcd.Builder b = new Cmcd.Builder();
        b.put("sid", "t" + t + "-s" + s);
        b.put("cid", "title-" + t);
        large.record(b.build());
      }
    }

    Audience.Snapshot now = large.snapshot();

    assertThat(now.titleCount()).isEqualTo(60);
    assertThat(now.titles()).hasSize(50);
    assertThat(now.titles().get(0)).isEqualTo(new Audience.TitleView("title-59", 60, -1, 0.0));
    assertThat(now.titles().get(49).cid()).isEqualTo("title-10");
  }

  @Test
  void toJson_quotesInAContentId_escaped() {
    request("sid=\"s\",cid=\"a\\\"b\\\\c\"");

    assertThat(audience.snapshot().toJson()).contains("\"cid\":\"a\\\"b\\\\c\"");
  }
}
