package media.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import media.edge.testing.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/entrypoint.sh} run by bash against fake cgroup and meminfo files in its dry-run mode:
 * which limit it reads, how it splits it, and that a real JVM accepts the flags it computes.
 */
class EntrypointScriptTest {
  private static final long MIB = 1024 * 1024;
  private static final long GIB = 1024 * MIB;
  private static final long OVERHEAD = 160 * MIB;

  @TempDir Path dir;
  private Path cgroup;
  private Path meminfo;

  @BeforeEach
  void setUp() throws Exception {
    Tools.require("bash", "--version");
    cgroup = Files.createDirectories(dir.resolve("cgroup"));
    meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:        8388608 kB\nMemFree:         1000 kB\n");
  }

  @Test
  void cgroupV2Limit_isSplitIntoOverheadHeapDirectMemoryAndTier() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), "1073741824\n");

    Map<String, String> split = dryRun(Map.of(), "serve", "--config", "/etc/origin-server/config.yaml");

    assertThat(split).containsEntry("source", "cgroup-v2").containsEntry("limit", "1073741824");
    assertThat(split).containsEntry("heap", Long.toString(128 * MIB)).containsEntry("direct", Long.toString(736 * MIB));
    assertThat(split).containsEntry("tier", Long.toString(552 * MIB));
    assertThat(split.get("command"))
        .startsWith("java -Xms128m -Xmx128m -XX:MaxDirectMemorySize=736m ")
        .endsWith("-jar /opt/origin-server/origin-server.jar serve --config /etc/origin-server/config.yaml");
  }

  @Test
  void cgroupV2WithoutLimit_takesHalfOfMemTotal() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), "max\n");

    Map<String, String> split = dryRun(Map.of());

    assertThat(split).containsEntry("source", "half-of-MemTotal").containsEntry("limit", Long.toString(4 * GIB));
    assertThat(split).containsEntry("heap", Long.toString(512 * MIB));
  }

  @Test
  void cgroupV1Limit_isRead_andItsNoLimitValueFallsBackToMeminfo() throws Exception {
    Path v1 = Files.createDirectories(cgroup.resolve("memory"));
    Files.writeString(v1.resolve("memory.limit_in_bytes"), Long.toString(2 * GIB) + "\n");
    assertThat(dryRun(Map.of())).containsEntry("source", "cgroup-v1").containsEntry("limit", Long.toString(2 * GIB));

    Files.writeString(v1.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    assertThat(dryRun(Map.of())).containsEntry("source", "half-of-MemTotal");
  }

  @Test
  void anyLimitFrom512MiBTo64GiB_fitsTheSplitUnderTheLimit() throws Exception {
    for (long limit : new long[] {512 * MIB, 700 * MIB, GIB, 3 * GIB, 8 * GIB + 12345, 64 * GIB}) {
      Files.writeString(cgroup.resolve("memory.max"), Long.toString(limit));

      Map<String, String> split = dryRun(Map.of());

      long heap = Long.parseLong(split.get("heap"));
      long direct = Long.parseLong(split.get("direct"));
      long tier = Long.parseLong(split.get("tier"));
      assertThat(OVERHEAD + heap + direct).as("limit %d", limit).isLessThanOrEqualTo(limit);
      assertThat(heap).as("limit %d", limit).isBetween(96 * MIB, GIB);
      assertThat(tier).as("limit %d", limit).isLessThanOrEqualTo(direct * 3 / 4).isGreaterThanOrEqualTo(16 * MIB);
    }
  }

  @Test
  void limitTooSmall_exits2WithOneLineNamingTheLimit() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), Long.toString(256 * MIB));

    Repo.Run run = script(Map.of());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr().strip())
        .isEqualTo("origin-server entrypoint: memory limit: 268435456 bytes from cgroup-v2 (expected: at least 320 MiB:"
            + " 160 MiB JVM overhead, 96 MiB heap, 64 MiB direct memory)");
  }

  @Test
  void explicitTierAndJavaOpts_areKept_andJavaOptsComeLast() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), Long.toString(2 * GIB));

    Map<String, String> split =
        dryRun(Map.of("EDGE_CACHE_MEMORY_BYTES", "104857600", "JAVA_OPTS", "-Xmx300m -Dx=1", "ORIGIN_MEMORY_LIMIT", ""));

    assertThat(split).containsEntry("tier", "104857600");
    assertThat(split.get("command")).contains("-XX:+UseG1GC -Xmx300m -Dx=1 -jar ");
  }

  @Test
  void memoryLimitVariable_winsOverCgroup_andMustBeANumber() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), Long.toString(8 * GIB));
    assertThat(dryRun(Map.of("ORIGIN_MEMORY_LIMIT", Long.toString(GIB)))).containsEntry("source", "ORIGIN_MEMORY_LIMIT");

    Repo.Run bad = script(Map.of("ORIGIN_MEMORY_LIMIT", "1g"));
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr()).contains("ORIGIN_MEMORY_LIMIT: 1g (expected: a number of bytes)");
  }

  @Test
  void computedFlags_areAcceptedByARealJvm() throws Exception {
    Files.writeString(cgroup.resolve("memory.max"), Long.toString(GIB));
    List<String> flags = Arrays.asList(dryRun(Map.of()).get("jvm_flags").split(" "));

    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("-XX:+PrintFlagsFinal");
    command.add("-version");
    Repo.Run run = Repo.run(command, Map.of(), 60);

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.stdout()).containsPattern("MaxHeapSize\\s+=\\s+" + 128 * MIB + "\\b");
    assertThat(run.stdout()).containsPattern("MaxDirectMemorySize\\s+=\\s+" + 736 * MIB + "\\b");
  }

  private Repo.Run script(Map<String, String> extra, String... args) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("ORIGIN_CGROUP_ROOT", cgroup.toString());
    env.put("ORIGIN_MEMINFO", meminfo.toString());
    env.put("ORIGIN_DRY_RUN", "1");
    env.put("ORIGIN_MEMORY_LIMIT", "");
    env.put("EDGE_CACHE_MEMORY_BYTES", "");
    env.put("JAVA_OPTS", "");
    env.putAll(extra);
    List<String> command = new java.util.ArrayList<>(List.of("bash", Repo.path("docker/entrypoint.sh").toString()));
    command.addAll(List.of(args));
    return Repo.run(command, env, 30);
  }

  private Map<String, String> dryRun(Map<String, String> extra, String... args) throws Exception {
    Repo.Run run = script(extra, args);
    assertThat(run.exit()).as(run.out()).isZero();
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : run.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    return values;
  }
}
