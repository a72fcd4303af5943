package media.edge.cmcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import media.edge.config.CmcdConfig;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CTA-5004 readings: every key of the spec, from the query and from headers, typed; bad input ignored and counted. */
class CmcdReaderTest {
  private static final String EVERY_KEY =
      "br=3200,bl=21300,bs,cid=\"faultless-s01e02\",d=4004,dl=18500,mtp=25400,nor=\"seg_011.m4s%3Fhdnts%3Dx\","
          + "nrr=\"12323-48763\",ot=v,pr=1.08,rtp=12000,sf=h,sid=\"6e2fb550-c457-11e9-bb97-0800200c9a66\",st=v,su,tb=6000,v=1";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestClock clock = TestClock.atNow();
  private final CmcdReader reader = CmcdReader.create(
      new CmcdConfig(true, true, Duration.ofSeconds(30), 64, Duration.ofSeconds(30), 1000), "hdnts", registry, clock.ticker());

  private static String query(String cmcd) {
    return URLEncoder.encode(cmcd, StandardCharsets.UTF_8);
  }

  private double malformed(String reason) {
    return registry.get("edge.cmcd.malformed").tag("reason", reason).counter().count();
  }

  @Test
  void read_everyV1KeyFromTheQuery_typed() {
    Cmcd cmcd = reader.read(query(EVERY_KEY), null, null, null, null);

    assertEveryKey(cmcd);
  }

  @Test
  void read_everyV1KeyFromTheFourHeaders_typed() {
    Cmcd cmcd = reader.read(
        null,
        "bl=21300,dl=18500,mtp=25400,nor=\"seg_011.m4s%3Fhdnts%3Dx\",nrr=\"12323-48763\",su",
        "br=3200,d=4004,ot=v,tb=6000",
        "bs,rtp=12000",
        "cid=\"faultless-s01e02\",pr=1.08,sf=h,sid=\"6e2fb550-c457-11e9-bb97-0800200c9a66\",st=v,v=1");

    assertEveryKey(cmcd);
  }

  private void assertEveryKey(Cmcd cmcd) {
    assertThat(cmcd.size()).isEqualTo(18);
    assertThat(cmcd.integer("br")).isEqualTo(3200);
    assertThat(cmcd.integer("bl")).isEqualTo(21300);
    assertThat(cmcd.flag("bs")).isTrue();
    assertThat(cmcd.string("cid")).isEqualTo("faultless-s01e02");
    assertThat(cmcd.integer("d")).isEqualTo(4004);
    assertThat(cmcd.integer("dl")).isEqualTo(18500);
    assertThat(cmcd.integer("mtp")).isEqualTo(25400);
    assertThat(cmcd.string("nor")).as("nor is URL-encoded in CMCD, kept decoded, without the token").isEqualTo("seg_011.m4s");
    assertThat(cmcd.string("nrr")).isEqualTo("12323-48763");
    assertThat(cmcd.token("ot")).isEqualTo("v");
    assertThat(cmcd.get("pr")).isEqualTo(1.08);
    assertThat(cmcd.integer("rtp")).isEqualTo(12000);
    assertThat(cmcd.token("sf")).isEqualTo("h");
    assertThat(cmcd.string("sid")).isEqualTo("6e2fb550-c457-11e9-bb97-0800200c9a66");
    assertThat(cmcd.token("st")).isEqualTo("v");
    assertThat(cmcd.flag("su")).isTrue();
    assertThat(cmcd.integer("tb")).isEqualTo(6000);
    assertThat(cmcd.integer("v")).isEqualTo(1);
    assertThat(registry.get("edge.cmcd.requests").tag("sf", "h").tag("st", "v").counter().count()).isEqualTo(1);
    assertThat(registry.get("edge.cmcd.startup.requests").counter().count()).isEqualTo(1);
    assertThat(registry.get("edge.cmcd.rebuffering.requests").counter().count()).isEqualTo(1);
    assertThat(registry.get("edge.cmcd.buffer.length").tag("ot", "v").summary().totalAmount()).isEqualTo(21.3);
    assertThat(registry.get("edge.cmcd.measured.throughput").tag("ot", "v").summary().totalAmount()).isEqualTo(25_400_000 / 8.0);
    assertThat(registry.get("edge.cmcd.encoded.bitrate").tag("ot", "v").summary().totalAmount()).isEqualTo(3_200_000 / 8.0);
  }

  @Test
  void read_norWithTheViewersToken_theTokenIsCutSoThatItNeverReachesTheLog() {
    Cmcd cmcd = reader.read(null, "nor=\"seg_011.m4s%3Flang%3Dnl%26hdnts%3Dexp%3D1~hmac%3Dab%26v%3D2\"", null, null, null);

    assertThat(cmcd.string("nor")).isEqualTo("seg_011.m4s?lang=nl&v=2");
    assertThat(reader.read(null, "nor=\"seg_011.m4s%3Fhdnts%3Dx\"", null, null, null).string("nor")).isEqualTo("seg_011.m4s");
  }

  @Test
  void read_queryAndHeaders_aHeaderKeyWins() {
    Cmcd cmcd = reader.read(query("br=800,cid=\"from-query\",ot=v"), null, "br=3200", null, null);

    assertThat(cmcd.integer("br")).isEqualTo(3200);
    assertThat(cmcd.string("cid")).isEqualTo("from-query");
  }

