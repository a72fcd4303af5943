package media.edge.httpcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing Cache-Control (RFC 9111 section 5.2): lists, arguments, case, garbage, duplicates, Pragma. */
class CacheControlTest {

  private static CacheControl parse(String... lines) {
    HttpHeaders headers = Times.headers();
    for (String line : lines) {
      headers.add(HttpHeaderNames.CACHE_CONTROL, line);
    }
    return CacheControl.parse(headers);
  }

  // ---- absent -------------------------------------------------------------------------------

  @Test
  void parse_noHeader_hasNothing() {
    CacheControl cc = parse();
    assertThat(cc).isSameAs(CacheControl.NONE);
    assertThat(cc.noStore() || cc.noCache() || cc.isPrivate() || cc.isPublic() || cc.mustRevalidate()
        || cc.proxyRevalidate() || cc.immutable() || cc.onlyIfCached() || cc.noTransform()).isFalse();
    assertThat(new long[] {cc.maxAge(), cc.sMaxAge(), cc.staleWhileRevalidate(), cc.staleIfError(), cc.minFresh(),
        cc.maxStale()}).containsOnly(-1L);
  }

  // ---- each directive -----------------------------------------------------------------------

  @Test
  void parse_everyBooleanDirective_isRecognised() {
    CacheControl cc = parse("no-store, no-cache, private, public, must-revalidate, proxy-revalidate",
        "immutable, only-if-cached, no-transform");
    assertThat(cc.noStore()).isTrue();
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.isPrivate()).isTrue();
    assertThat(cc.isPublic()).isTrue();
    assertThat(cc.mustRevalidate()).isTrue();
    assertThat(cc.proxyRevalidate()).isTrue();
    assertThat(cc.immutable()).isTrue();
    assertThat(cc.onlyIfCached()).isTrue();
    assertThat(cc.noTransform()).isTrue();
  }

  @Test
  void parse_everyTimeDirective_readsSeconds() {
    CacheControl cc = parse(
        "max-age=60, s-maxage=120, stale-while-revalidate=30, stale-if-error=600, min-fresh=5, max-stale=10");
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.sMaxAge()).isEqualTo(120);
    assertThat(cc.staleWhileRevalidate()).isEqualTo(30);
    assertThat(cc.staleIfError()).isEqualTo(600);
    assertThat(cc.minFresh()).isEqualTo(5);
    assertThat(cc.maxStale()).isEqualTo(10);
  }

  @Test
  void parse_maxStaleWithoutValue_isUnlimited() {
    assertThat(parse("max-stale").maxStale()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void parse_namesAreCaseInsensitive() {
    CacheControl cc = parse("Max-Age=60, NO-STORE, S-MaxAge=7");
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.sMaxAge()).isEqualTo(7);
    assertThat(cc.noStore()).isTrue();
  }

  @Test
  void parse_quotedArgument_isAccepted() {
    assertThat(parse("max-age=\"60\"").maxAge()).isEqualTo(60);
  }

  @Test
  void parse_allLinesCount() {
    CacheControl cc = parse("public", "max-age=60", "immutable");
    assertThat(cc.isPublic()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.immutable()).isTrue();
  }

  @Test
  void parse_emptyElementsAndWhitespace_areTolerated() {
    CacheControl cc = parse(" , ,public ,\tmax-age = 60 ,, ");
    assertThat(cc.isPublic()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(60);
  }

  @Test
  void parse_qualifiedNoCacheAndPrivate_readAsUnqualified() {
    CacheControl cc = parse("no-cache=\"Set-Cookie, X-Foo\", private=\"Authorization\", max-age=5");
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.isPrivate()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(5);
  }

  @Test
  void parse_quotedStringWithCommasAndEscapes_doesNotSplitDirectives() {
    CacheControl cc = parse("ext=\"a, \\\"max-age=1\\\", b\", max-age=60");
    assertThat(cc.maxAge()).isEqualTo(60);
  }

  @Test
  void parse_unknownExtension_isIgnored() {
    CacheControl cc = parse("community=\"UCI\", foo, bar=baz, max-age=60");
    assertThat(cc.maxAge()).isEqualTo(60);
  }

  // ---- garbage ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"max-age=abc", "max-age=-5", "max-age=", "max-age", "max-age=1.5", "max-age=\"60",
      "max-age=60 junk", "max-age=\" 60\""})
  void parse_malformedMaxAge_meansStale(String line) {
    assertThat(parse(line).maxAge()).isZero();
  }

  @Test
  void parse_malformedSMaxAge_meansStale() {
    assertThat(parse("s-maxage=soon").sMaxAge()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"stale-while-revalidate=x", "stale-while-revalidate", "stale-while-revalidate=-1"})
  void parse_malformedStaleWhileRevalidate_readsAsAbsent(String line) {
    assertThat(parse(line).staleWhileRevalidate()).isEqualTo(-1);
  }

  @Test
  void parse_malformedStaleIfErrorMinFreshMaxStale_readAsAbsent() {
    CacheControl cc = parse("stale-if-error=x, min-fresh=, max-stale=ten");
    assertThat(cc.staleIfError()).isEqualTo(-1);
    assertThat(cc.minFresh()).isEqualTo(-1);
    assertThat(cc.maxStale()).isEqualTo(-1);
  }

  @Test
  void parse_knownBooleanWithBrokenArgument_stillCounts() {
    assertThat(parse("no-store junk, max-age=60").noStore()).isTrue();
    assertThat(parse("no-store junk, max-age=60").maxAge()).isEqualTo(60);
  }

  @ParameterizedTest
  @ValueSource(strings = {"=5, max-age=60", "\"quoted\", max-age=60", "@@, max-age=60", ";;;, max-age=60"})
  void parse_elementThatIsNoDirective_isIgnored(String line) {
    assertThat(parse(line).maxAge()).isEqualTo(60);
  }

  @Test
  void parse_unclosedQuote_swallowsTheRestOfTheLineOnly() {
    CacheControl cc = parse("ext=\"never closed, max-age=5", "no-store");
    assertThat(cc.maxAge()).isEqualTo(-1);
    assertThat(cc.noStore()).isTrue();
  }

  @Test
  void parse_hugeValue_isCappedAt2To31() {
    assertThat(parse("max-age=99999999999999999999999999").maxAge()).isEqualTo(1L << 31);
    assertThat(parse("stale-if-error=2147483649").staleIfError()).isEqualTo(1L << 31);
    assertThat(parse("max-age=2147483647").maxAge()).isEqualTo(2147483647L);
  }

  @Test
  void parse_leadingZeros_areDigitsLikeAnyOther() {
    assertThat(parse("max-age=0060").maxAge()).isEqualTo(60);
  }

  // ---- duplicates ---------------------------------------------------------------------------

  @Test
  void parse_duplicateDirective_firstWins() {
    assertThat(parse("max-age=60, max-age=5").maxAge()).isEqualTo(60);
    assertThat(parse("max-age=5", "max-age=60").maxAge()).isEqualTo(5);
  }

  @Test
  void parse_duplicateDirective_firstWinsEvenWhenMalformed() {
    assertThat(parse("max-age=x, max-age=60").maxAge()).isZero();
    assertThat(parse("stale-if-error=x, stale-if-error=60").staleIfError()).isEqualTo(-1);
  }

  // ---- Pragma -------------------------------------------------------------------------------

  @Test
  void parse_pragmaNoCacheWithoutCacheControl_isNoCache() {
    HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.PRAGMA, "no-cache");
    assertThat(CacheControl.parse(headers).noCache()).isTrue();
  }

  @Test
  void parse_pragmaAmongOtherPragmas_isNoCache() {
    HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.PRAGMA, "foo=bar, No-Cache");
    assertThat(CacheControl.parse(headers).noCache()).isTrue();
  }

  @Test
  void parse_pragmaBesideCacheControl_isIgnored() {
    HttpHeaders headers = new DefaultHttpHeaders()
        .add(HttpHeaderNames.PRAGMA, "no-cache")
        .add(HttpHeaderNames.CACHE_CONTROL, "max-age=60");
    CacheControl cc = CacheControl.parse(headers);
    assertThat(cc.noCache()).isFalse();
    assertThat(cc.maxAge()).isEqualTo(60);
  }

  @Test
  void parse_pragmaOnlyKnowsNoCache() {
    HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.PRAGMA, "no-store, max-age=5");
    CacheControl cc = CacheControl.parse(headers);
    assertThat(cc.noStore()).isFalse();
    assertThat(cc.maxAge()).isEqualTo(-1);
  }
}
