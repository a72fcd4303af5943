package media.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes configuration loading (issue 15): any YAML file (seeded with {@code config/edge.yaml}) and any
 * {@code EDGE_*} value either loads or is refused with a {@link ConfigException} whose message is one
 * line naming where the value came from, as the README promises (exit status 2 and one line); never
 * another exception, such as SnakeYAML's own or a {@code NumberFormatException}.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=ConfigFuzzTest#load_anyYaml_loadsOrIsRefusedOnOneLine}
 * (or {@code #load_anyEnvironmentValue_...}; Jazzer fuzzes one method per run).
 */
class ConfigFuzzTest {
  private static final Path DIR = temporaryFolder();
  private static final Path LIBRARY = DIR.resolve("library");
  private static final Path YAML = DIR.resolve("edge.yaml");
  private static final List<String> KEYS = Settings.keys();

  @FuzzTest(maxDuration = "2m")
  void load_anyYaml_loadsOrIsRefusedOnOneLine(byte[] yaml) throws IOException {
    Files.write(YAML, yaml);

    assertLoadsOrIsRefusedOnOneLine(YAML, Map.of(), Map.of("library.root", LIBRARY.toString(), "tokens.required", "false"),
        YAML.toString());
  }

  @FuzzTest(maxDuration = "2m")
  void load_anyEnvironmentValue_loadsOrIsRefusedOnOneLine(FuzzedDataProvider data) {
    String key = data.pickValue(KEYS);
    String value = data.consumeRemainingAsString();
    String envName = "EDGE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    Map<String, String> flags = new HashMap<>(Map.of("library.root", LIBRARY.toString(), "tokens.required", "false"));
    flags.remove(key);

    assertLoadsOrIsRefusedOnOneLine(null, Map.of(envName, value), flags, envName);
  }

  private static void assertLoadsOrIsRefusedOnOneLine(Path file, Map<String, String> env, Map<String, String> flags,
      String source) {
    try {
      EdgeConfig config = ConfigLoader.load(file, env, flags);
      assertThat(config).isNotNull();
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).as("refusal").isNotBlank().doesNotContain("\n", "\r");
    } catch (RuntimeException other) {
      throw new AssertionError("a refusal must be a ConfigException (source " + source + ")", other);
    }
  }

  private static Path temporaryFolder() {
    try {
      Path dir = Files.createTempDirectory("config-fuzz");
      Files.createDirectory(dir.resolve("library"));
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
