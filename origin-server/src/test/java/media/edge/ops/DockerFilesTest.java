package media.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import media.edge.config.EdgeConfig;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The container files, checked without a Docker engine (none runs where the tests do): each role's
 * configuration loads with the real loader, and {@code docker/compose.yaml}, {@code prometheus.yml},
 * the Grafana provisioning and the Dockerfile refer to each other consistently (services, volumes,
 * files, ports, scrape targets).
 */
class DockerFilesTest {
  private static final Path DOCKER = Repo.path("docker");
  private static final List<String> SERVERS = List.of("origin", "shield", "edge-1", "edge-2");
  private static final Map<String, String> ROLE = Map.of(
      "origin", "origin.yaml", "shield", "shield.yaml", "edge-1", "edge.yaml", "edge-2", "edge.yaml");

  @TempDir Path dir;

  @Test
  void roleConfigs_loadWithTheRealLoader_givenOnlyTheVolumesTheyExpect() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.yaml"), "keys:\n  - id: k1\n    hmac: \"" + "ab".repeat(32) + "\"\n");

    EdgeConfig origin = configAsInContainer("origin.yaml", Map.of("library.root", dir.toString()));
    EdgeConfig shield = configAsInContainer("shield.yaml", Map.of());
    EdgeConfig edge = configAsInContainer("edge.yaml", Map.of("tokens.keys-file", keys.toString()));

    assertThat(origin.tokens().required()).isFalse();
    assertThat(origin.upstream().urls()).isEmpty();
    assertThat(shield.library().root()).isNull();
    assertThat(shield.upstream().urls()).containsExactly(URI.create("http://origin:8080"));
    assertThat(shield.edgeCache().diskDir()).isEqualTo(Path.of("/var/cache/origin-server"));
    assertThat(edge.tokens().required()).isTrue();
    assertThat(edge.upstream().parents()).containsExactly(URI.create("http://shield:8080"));
    assertThat(edge.upstream().urls()).containsExactly(URI.create("http://origin:8080"));
    for (EdgeConfig config : List.of(origin, shield, edge)) {
      assertThat(config.server().port()).isEqualTo(8080);
      assertThat(config.server().adminPort()).isEqualTo(8081);
    }
  }

  @Test
  void compose_servicesVolumesAndFiles_referToEachOther() throws Exception {
    Map<String, Object> compose = yaml(DOCKER.resolve("compose.yaml"));
    Map<String, Object> services = map(compose.get("services"));
    Set<String> volumes = map(compose.get("volumes")).keySet();

    assertThat(services).containsKeys("keys", "origin", "shield", "edge-1", "edge-2", "prometheus", "grafana");
    Set<String> hostPorts = new HashSet<>();
    for (Map.Entry<String, Object> service : services.entrySet()) {
      Map<String, Object> spec = map(service.getValue());
      for (Object volume : list(spec.get("volumes"))) {
        // ${VAR:-default} as Compose reads it with VAR unset.
        String source = volume.toString().replaceAll("\\$\\{\\w+:-([^}]*)}", "$1").split(":")[0];
        if (source.startsWith(".")) {
          assertThat(DOCKER.resolve(source)).as(service.getKey() + " mounts " + source).exists();
        } else {
          assertThat(volumes).as(service.getKey() + " mounts volume " + source).contains(source);
        }
      }
      Object dependsOn = spec.get("depends_on");
      Iterable<?> dependencies = dependsOn instanceof Map<?, ?> m ? m.keySet() : list(dependsOn);
      for (Object dependency : dependencies) {
        assertThat(services).as(service.getKey() + " depends on " + dependency).containsKey(dependency.toString());
      }
      for (Object port : list(spec.get("ports"))) {
        String[] parts = port.toString().split(":"); // [address:]host:container
        assertThat(hostPorts.add(parts[parts.length - 2])).as("host port " + port + " used once").isTrue();
        if (port.toString().endsWith(":8081") || port.toString().endsWith(":9090") || port.toString().endsWith(":3000")) {
          assertThat(parts).as("admin, Prometheus and Grafana ports stay on this host: " + port).hasSize(3);
          assertThat(parts[0]).isEqualTo("127.0.0.1");
        }
      }
    }
    for (String server : SERVERS) {
      Map<String, Object> spec = map(services.get(server));
      Map<String, Object> build = map(spec.get("build"));
      assertThat(DOCKER.resolve(build.get("context").toString()).resolve(build.get("dockerfile").toString())).exists();
      assertThat(list(spec.get("command"))).containsExactly("serve", "--config", "/etc/origin-server/config.yaml");
      assertThat(list(spec.get("volumes"))).as(server)
          .contains("./config/" + ROLE.get(server) + ":/etc/origin-server/config.yaml:ro");
      Duration grace = Duration.parse("PT" + spec.get("stop_grace_period").toString().toUpperCase());
      assertThat(grace).as("stop_grace_period of " + server)
          .isGreaterThan(configAsInContainer(ROLE.get(server), volumesFor(ROLE.get(server))).server().drainTimeout());
    }
  }

  @Test
  void compose_upstreamsOfEachRole_areComposeServicesOnTheirDataPort() throws Exception {
    Map<String, Object> services = map(yaml(DOCKER.resolve("compose.yaml")).get("services"));
    for (String role : List.of("shield.yaml", "edge.yaml")) {
      EdgeConfig config = configAsInContainer(role, volumesFor(role));
      List<URI> upstreams = new ArrayList<>(config.upstream().urls());
      upstreams.addAll(config.upstream().parents());
      for (URI upstream : upstreams) {
        assertThat(services).as(role + " upstream " + upstream).containsKey(upstream.getHost());
        String target = ROLE.getOrDefault(upstream.getHost(), null);
        assertThat(upstream.getPort()).isEqualTo(configAsInContainer(target, volumesFor(target)).server().port());
      }
    }
  }

  @Test
  void prometheus_scrapesEveryServerOnItsAdminPort_andLoadsTheAlerts() throws Exception {
    Map<String, Object> prometheus = yaml(DOCKER.resolve("prometheus/prometheus.yml"));
    Map<String, String> jobOfTarget = new LinkedHashMap<>();
    for (Object job : list(prometheus.get("scrape_configs"))) {
      Map<String, Object> spec = map(job);
      for (Object staticConfig : list(spec.get("static_configs"))) {
        for (Object target : list(map(staticConfig).get("targets"))) {
          jobOfTarget.put(target.toString(), spec.get("job_name").toString());
        }
      }
    }
    for (String server : SERVERS) {
      int admin = configAsInContainer(ROLE.get(server), volumesFor(ROLE.get(server))).server().adminPort();
      assertThat(jobOfTarget).containsEntry(server + ":" + admin, server.replaceAll("-\\d$", ""));
    }
    assertThat(list(prometheus.get("rule_files"))).containsExactly("/etc/prometheus/alerts.yml");
    Map<String, Object> service = map(map(yaml(DOCKER.resolve("compose.yaml")).get("services")).get("prometheus"));
    assertThat(list(service.get("volumes")))
        .contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
  }

  @Test
  void grafana_provisionsThePrometheusDatasourceAndTheDashboardFolder() throws Exception {
    Map<String, Object> datasource =
        map(list(yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml")).get("datasources")).get(0));
    Map<String, Object> provider =
        map(list(yaml(DOCKER.resolve("grafana/provisioning/dashboards/origin-server.yaml")).get("providers")).get(0));
    Map<String, Object> grafana = map(map(yaml(DOCKER.resolve("compose.yaml")).get("services")).get("grafana"));

    assertThat(datasource).containsEntry("uid", "prometheus").containsEntry("url", "http://prometheus:9090");
    String dashboards = map(provider.get("options")).get("path").toString();
    assertThat(list(grafana.get("volumes"))).contains("./grafana/dashboards:" + dashboards + ":ro");
    assertThat(DOCKER.resolve("grafana/dashboards/origin-server.json")).exists();
  }

  @Test
  void keysService_writesAKeyFileTheEdgesLoad() throws Exception {
    Tools.require("bash", "--version");
    Map<String, Object> keys = map(map(yaml(DOCKER.resolve("compose.yaml")).get("services")).get("keys"));
    assertThat(list(keys.get("entrypoint"))).containsExactly("bash", "-c");
    // Compose turns $$ into $; the key folder becomes a temporary one, and java a stub printing a key.
    String script = list(keys.get("command")).get(0).toString()
        .replace("$$", "$")
        .replace("/var/lib/origin-server/keys", dir.toString());
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\necho " + "cd".repeat(32) + "\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();

    Repo.Run first = Repo.run(List.of("bash", "-c", script), Map.of("PATH", bin + ":" + System.getenv("PATH")), 20);
    Files.writeString(java, "#!/bin/sh\nexit 1\n");
    Repo.Run second = Repo.run(List.of("bash", "-c", script), Map.of("PATH", bin + ":" + System.getenv("PATH")), 20);

    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(second.exit()).as("an existing key is kept, java not run: " + second.out()).isZero();
    EdgeConfig edge = configAsInContainer("edge.yaml", Map.of("tokens.keys-file", dir.resolve("keys.yaml").toString()));
    assertThat(edge.tokens().keysFile()).isEqualTo(dir.resolve("keys.yaml"));
    assertThat(Files.readString(dir.resolve("keys.yaml"))).contains("cd".repeat(32));
    assertThat(Files.getPosixFilePermissions(dir.resolve("keys.yaml")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void dockerfile_copiesFilesThatExist_runsAsNonRoot_andChecksHealthOnTheAdminPort() throws Exception {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(.+) (\\S+)$").matcher(dockerfile);
    int copies = 0;
    while (copy.find()) {
      for (String source : copy.group(1).trim().split("\\s+")) {
        assertThat(Repo.path(source)).as("COPY " + source).exists();
        copies++;
      }
    }
    assertThat(copies).isGreaterThanOrEqualTo(5);
    assertThat(dockerfile)
        .contains("FROM maven:3-eclipse-temurin-17 AS build")
        .contains("FROM eclipse-temurin:17-jre")
        .containsPattern("(?m)^USER origin:origin$")
        .containsPattern("(?m)^HEALTHCHECK .*/opt/origin-server/healthcheck.sh")
        .containsPattern("(?m)^ENTRYPOINT \\[\"/opt/origin-server/entrypoint.sh\"]$");
    assertThat(Repo.path(".dockerignore")).content().contains("**/target").contains(".git");
  }

  /** Loads a role's file as in its container, where the volumes exist; {@code volumes} stands in for them. */
  private EdgeConfig configAsInContainer(String file, Map<String, String> volumes) throws Exception {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("server.bind", "0.0.0.0");
    overrides.put("server.port", "8080");
    overrides.put("server.admin-port", "8081");
    overrides.putAll(volumes);
    return Topology.load(file, overrides);
  }

  /** Stand-ins for the volumes a role's file names: the origin's library, the edges' key file. */
  private Map<String, String> volumesFor(String file) throws Exception {
    switch (file) {
      case "origin.yaml":
        return Map.of("library.root", dir.toString());
      case "edge.yaml":
        Path keys = dir.resolve("any-keys.yaml");
        if (!Files.exists(keys)) {
          Files.writeString(keys, "keys:\n  - id: k1\n    hmac: \"" + "ab".repeat(32) + "\"\n");
        }
        return Map.of("tokens.keys-file", keys.toString());
      default:
        return Map.of();
    }
  }

  static Map<String, Object> yaml(Path file) throws Exception {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }
}
