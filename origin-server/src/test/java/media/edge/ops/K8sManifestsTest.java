package media.edge.ops;

import static media.edge.ops.DockerFilesTest.list;
import static media.edge.ops.DockerFilesTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker/k8s/}, checked without a cluster: every object against the Kubernetes and Prometheus
 * Operator schemas ({@code docker/k8s/validate}, node), and here how the objects fit together and with
 * the server: the ConfigMap's files load with the real loader, edges list the shield StatefulSet's
 * stable names, probes hit the admin port's paths, the grace period outlasts preStop plus the drain,
 * and every selector and reference finds its target.
 */
class K8sManifestsTest {
  private static final Path K8S = Repo.path("docker/k8s");

  @TempDir Path dir;

  @Test
  void manifests_passTheKubernetesAndPrometheusOperatorSchemas() throws Exception {
    Tools.require("node", "--version");
    Path modules = K8S.resolve("validate/node_modules/kubernetes-models");
    if (!Files.isDirectory(modules) && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("docker/k8s/validate has no node_modules, but CI must install them (see .ci/run)");
    }
    Assumptions.assumeTrue(Files.isDirectory(modules), "run npm ci in docker/k8s/validate");

    Repo.Run run = Repo.run(List.of("node", K8S.resolve("validate/validate.mjs").toString(), K8S.toString()), Map.of(), 60);

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.stdout()).contains("15 passed, 0 failed");
  }

  @Test
  void configMapFiles_loadWithTheRealLoader_andEdgesHashOverTheShieldStatefulSetNames() throws Exception {
    Map<String, EdgeConfig> configs = new LinkedHashMap<>();
    configs().forEach((file, pod) -> configs.put(file, pod.config()));
    Map<String, Object> statefulSet = object("StatefulSet", "shield");
    Map<String, Object> headless = object("Service", map(statefulSet.get("spec")).get("serviceName").toString());
    int replicas = (Integer) map(statefulSet.get("spec")).get("replicas");

    assertThat(map(headless.get("spec"))).containsEntry("clusterIP", "None");
    List<URI> expected = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      expected.add(URI.create("http://shield-" + i + "." + map(headless.get("metadata")).get("name") + ":8080"));
    }
    assertThat(configs.get("edge.yaml").upstream().parents()).containsExactlyElementsOf(expected);
    assertThat(configs.get("edge.yaml").upstream().urls()).containsExactly(URI.create("http://origin:8080"));
    assertThat(configs.get("shield.yaml").upstream().urls()).containsExactly(URI.create("http://origin:8080"));
    assertThat(configs.get("edge.yaml").tokens().required()).isTrue();
    object("Service", "origin");
  }

  @Test
  void workloads_probeTheAdminPort_mountWhatTheirConfigNames_andOutlastTheDrain() throws Exception {
    Map<String, PodConfig> configs = configs();
    for (Map<String, Object> workload : objects()) {
      String kind = workload.get("kind").toString();
      if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
        continue;
      }
      String name = map(workload.get("metadata")).get("name").toString();
      Map<String, Object> podSpec = map(map(map(workload.get("spec")).get("template")).get("spec"));
      Map<String, Object> container = map(list(podSpec.get("containers")).get(0));
      List<Object> args = list(container.get("args"));
      assertThat(args).as(name).hasSize(3).startsWith("serve", "--config");
      String configFile = Path.of(args.get(2).toString()).getFileName().toString();
      assertThat(configs).as(name + " runs " + configFile).containsKey(configFile);
      PodConfig pod = configs.get(configFile);
      EdgeConfig config = pod.config();

      Map<String, Integer> ports = new LinkedHashMap<>();
      for (Object port : list(container.get("ports"))) {
        ports.put(map(port).get("name").toString(), (Integer) map(port).get("containerPort"));
      }
      assertThat(ports).as(name).containsEntry("http", config.server().port()).containsEntry("admin", config.server().adminPort());
      assertThat(map(map(container.get("readinessProbe")).get("httpGet"))).as(name).containsEntry("path", "/readyz").containsEntry("port", "admin");
      assertThat(map(map(container.get("livenessProbe")).get("httpGet"))).as(name).containsEntry("path", "/healthz").containsEntry("port", "admin");
      assertThat(map(map(container.get("resources")).get("limits"))).as(name + " memory limit, which sizes the JVM").containsKey("memory");

      List<Object> preStop = list(map(map(map(container.get("lifecycle")).get("preStop")).get("exec")).get("command"));
      Duration grace = Duration.ofSeconds((Integer) podSpec.get("terminationGracePeriodSeconds"));
      Duration preStopSleep = Duration.ofSeconds(Long.parseLong(preStop.get(1).toString()));
      assertThat(grace).as(name).isGreaterThan(preStopSleep.plus(config.server().drainTimeout()));

      Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
      for (Object volume : list(podSpec.get("volumes"))) {
        volumes.put(map(volume).get("name").toString(), map(volume));
      }
      List<String> claims = new ArrayList<>();
      for (Object template : list(map(workload.get("spec")).get("volumeClaimTemplates"))) {
        claims.add(map(map(template).get("metadata")).get("name").toString());
      }
      Map<String, String> mounts = new LinkedHashMap<>();
      for (Object mount : list(container.get("volumeMounts"))) {
        String volume = map(mount).get("name").toString();
        assertThat(volumes.containsKey(volume) || claims.contains(volume)).as(name + " mounts " + volume).isTrue();
        mounts.put(map(mount).get("mountPath").toString(), volume);
        Map<String, Object> spec = volumes.get(volume);
        if (spec != null && spec.containsKey("configMap")) {
          object("ConfigMap", map(spec.get("configMap")).get("name").toString());
        }
        if (spec != null && spec.containsKey("secret")) {
          Map<String, Object> secret = object("Secret", map(spec.get("secret")).get("secretName").toString());
          assertThat(map(secret.get("stringData"))).containsKey("keys.yaml");
        }
        if (spec != null && spec.containsKey("persistentVolumeClaim")) {
          object("PersistentVolumeClaim", map(spec.get("persistentVolumeClaim")).get("claimName").toString());
        }
      }
      assertThat(mounts).as(name).containsEntry(Path.of(args.get(2).toString()).getParent().toString(), "config");
      if (config.edgeCache().diskDir() != null) {
        assertThat(mounts).as(name + " disk tier").containsKey(config.edgeCache().diskDir().toString());
      }
      if (pod.libraryRoot() != null) {
        assertThat(mounts).as(name + " library").containsKey(pod.libraryRoot());
      }
      if (pod.keysFile() != null) {
        assertThat(mounts).as(name + " key file").containsKey(Path.of(pod.keysFile()).getParent().toString());
      }
    }
  }

  @Test
  void selectorsAndReferences_findTheirTargets() throws Exception {
    List<Map<String, Object>> objects = objects();
    List<Map<String, Object>> podLabels = new ArrayList<>();
    for (Map<String, Object> object : objects) {
      if (List.of("Deployment", "StatefulSet").contains(object.get("kind"))) {
        Map<String, Object> spec = map(object.get("spec"));
        Map<String, Object> labels = map(map(map(spec.get("template")).get("metadata")).get("labels"));
        assertThat(labels).as("selector of " + object.get("kind")).containsAllEntriesOf(map(map(spec.get("selector")).get("matchLabels")));
        podLabels.add(labels);
      }
    }
    for (Map<String, Object> object : objects) {
      Map<String, Object> spec = map(object.getOrDefault("spec", Map.of()));
      String what = object.get("kind") + "/" + map(object.get("metadata")).get("name");
      switch (object.get("kind").toString()) {
        case "Service" -> {
          Map<String, Object> selector = map(spec.get("selector"));
          assertThat(podLabels).as(what).anySatisfy(labels -> assertThat(labels).containsAllEntriesOf(selector));
        }
        case "PodDisruptionBudget" -> {
          Map<String, Object> selector = map(map(spec.get("selector")).get("matchLabels"));
          assertThat(podLabels).as(what).anySatisfy(labels -> assertThat(labels).containsAllEntriesOf(selector));
        }
        case "HorizontalPodAutoscaler" -> {
          Map<String, Object> target = map(spec.get("scaleTargetRef"));
          object(target.get("kind").toString(), target.get("name").toString());
        }
        case "ServiceMonitor" -> {
          Map<String, Object> selector = map(map(spec.get("selector")).get("matchLabels"));
          String port = map(list(spec.get("endpoints")).get(0)).get("port").toString();
          List<String> scraped = new ArrayList<>();
          for (Map<String, Object> service : objects) {
            if ("Service".equals(service.get("kind"))
                && map(map(service.get("metadata")).get("labels")).entrySet().containsAll(selector.entrySet())) {
              assertThat(list(map(service.get("spec")).get("ports"))).as("admin port of " + service.get("metadata"))
                  .anySatisfy(p -> assertThat(map(p)).containsEntry("name", port));
              scraped.add(map(service.get("metadata")).get("name").toString());
            }
          }
          // The job label is the Service name; the alerts and the dashboard expect these three.
          assertThat(scraped).containsExactlyInAnyOrder("origin", "shield", "edge");
        }
        default -> { }
      }
    }
  }

  @Test
  void kustomization_listsEveryManifestButTheSecret() throws Exception {
    Map<String, Object> kustomization = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(K8S.resolve("kustomization.yaml")));
    List<String> files;
    try (Stream<Path> list = Files.list(K8S)) {
      files = list.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
          .toList();
    }
    // The Secret's placeholder must never be re-applied over the real key, so it is created by hand.
    assertThat(files).contains("secret.yaml");
    assertThat(list(kustomization.get("resources")))
        .containsExactlyInAnyOrderElementsOf(files.stream().filter(f -> !f.equals("secret.yaml")).toList());
    assertThat(list(kustomization.get("resources")).get(0)).isEqualTo("namespace.yaml");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** A ConfigMap file loaded with the real loader, and the volume paths it names in the pod. */
  private record PodConfig(EdgeConfig config, String libraryRoot, String keysFile) {}

  /** The ConfigMap's files, loaded as in their pods, with temporary stand-ins for the volumes they name. */
  private Map<String, PodConfig> configs() throws Exception {
    Map<String, Object> data = map(object("ConfigMap", "origin-server-config").get("data"));
    Path keys = Files.writeString(dir.resolve("keys.yaml"), "keys:\n  - id: k1\n    hmac: \"" + "ab".repeat(32) + "\"\n");
    Map<String, PodConfig> configs = new LinkedHashMap<>();
    for (Map.Entry<String, Object> file : data.entrySet()) {
      String text = file.getValue().toString();
      String root = text.matches("(?s).*\\n\\s*root: /.*") ? text.replaceAll("(?s).*\\n\\s*root: (\\S+).*", "$1") : null;
      String keysFile = text.contains("keys-file:") ? text.replaceAll("(?s).*keys-file: (\\S+).*", "$1") : null;
      Map<String, String> overrides = new LinkedHashMap<>();
      if (root != null) {
        overrides.put("library.root", dir.toString());
      }
      if (keysFile != null) {
        overrides.put("tokens.keys-file", keys.toString());
      }
      Path yaml = Files.writeString(dir.resolve(file.getKey()), text);
      configs.put(file.getKey(), new PodConfig(ConfigLoader.load(yaml, Map.of(), overrides), root, keysFile));
    }
    return configs;
  }

  private static List<Map<String, Object>> objects() throws Exception {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
          if (document != null && !"Kustomization".equals(map(document).get("kind"))) {
            objects.add(map(document));
          }
        }
      }
    }
    return objects;
  }

  private static Map<String, Object> object(String kind, String name) throws Exception {
    for (Map<String, Object> object : objects()) {
      if (kind.equals(object.get("kind")) && name.equals(map(object.get("metadata")).get("name"))) {
        return object;
      }
    }
    throw new AssertionError("no " + kind + "/" + name + " in docker/k8s");
  }
}
