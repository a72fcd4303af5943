package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import media.edge.http.Http1DecoderPropertiesTest.Parsed;
import media.edge.http.Http1DecoderPropertiesTest.Run;

/**
 * Fuzzes {@link Http1Decoder} in an {@code EmbeddedChannel} with arbitrary bytes cut into arbitrary reads,
 * each request answered at once or after the next read (issue 15). Whatever arrives:
 *
 * <ul>
 *   <li>nothing is thrown out of the pipeline ({@code EmbeddedChannel} rethrows what a handler let
 *       escape) and nothing stays allocated once the channel is finished;
 *   <li>a refusal is a client error (4xx) or one of the two 5xx that name what we do not implement (501
 *       for a transfer coding, 505 for a version), never a bare 500;
 *   <li>an accepted request has a token method and a target of visible ASCII whose path, when it has one,
 *       begins with {@code /};
 *   <li>the outcome is the same whether the bytes arrive whole or in pieces.
 * </ul>
 *
 * <p>The decoding itself is checked against generated requests and Netty's decoder in {@link
 * Http1DecoderPropertiesTest}, whose harness this reuses. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl
 * origin-server test -Dtest=Http1DecoderFuzzTest}.
 */
class Http1DecoderFuzzTest {
  private static final Set<Integer> REFUSALS = Set.of(400, 413, 414, 417, 431, 501, 505);
  private static final String TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  @FuzzTest(maxDuration = "3m")
  void decode_anyBytesInAnyReads_refusesWith4xxOrPassesRequests(FuzzedDataProvider data) {
    List<Integer> cuts = new ArrayList<>();
    List<Boolean> deferrals = new ArrayList<>();
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      cuts.add(data.consumeInt(0, 1 << 16));
      deferrals.add(data.consumeBoolean());
    }
    byte[] wire = data.consumeRemainingAsBytes();

    Run whole = Http1DecoderPropertiesTest.ours(wire, List.of(), List.of());
    Run pieces = Http1DecoderPropertiesTest.ours(wire, cuts, deferrals);

    assertThat(whole.leftBytes + pieces.leftBytes).as("bytes left allocated").isZero();
    if (whole.failure != null) {
      assertThat(((Request.Failure) whole.failure).status()).isIn(REFUSALS);
    }
    for (Parsed request : whole.parsed) {
      assertThat(request.method()).isNotEmpty().matches(m -> m.chars().allMatch(c -> TCHAR.indexOf(c) >= 0), "a token");
      assertThat(request.uri()).isNotEmpty().matches(u -> u.chars().allMatch(c -> c > 0x20 && c < 0x7f), "visible ASCII");
      String path = RequestTarget.path(request.uri());
      if (path != null) {
        assertThat(path).startsWith("/").doesNotContain("?", "#");
      }
    }
    assertThat(pieces.parsed).as("decoded in pieces from %s", new String(wire, StandardCharsets.ISO_8859_1))
        .isEqualTo(whole.parsed);
    assertThat(pieces.failure).isEqualTo(whole.failure);
  }
}