  @Test
  void read_hlsJsQuery_plusIsASpaceAndNorIsDecodedOnce() {
    // What hls.js 1.7 sends: URLSearchParams (space as +) over a dictionary whose nor is encodeURIComponent'd.
    String raw = "bl%3D4000%2Cnor%3D%22..%252F720p%252Fseg%25201.m4s%22%2Cot%3Dv%2Csid%3D%22a+b%22";

    Cmcd cmcd = reader.read(raw, null, null, null, null);

    assertThat(cmcd.string("nor")).isEqualTo("../720p/seg 1.m4s");
    assertThat(cmcd.string("sid")).isEqualTo("a b");
  }

  @Test
  void read_v2AndUnknownKeys_keptAsSent() {
    Cmcd cmcd = reader.read(null, "bl=(21300 1200),com.example-id=\"x\",ltc=1200,nor=(\"a.m4s\";r=\"0-99\" \"b.m4s\")", null, null, null);

    assertThat(cmcd.get("bl")).isEqualTo(List.of(21300L, 1200L));
    assertThat(cmcd.integer("bl")).as("the first item of a v2 inner list").isEqualTo(21300);
    assertThat(cmcd.get("com.example-id")).isEqualTo("x");
    assertThat(cmcd.get("ltc")).isEqualTo(1200L);
    assertThat(cmcd.string("nor")).isEqualTo("a.m4s");
    assertThat(malformed("syntax") + malformed("value") + malformed("too_long")).isZero();
  }

  @Test
  void read_keyOfTheWrongType_droppedAloneAndCounted() {
    Cmcd cmcd = reader.read(null, "br=\"fast\",bl=-5,ot=\"v\",sid=\"" + "s".repeat(65) + "\",cid=\"ok\"", null, null, null);

    assertThat(cmcd.size()).isEqualTo(1);
    assertThat(cmcd.string("cid")).isEqualTo("ok");
    assertThat(malformed("value")).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {",,,=", "sid=\"unterminated", "br=3200,", "BR=3200", "=1", "br=3200;;", "br==1", "sid=\"a\\x\"",
      "bl=1234567890123456", "pr=1.2345", "br=3200 bl=1", "bl=(1 2", "\u00e9=1", "sid=\"caf\u00e9\""})
  void read_malformedHeader_ignoredWholeAndCounted(String header) {
    Cmcd cmcd = reader.read(null, header, "cid=\"kept\"", null, null);

    assertThat(cmcd.size()).as("the other header is still read").isEqualTo(1);
    assertThat(cmcd.string("cid")).isEqualTo("kept");
    assertThat(malformed("syntax")).isEqualTo(1);
  }

  @Test
  void read_badPercentEscapeInTheQuery_ignoredAndCounted() {
    assertThat(reader.read("br%3D3200%2", null, null, null, null).isEmpty()).isTrue();
    assertThat(reader.read("br%3D%ZZ", null, null, null, null).isEmpty()).isTrue();
    assertThat(malformed("syntax")).isEqualTo(2);
  }

  @Test
  void read_fiveThousandCharacterValue_ignoredAsTooLong() {
    Cmcd cmcd = reader.read(null, "sid=\"" + "x".repeat(5000) + "\"", null, null, null);

    assertThat(cmcd.isEmpty()).isTrue();
    assertThat(malformed("too_long")).isEqualTo(1);
  }

  @Test
  void read_emptyValues_nothingAndNothingCounted() {
    assertThat(reader.read("", "", null, null, null).isEmpty()).isTrue();
    assertThat(malformed("syntax") + malformed("value") + malformed("too_long")).isZero();
  }

  @Test
  void read_unknownTokensOfLowCardinalityTags_countAsOther() {
    reader.read(null, "sf=zz,st=l,ot=weird,bl=1000", null, null, null);

    assertThat(registry.get("edge.cmcd.requests").tag("sf", "other").tag("st", "l").counter().count()).isEqualTo(1);
    assertThat(registry.get("edge.cmcd.buffer.length").tag("ot", "other").summary().count()).isEqualTo(1);
  }

  /** Issue 15 (fuzzing): the 21st key grew the builder's arrays under a write and threw. */
  @Test
  void read_moreThanTwentyKeys_keepsThemAll() {
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < 45; i++) {
      members.append(i == 0 ? "" : ",").append("x").append(i).append('=').append(i);
    }

    Cmcd cmcd = reader.read(null, members.toString(), null, null, "sid=\"s\"");

    assertThat(cmcd.size()).isEqualTo(46);
    assertThat(cmcd.integer("x44")).isEqualTo(44);
    assertThat(cmcd.string("sid")).isEqualTo("s");
  }

  /** Issue 15 (fuzzing): raw non-ASCII, or an escape of non-ASCII digits, is malformed, as documented. */
  @Test
  void percentDecode_nonAscii_isRefused() {
    assertThat(CmcdReader.percentDecode("seg\u00e9.ts", false)).isNull();
    assertThat(CmcdReader.percentDecode("%\u0661\u0661", false)).isNull();
    assertThat(CmcdReader.percentDecode("seg%41.ts", false)).isEqualTo("segA.ts");
    assertThat(CmcdReader.percentDecode("seg.ts", false)).isEqualTo("seg.ts");
  }

  @Test
  void off_readsNothing() {
    assertThat(CmcdReader.OFF.read(query(EVERY_KEY), "br=1", null, null, null)).isSameAs(Cmcd.NONE);
    assertThat(CmcdReader.OFF.enabled()).isFalse();
  }
}
