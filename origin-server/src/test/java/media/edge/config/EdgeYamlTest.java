package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps {@code config/edge.yaml} honest: it loads, it states exactly the built-in defaults, and it
 * documents every key. Maven runs tests in {@code origin-server/}, hence the {@code ../}.
 */
class EdgeYamlTest {

  private static final Path EDGE_YAML = Paths.get("../config/edge.yaml");

  @TempDir Path library;

  @Test
  void edgeYaml_loadsToTheDefaults() throws Exception {
    // Given a key, since the default tokens.required: true refuses to start without one.
    Map<String, String> flags = Map.of("library.root", library.toString(), "tokens.keys", "k1:" + "ab".repeat(32));

    EdgeConfig loaded = ConfigLoader.load(EDGE_YAML, Map.of(), flags);

    EdgeConfig defaults = ConfigLoader.defaults();
    assertThat(loaded).isEqualTo(defaults.withLibrary(ConfigLoader.defaults().library().withRoot(library))
        .withTokens(defaults.tokens().withKeys(List.of(TokenKey.hmac("k1", "ab".repeat(32))))));
  }

  @Test
  void edgeYaml_withoutAKey_isRefusedAsTheDefaultsAre() {
    assertThatThrownBy(() -> ConfigLoader.load(EDGE_YAML, Map.of(), Map.of("library.root", library.toString())))
        .hasMessageEndingWith(" tokens.keys: <redacted>"
            + " (expected: at least one key, or tokens.keys-file, when tokens.required is true)");
  }

  @Test
  void edgeYaml_showsTokenEnvironmentNamesAndTheKeyListShape() throws IOException {
    String text = Files.readString(EDGE_YAML);

    assertThat(text)
        .contains("EDGE_TOKENS_REQUIRED")
        .contains("EDGE_TOKENS_KEYS=k1:hex,k2:hex")
        .contains("  #   - id: k1")
        .contains("  #     secret: ")
        .contains("  #     public-key: ");
  }

  @Test
  void edgeYaml_statesTheDefaultLibraryRoot() throws IOException {
    Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(EDGE_YAML));

    assertThat(yaml).extractingByKey("library").asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsEntry("root", ConfigLoader.defaults().library().root().toString());
  }

  @Test
  void edgeYaml_listsEveryKey() throws IOException {
    Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(EDGE_YAML));

    assertThat(flatten("", yaml)).containsExactlyElementsOf(Settings.keys());
  }

  @Test
  void edgeYaml_commentsEverySetting() throws IOException {
    Pattern setting = Pattern.compile("^\\s*([a-z-]+):\\s*[^#\\s].*$");
    List<String> uncommented = new ArrayList<>();
    for (String line : Files.readAllLines(EDGE_YAML)) {
      Matcher m = setting.matcher(line);
      if (m.matches() && !line.contains(" # ")) {
        uncommented.add(line);
      }
    }

    assertThat(uncommented).isEmpty();
  }

  @Test
  void edgeYaml_explainsPrecedenceAndEnvironmentNames() throws IOException {
    String text = Files.readString(EDGE_YAML);

    assertThat(text)
        .contains("built-in defaults < this file < EDGE_* environment variables < command-line flags")
        .contains("EDGE_SERVER_PORT")
        .contains("EDGE_CACHE_MEMORY_BYTES");
  }

  private static List<String> flatten(String prefix, Map<?, ?> map) {
    List<String> keys = new ArrayList<>();
    map.forEach((name, value) -> {
      String key = prefix + name;
      if (value instanceof Map<?, ?> child) {
        keys.addAll(flatten(key + ".", child));
      } else {
        keys.add(key);
      }
    });
    return keys;
  }
}
