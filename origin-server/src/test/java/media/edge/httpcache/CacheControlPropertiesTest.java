package media.edge.httpcache;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Cache-Control parsing answers any input, and its time values stay within their documented range. */
class CacheControlPropertiesTest {

  /** Strings made of directive syntax, so that generation reaches deep into the tokenizer. */
  @Provide
  Arbitrary<String> directiveish() {
    Arbitrary<String> pieces = Arbitraries.of("max-age", "s-maxage", "max-stale", "no-cache", "=", "\"", "\\", ",",
        " ", "\t", "60", "-1", "99999999999999999999", "stale-if-error", "x", ";", "é");
    return pieces.list().ofMaxSize(25).map(list -> String.join("", list));
  }

  @Property
  void parse_anyLine_neverThrowsAndStaysInRange(@ForAll("directiveish") String line, @ForAll String other) {
    CacheControl cc = CacheControl.parse(Times.headers("Cache-Control", line, "Cache-Control", other));
    for (long seconds : new long[] {cc.maxAge(), cc.sMaxAge(), cc.staleWhileRevalidate(), cc.staleIfError(),
        cc.minFresh()}) {
      assertThat(seconds).isBetween(-1L, 1L << 31);
    }
    assertThat(cc.maxStale() == Long.MAX_VALUE || (cc.maxStale() >= -1 && cc.maxStale() <= 1L << 31)).isTrue();
  }

  /** A leading max-age, whatever follows it up to the next comma, is never read as absent. */
  @Property
  void parse_maxAgeThatIsPresent_isNeverAbsent(@ForAll("directiveish") String junk) {
    String argument = junk.replace(",", "");
    assertThat(CacheControl.parse(Times.headers("Cache-Control", "max-age=" + argument)).maxAge())
        .isGreaterThanOrEqualTo(0);
    assertThat(CacheControl.parse(Times.headers("Cache-Control", "max-age " + argument)).maxAge())
        .isGreaterThanOrEqualTo(0);
  }
}
