package media.edge.ops;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.server.DemoLibrary;
import media.edge.server.EdgeServer;
import media.edge.testing.RawHttp;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;

/**
 * The topology of {@code docker/compose.yaml} in this JVM: an origin on a library holding the demo
 * title, one shield, two edges whose parent is the shield, each started from its role's file in
 * {@code docker/config/} with the real {@link ConfigLoader}. Only what a container would get from
 * its surroundings is overridden: loopback addresses and ephemeral ports instead of service names,
 * temporary folders instead of volumes, a key file like the one the compose {@code keys} service
 * writes, and a smaller memory tier (the entrypoint would size it from the container's limit).
 */
final class Topology implements AutoCloseable {
  static final String DEMO_ACL = "/demo/*";

  final Path library;
  final String keyHex;
  final EdgeServer origin;
  final EdgeServer shield;
  final List<EdgeServer> edges = new ArrayList<>();
  private final List<EdgeServer> all = new ArrayList<>();

  private Topology(Path dir) throws Exception {
    library = Files.createDirectories(dir.resolve("library"));
    DemoLibrary.copyTo(library.resolve("demo"));
    keyHex = TokenKeyGenerator.hmacHex(new SecureRandom());
    Path keys = Files.createDirectories(dir.resolve("keys")).resolve("keys.yaml");
    Files.writeString(keys, "keys:\n  - id: k1\n    hmac: \"" + keyHex + "\"\n");
    try {
      origin = start("origin.yaml", Map.of("library.root", library.toString()));
      shield = start("shield.yaml", Map.of(
          "upstream.urls", url(origin),
          "upstream.node-name", "shield",
          "cache.disk-dir", dir.resolve("shield-cache").toString()));
      for (int i = 1; i <= 2; i++) {
        edges.add(start("edge.yaml", Map.of(
            "upstream.parents", url(shield),
            "upstream.urls", url(origin),
            "upstream.node-name", "edge-" + i,
            "cache.disk-dir", dir.resolve("edge-" + i + "-cache").toString(),
            "tokens.keys-file", keys.toString())));
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Starts the four nodes under {@code dir}. */
  static Topology start(Path dir) throws Exception {
    return new Topology(dir);
  }

  /** Loads {@code docker/config/<file>} as the container would, plus the local overrides. */
  static EdgeConfig load(String file, Map<String, String> overrides) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("server.bind", "127.0.0.1");
    flags.put("server.port", "0");
    flags.put("server.admin-port", "0");
    flags.put("cache.memory-bytes", "64MiB");
    flags.put("log.access", "false");
    flags.putAll(overrides);
    return ConfigLoader.load(Repo.path("docker/config/" + file), Map.of(), flags);
  }

  private EdgeServer start(String file, Map<String, String> overrides) throws Exception {
    EdgeServer server = EdgeServer.start(load(file, overrides));
    all.add(server);
    return server;
  }

  private static String url(EdgeServer server) {
    return "http://127.0.0.1:" + server.port();
  }

  /** A query token for the demo folder, signed with the edges' key, valid one hour. */
  String token() {
    return EdgeAuthSigner.builder()
        .keyHex(keyHex)
        .build()
        .sign(TokenClaims.acl(DEMO_ACL).expires(Instant.now().plus(1, ChronoUnit.HOURS)).build());
  }

  /** {@code path} with the demo token in its query. */
  String signed(String path) {
    return TokenQuery.url(path, "hdnts", token());
  }

  /** Sum of the samples of {@code family} on {@code server}'s /metrics whose labels contain every {@code labels}. */
  static double sum(EdgeServer server, String family, String... labels) throws IOException {
    double total = 0;
    for (String line : RawHttp.get(server.adminPort(), "/metrics").text().split("\n")) {
      if (!line.startsWith(family + "{") && !line.startsWith(family + " ")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      boolean match = true;
      for (String label : labels) {
        match &= series.contains(label);
      }
      if (match) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return total;
  }

  List<EdgeServer> all() {
    return List.copyOf(all);
  }

  URI uri(EdgeServer server) {
    return URI.create(url(server));
  }

  @Override
  public void close() {
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).close();
    }
  }
}
