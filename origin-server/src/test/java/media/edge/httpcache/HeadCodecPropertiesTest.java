package media.edge.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Decoding distrusts its input: random bytes, random bytes with a valid checksum (so that the
 * parser itself is exercised), and truncations of valid encodings only ever fail with {@link
 * IllegalArgumentException}; valid heads round-trip.
 */
class HeadCodecPropertiesTest {

  @Property
  void decode_randomBytes_onlyThrowsIllegalArgument(@ForAll @Size(max = 200) byte[] bytes) {
    assertOnlyIllegalArgument(bytes);
  }

  @Property
  void decode_sealedRandomContent_onlyThrowsIllegalArgument(@ForAll @Size(max = 120) byte[] content) {
    HeadCodecTest.Writer out = HeadCodecTest.header(200, Times.T0, Times.T0, 0);
    for (byte b : content) {
      out.raw(b);
    }
    assertOnlyIllegalArgument(HeadCodecTest.sealed(out.bytes()));
  }

  @Property
  void decode_sealedRandomHeaderAndContent_onlyThrowsIllegalArgument(@ForAll @Size(min = 29, max = 120) byte[] body) {
    body[0] = 'S';
    body[1] = 'H';
    body[2] = HeadCodec.VERSION;
    assertOnlyIllegalArgument(HeadCodecTest.sealed(body));
  }

  @Property
  void decode_truncatedOrExtendedEncoding_onlyThrowsIllegalArgument(
      @ForAll("heads") StoredHead head, @ForAll @IntRange(min = -64, max = 8) int lengthChange) {
    byte[] bytes = head.encode();
    byte[] changed = Arrays.copyOf(bytes, Math.max(0, bytes.length + lengthChange));
    if (lengthChange != 0) {
      assertThat(catchThrowable(() -> StoredHead.decode(changed))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Property
  void decode_resealedTruncation_onlyThrowsIllegalArgument(
      @ForAll("heads") StoredHead head, @ForAll @IntRange(min = 1, max = 64) int cut) {
    byte[] bytes = head.encode();
    byte[] body = Arrays.copyOf(bytes, Math.max(0, bytes.length - 4 - cut));
    assertThat(catchThrowable(() -> StoredHead.decode(HeadCodecTest.sealed(body))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void decode_ofEncode_roundTrips(@ForAll("heads") StoredHead head) {
    HeadCodecTest.assertSameHead(StoredHead.decode(head.encode()), head);
  }

  private static void assertOnlyIllegalArgument(byte[] bytes) {
    Throwable thrown = catchThrowable(() -> StoredHead.decode(bytes));
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * Heads with token names and values of any characters but CR, LF, NUL and lone surrogates (which
   * UTF-8 cannot carry, and which Netty's decoder never produces: it reads header bytes as
   * ISO-8859-1). The header lists have no edge cases: combined with those of the times they would
   * outnumber the tries; the times keep theirs (0 and the year-9999 limit).
   */
  @Provide
  Arbitrary<StoredHead> heads() {
    Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ-_0!#").ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> values = Arbitraries.strings().all().ofMaxLength(30)
        .filter(v -> v.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0 || Character.isSurrogate((char) c)));
    Arbitrary<List<Tuple.Tuple2<String, String>>> fields =
        Combinators.combine(names, values).as(Tuple::of).list().ofMaxSize(8).withoutEdgeCases();
    Arbitrary<Long> times = Arbitraries.longs().between(0, StoredHead.MAX_MILLIS);
    return Combinators.combine(Arbitraries.integers().between(100, 999), fields, times, times,
            Arbitraries.longs().between(-1, Long.MAX_VALUE))
        .as((status, list, request, response, heuristic) -> {
          HttpHeaders headers = Times.headers();
          list.forEach(field -> headers.add(field.get1(), field.get2()));
          return StoredHead.of(status, headers, request, response, heuristic);
        });
  }
}
