package media.edge.httpcache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The secondary key is injective: it can be decoded back into exactly the field names and
 * normalised values it was made from, so two different requests can never share a key, whatever
 * separators or escapes their values contain.
 */
class VaryKeyPropertiesTest {

  /**
   * Field names and values drawn from the characters that matter to the key's syntax. Names are
   * lower case without whitespace (case folding and trimming are covered by the examples); values
   * are absent or present, possibly empty.
   */
  @Provide
  Arbitrary<Map<String, Optional<String>>> fieldsAndValues() {
    Arbitrary<String> names = Arbitraries.strings().withChars("ab=%-").ofMinLength(1).ofMaxLength(4)
        .filter(name -> !name.equals("accept-encoding"));
    Arbitrary<Optional<String>> values =
        Arbitraries.strings().withChars("ab=%\n0A2 ,").ofMaxLength(6).optional(0.8);
    return Arbitraries.maps(names, values).ofMaxSize(4);
  }

  @Property
  void of_decodesBackToItsInputs(@ForAll("fieldsAndValues") Map<String, Optional<String>> input) {
    HttpHeaders request = Times.headers();
    TreeMap<String, Optional<String>> expected = new TreeMap<>();
    for (Map.Entry<String, Optional<String>> entry : input.entrySet()) {
      String name = entry.getKey();
      entry.getValue().ifPresent(value -> request.add(name, value));
      expected.put(name, entry.getValue().map(VaryKey::normaliseWhitespace));
    }
    String key = VaryKey.of(new ArrayList<>(input.keySet()), request);
    assertThat(decode(key)).isEqualTo(expected);
  }

  @Property
  void of_differentValues_differentKeys(
      @ForAll("fieldsAndValues") Map<String, Optional<String>> a,
      @ForAll("fieldsAndValues") Map<String, Optional<String>> b) {
    List<String> fields = new ArrayList<>(a.keySet());
    fields.addAll(b.keySet());
    HttpHeaders first = request(a);
    HttpHeaders second = request(b);
    String keyA = VaryKey.of(fields, first);
    String keyB = VaryKey.of(fields, second);
    if (keyA.equals(keyB)) {
      assertThat(decode(keyA)).isEqualTo(decode(keyB));
      for (String name : fields) {
        assertThat(normalised(first, name)).isEqualTo(normalised(second, name));
      }
    }
  }

  private static HttpHeaders request(Map<String, Optional<String>> values) {
    HttpHeaders request = Times.headers();
    values.forEach((name, value) -> value.ifPresent(v -> request.add(name, v)));
    return request;
  }

  private static Optional<String> normalised(HttpHeaders request, String name) {
    List<String> lines = request.getAll(name);
    return lines.isEmpty() ? Optional.empty() : Optional.of(VaryKey.normaliseWhitespace(String.join(",", lines)));
  }

  /** The inverse of the key format documented on {@link VaryKey}. */
  private static TreeMap<String, Optional<String>> decode(String key) {
    TreeMap<String, Optional<String>> fields = new TreeMap<>();
    if (key.isEmpty()) {
      return fields;
    }
    for (String line : key.split("\n", -1)) {
      int equals = line.indexOf('=');
      String name = unescape(equals < 0 ? line : line.substring(0, equals));
      Optional<String> value = equals < 0 ? Optional.empty() : Optional.of(unescape(line.substring(equals + 1)));
      assertThat(fields.put(name, value)).as("field %s appears once", name).isNull();
    }
    return fields;
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        String code = text.substring(i + 1, i + 3);
        out.append(switch (code) {
          case "25" -> '%';
          case "0A" -> '\n';
          case "3D" -> '=';
          default -> throw new AssertionError("unknown escape %" + code + " in " + text);
        });
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
