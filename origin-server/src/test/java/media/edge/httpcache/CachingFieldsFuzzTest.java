package media.edge.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Fuzzes what an edge reads from an upstream response head before storing it (issue 15): {@code
 * Cache-Control} and {@code Pragma} directives, {@code Age}, {@code Date} and {@code Expires}, and the
 * stored head's codec.
 *
 * <ul>
 *   <li>each directive's argument reads as -1 (absent or malformed) or delta-seconds within {@link
 *       DeltaSeconds#CAP}, never a negative or overflowed number; the tokenizer names only tokens;
 *   <li>any values either make {@link StoredHead#of} refuse them with {@link IllegalArgumentException}
 *       (a name that is no token, CR, LF or NUL in a value) or give a non-negative lifetime and age;
 *   <li>a stored head round-trips through its codec, and any bytes with a valid checksum (resealed, so
 *       that the fuzzer gets past it) decode only to a head that encodes back to the same bytes, or fail
 *       with {@link IllegalArgumentException}.
 * </ul>
 *
 * <p>To fuzz (Jazzer fuzzes one method per run): {@code JAZZER_FUZZ=1 mvn -pl origin-server test
 *     -Dtest=CachingFieldsFuzzTest#store_anyCachingFields_givesSaneFreshness}, or {@code #decode_...}.
 */
class CachingFieldsFuzzTest {
  private static final long T0 = Times.T0;

  @FuzzTest(maxDuration = "2m")
  void store_anyCachingFields_givesSaneFreshness(FuzzedDataProvider data) {
    HttpHeaders headers = HeaderFields.newHeaders();
    String[] names = {"cache-control", "pragma", "age", "date", "expires", "last-modified", "etag"};
    for (int i = data.consumeInt(0, 6); i > 0; i--) {
      headers.add(names[data.consumeInt(0, names.length - 1)], data.consumeString(60));
    }
    int status = data.pickValue(new int[] {200, 203, 204, 301, 404, 410, 500});
    long requestMillis = T0 + data.consumeLong(-86_400_000L, 86_400_000L);
    long responseMillis = requestMillis + data.consumeLong(0, 60_000);
    long heuristic = data.consumeLong(-1, 86_400_000L);

    CacheControl control = CacheControl.parse(headers);
    for (long value : new long[] {control.maxAge(), control.sMaxAge(), control.staleWhileRevalidate(),
        control.staleIfError(), control.minFresh()}) {
      assertThat(value).as("%s", control).isBetween(-1L, DeltaSeconds.CAP);
    }
    if (control.maxStale() != Long.MAX_VALUE) { // max-stale without a value: any staleness
      assertThat(control.maxStale()).as("%s", control).isBetween(-1L, DeltaSeconds.CAP);
    }
    for (String line : headers.getAll("cache-control")) {
      DirectiveTokenizer.forEach(line, (name, argument, malformed) ->
          assertThat(name).isNotEmpty().matches(n -> n.chars().allMatch(c -> DirectiveTokenizer.isTchar((char) c)), "a token"));
    }

    StoredHead head;
    try {
      head = StoredHead.of(status, headers, requestMillis, responseMillis, heuristic);
    } catch (IllegalArgumentException refused) {
      assertThat(refused).hasMessageNotContaining("\r").hasMessageNotContaining("\n");
      return;
    }
    assertThat(head.lifetimeMillis()).isNotNegative();
    assertThat(head.ageMillis(responseMillis)).isNotNegative();
    assertThat(head.ageMillis(responseMillis + 1000)).isGreaterThanOrEqualTo(head.ageMillis(responseMillis));
    if (control.sMaxAge() >= 0) {
      assertThat(head.lifetimeMillis()).isEqualTo(control.sMaxAge() * 1000);
    } else if (control.maxAge() >= 0) {
      assertThat(head.lifetimeMillis()).isEqualTo(control.maxAge() * 1000);
    }
    StoredHead restored = StoredHead.decode(head.encode());
    assertThat(restored.encode()).isEqualTo(head.encode());
    assertThat(restored.lifetimeMillis()).isEqualTo(head.lifetimeMillis());
  }

  @FuzzTest(maxDuration = "2m")
  void decode_anySealedBytes_failsCleanlyOrRoundTrips(FuzzedDataProvider data) {
    boolean sealed = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    byte[] bytes = sealed ? HeadCodecTest.sealed(body) : body;

    StoredHead head;
    try {
      head = StoredHead.decode(bytes);
    } catch (IllegalArgumentException corrupt) {
      return;
    } catch (RuntimeException other) {
      throw new AssertionError("decode must fail only with IllegalArgumentException", other);
    }
    assertThat(head.encode()).isEqualTo(bytes);
    assertThat(head.lifetimeMillis()).isNotNegative();
  }
}
