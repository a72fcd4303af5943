package media.edge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import media.edge.server.StartupException;
import media.edge.testing.Await;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier seen from outside: a restarted edge serves what it stored, and a damaged entry is refetched. */
class EdgeDiskTest {
  private static final URI DEAD = URI.create("http://127.0.0.1:1");
  @TempDir Path dir;
  private TestUpstream upstream;
  private final byte[] body = new byte[300_000];

  @BeforeEach
  void start() throws IOException {
    new Random(11).nextBytes(body);
    upstream = TestUpstream.start();
    upstream.on("/d/seg.ts", TestUpstream.ok(body, "Content-Type", "video/mp2t", "Cache-Control", "max-age=3600"));
  }

  @AfterEach
  void stop() throws IOException {
    upstream.close();
  }

  private EdgeNode edge(URI origin) throws StartupException {
    return EdgeNode.start(
        c -> c.withEdgeCache(c.edgeCache().withDisk(dir.resolve("cache"), 1L << 30)), origin);
  }

  @Test
  void get_afterRestart_isServedFromDiskWithoutTheUpstream() throws Exception {
    try (EdgeNode first = edge(upstream.uri())) {
      assertThat(RawHttp.get(first.port(), "/d/seg.ts").body()).isEqualTo(body);
    }

    try (EdgeNode restarted = edge(DEAD)) {
      RawHttp.Response response = RawHttp.get(restarted.port(), "/d/seg.ts");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(body);
      assertThat(restarted.metric("edge_cache_lookups_total{result=\"hit\",tier=\"disk\"}")).isEqualTo(1);
      // 300 KB is past cache.sendfile-min-bytes: the entry's head and descriptor stay in memory and the
      // body goes out from its file, so the second request is a disk hit that reads nothing.
      assertThat(RawHttp.get(restarted.port(), "/d/seg.ts").body()).isEqualTo(body);
      assertThat(restarted.metric("edge_cache_lookups_total{result=\"hit\",tier=\"disk\"}")).isEqualTo(2);
      assertThat(restarted.metric("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"}")).isZero();
      assertThat(restarted.metric("edge_cache_open_files")).isEqualTo(1);
    }
    assertThat(upstream.count("/d/seg.ts")).isEqualTo(1);
  }

  @Test
  void get_afterRestart_smallEntryIsPromotedIntoMemory() throws Exception {
    byte[] small = Arrays.copyOf(body, 50_000);
    upstream.on("/d/small.ts", TestUpstream.ok(small, "Content-Type", "video/mp2t", "Cache-Control", "max-age=3600"));
    try (EdgeNode first = edge(upstream.uri())) {
      assertThat(RawHttp.get(first.port(), "/d/small.ts").body()).isEqualTo(small);
    }

    try (EdgeNode restarted = edge(DEAD)) {
      assertThat(RawHttp.get(restarted.port(), "/d/small.ts").body()).isEqualTo(small);
      assertThat(restarted.metric("edge_cache_lookups_total{result=\"hit\",tier=\"disk\"}")).isEqualTo(1);
      // Below cache.sendfile-min-bytes the body is read into memory: the second request is a memory hit.
      assertThat(RawHttp.get(restarted.port(), "/d/small.ts").body()).isEqualTo(small);
      assertThat(restarted.metric("edge_cache_lookups_total{result=\"hit\",tier=\"memory\"}")).isEqualTo(1);
      assertThat(restarted.metric("edge_cache_open_files")).isZero();
    }
    assertThat(upstream.count("/d/small.ts")).isEqualTo(1);
  }

  @Test
  void get_damagedDiskEntry_isDiscardedCountedAndRefetched() throws Exception {
    try (EdgeNode first = edge(upstream.uri())) {
      RawHttp.get(first.port(), "/d/seg.ts");
    }
    List<Path> entries;
    try (Stream<Path> walk = Files.walk(dir.resolve("cache"))) {
      entries = walk.filter(Files::isRegularFile).filter(p -> p.toFile().length() > body.length).toList();
    }
    assertThat(entries).hasSize(1);
    byte[] stored = Files.readAllBytes(entries.get(0));
    stored[stored.length - 1000] ^= 0x5a;
    Files.write(entries.get(0), stored);

    try (EdgeNode restarted = edge(upstream.uri())) {
      RawHttp.Response response = RawHttp.get(restarted.port(), "/d/seg.ts");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(body);
      assertThat(restarted.metric("edge_cache_disk_errors_total{reason=\"corrupt\"}")).isEqualTo(1);
    }
    assertThat(upstream.count("/d/seg.ts")).isEqualTo(2);
  }

  /** Regression: a disk hit too large for the memory tier is served, not looked up again forever. */
  @Test
  void get_diskHitLargerThanTheMemoryTier_isServedOnce() throws Exception {
    try (EdgeNode edge =
        EdgeNode.start(
            c -> c.withEdgeCache(c.edgeCache().withDisk(dir.resolve("cache"), 1L << 30))
                .withCache(c.cache().withMemory(100_000, 1L << 20)),
            upstream.uri())) {
      assertThat(RawHttp.get(edge.port(), "/d/seg.ts").body()).isEqualTo(body);
      awaitDiskEntry(edge);

      RawHttp.Response fromDisk = RawHttp.get(edge.port(), "/d/seg.ts");

      assertThat(fromDisk.status()).isEqualTo(200);
      assertThat(fromDisk.body()).isEqualTo(body);
      assertThat(edge.metric("edge_cache_lookups_total{result=\"hit\",tier=\"disk\"}")).isEqualTo(1);
    }
    assertThat(upstream.count("/d/seg.ts")).isEqualTo(1);
  }

  private static void awaitDiskEntry(EdgeNode edge) {
    Await.metricAtLeast(edge, "edge_cache_entries{tier=\"disk\"}", 1);
  }

  @Test
  void start_diskDirIsAFile_failsNamingTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("cache"), "not a folder");

    assertThatThrownBy(() -> EdgeNode.start(c -> c.withEdgeCache(c.edgeCache().withDisk(file, 1L << 30)), DEAD))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("cache.disk-dir: ");
  }
}
