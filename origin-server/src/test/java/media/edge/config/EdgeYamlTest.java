package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

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
    EdgeConfig loaded = ConfigLoader.load(EDGE_YAML, Map.of(), Map.of("library.root", library.toString()));

    assertThat(loaded).isEqualTo(ConfigLoader.defaults().withLibrary(new LibraryConfig(library)));
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
