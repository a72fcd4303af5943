package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import media.edge.http.SafePath.Outcome;

/**
 * Fuzzes the decoding of request targets (issue 15): {@link RequestTarget} cuts the path out of any
 * target, and {@link SafePath} either refuses it or yields a key that, joined to a library root, stays
 * below that root, has no dot, empty or hidden segment, no backslash and no control character, and
 * parses back to itself. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=SafePathFuzzTest}.
 */
class SafePathFuzzTest {
  private static final Path ROOT = Path.of("/srv/library");

  @FuzzTest(maxDuration = "2m")
  void parse_anyTarget_neverLeavesTheRoot(FuzzedDataProvider data) {
    String name = data.consumeString(8);
    String uri = data.consumeRemainingAsString();

    String rawPath = RequestTarget.path(uri);
    String parameter = RequestTarget.queryParameter(uri, name.isEmpty() ? "hdnts" : name);
    if (parameter != null) {
      assertThat(uri).contains("?").contains(parameter);
    }
    if (rawPath == null) {
      return;
    }
    assertThat(rawPath).startsWith("/").doesNotContain("?", "#");

    SafePath parsed = SafePath.parse(rawPath);

    assertThat(parsed.outcome()).isNotNull();
    if (parsed.outcome() != Outcome.OK) {
      assertThat(parsed.path()).isNull();
      return;
    }
    String key = parsed.key();
    assertThat(parsed.slashed()).isEqualTo("/" + key);
    assertThat(key).isNotEmpty().doesNotStartWith("/").doesNotEndWith("/").doesNotContain("\\", "//");
    assertThat(key.chars().noneMatch(Character::isISOControl)).as("no control character in %s", key).isTrue();
    for (String segment : key.split("/", -1)) {
      assertThat(segment).isNotEmpty().doesNotStartWith(".");
    }
    Path file = ROOT.resolve(key).normalize();
    assertThat(file.startsWith(ROOT) && !file.equals(ROOT)).as("%s stays below the root", key).isTrue();
    assertThat(parsed.fileName()).isEqualTo(file.getFileName().toString());
    // The key is canonical: encoded again, it parses back to itself.
    assertThat(SafePath.parse(encode(key)).key()).isEqualTo(key);
  }

  /** {@code /} and {@code key}, every byte outside unreserved and '/' percent-encoded. */
  private static String encode(String key) {
    StringBuilder out = new StringBuilder("/");
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || Character.isLetterOrDigit(c) && c < 0x80) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
      }
    }
    return out.toString();
  }
}
