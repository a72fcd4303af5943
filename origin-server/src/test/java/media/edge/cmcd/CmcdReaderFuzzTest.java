package media.edge.cmcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import media.edge.config.CmcdConfig;
import media.edge.testing.TestClock;

/**
 * Fuzzes the reading of players' CMCD from the query and the four headers (issue 15). Whatever a player
 * sends: no exception; integer keys of CTA-5004 are never negative; {@code nor} never carries the
 * viewer's token (it reaches the access log); percent-decoding refuses anything but ASCII escapes and
 * undoes encoding; a value sent in the query reads as the same value sent in a header.
 *
 * <p>To fuzz (Jazzer fuzzes one method per run): {@code JAZZER_FUZZ=1 mvn -pl origin-server test
 *     -Dtest=CmcdReaderFuzzTest#read_anyQueryAndHeaders_isTypedAndKeepsNoToken}, or {@code #percentDecode_...}.
 */
class CmcdReaderFuzzTest {
  private static final List<String> INTEGER_KEYS = List.of("br", "bl", "d", "dl", "mtp", "rtp", "tb");

  private final CmcdReader reader = CmcdReader.create(
      new CmcdConfig(true, true, Duration.ofSeconds(30), 64, Duration.ofSeconds(30), 1000), "hdnts",
      new SimpleMeterRegistry(), TestClock.atNow().ticker());

  @FuzzTest(maxDuration = "2m")
  void read_anyQueryAndHeaders_isTypedAndKeepsNoToken(FuzzedDataProvider data) {
    String query = data.consumeBoolean() ? data.consumeString(200) : null;
    String request = data.consumeBoolean() ? data.consumeString(200) : null;
    String object = data.consumeBoolean() ? data.consumeString(100) : null;
    String status = data.consumeBoolean() ? data.consumeString(100) : null;
    String session = data.consumeRemainingAsString();

    Cmcd cmcd = reader.read(query, request, object, status, session);

    assertThat(cmcd.toString()).isNotNull();
    for (String key : INTEGER_KEYS) {
      for (Object value : items(cmcd.get(key))) {
        assertThat(value).isInstanceOf(Long.class);
        assertThat((Long) value).isNotNegative();
      }
    }
    for (Object nor : items(cmcd.get("nor"))) {
      String reference = (String) nor;
      int question = reference.indexOf('?');
      if (question >= 0) {
        for (String pair : reference.substring(question + 1).split("&")) {
          assertThat(pair.split("=", 2)[0]).as("token in nor %s", reference).isNotEqualTo("hdnts");
        }
      }
    }
    // The same text in the query (form-encoded) reads as it does in a header.
    if (request != null && request.length() <= CmcdReader.MAX_SOURCE_CHARS) {
      Cmcd fromHeader = reader.read(null, request, null, null, null);
      Cmcd fromQuery = reader.read(URLEncoder.encode(request, StandardCharsets.UTF_8), null, null, null, null);
      assertThat(fromQuery.toString()).isEqualTo(fromHeader.toString());
    }
  }

  @FuzzTest(maxDuration = "1m")
  void percentDecode_anyText_isStrictAndUndoesEncoding(FuzzedDataProvider data) {
    boolean plusIsSpace = data.consumeBoolean();
    String raw = data.consumeRemainingAsString();

    String decoded = CmcdReader.percentDecode(raw, plusIsSpace);
    if (decoded != null) {
      assertThat(raw.chars().allMatch(c -> c <= 0x7e)).as("only ASCII decodes: %s", raw).isTrue();
    }
    String encoded = URLEncoder.encode(raw, StandardCharsets.UTF_8);
    if (raw.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
      assertThat(CmcdReader.formDecode(encoded)).isEqualTo(raw);
    }
  }

  private static List<?> items(Object value) {
    return value == null ? List.of() : value instanceof List<?> list ? list : List.of(value);
  }
}
