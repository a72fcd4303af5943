package media.edge.disk;

import static media.edge.disk.DiskFixture.body;
import static media.edge.disk.DiskFixture.head;
import static media.edge.disk.DiskFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import media.edge.testing.Await;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tier's contract on a healthy disk: round trips, restarts, purges, refusals and the backlog. */
class DiskTierTest {
  @TempDir Path dir;

  private DiskFixture fixture() {
    return new DiskFixture(dir);
  }

  @Test
  void write_thenRead_returnsKeyHeadBodyAndTime() throws IOException {
    DiskFixture f = fixture();
    try (DiskTier tier = f.open()) {
      tier.write("/vod/movie/720p/seg_00001.ts", head("content-type: video/mp2t"), body("payload"));

      DiskEntry entry = tier.read("/vod/movie/720p/seg_00001.ts").join();
      try {
        assertThat(entry.key()).isEqualTo("/vod/movie/720p/seg_00001.ts");
        assertThat(new String(entry.head(), StandardCharsets.UTF_8)).isEqualTo("content-type: video/mp2t");
        assertThat(entry.body().toString(StandardCharsets.UTF_8)).isEqualTo("payload");
        assertThat(entry.body().isDirect()).isTrue();
        assertThat(entry.storedAtMillis()).isEqualTo(DiskFixture.START_MILLIS);
      } finally {
        entry.body().release();
      }
      assertThat(tier.contains("/vod/movie/720p/seg_00001.ts")).isTrue();
      assertThat(tier.entries()).isEqualTo(1);
      assertThat(tier.bytes()).isEqualTo(Files.size(f.fileOf("/vod/movie/720p/seg_00001.ts")));
    }
  }

  @Test
  void write_placesFileInTwoLevelsOfShardFoldersNamedAfterTheHash() throws IOException {
    DiskFixture f = fixture();
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("x"));
    }
    String hex = KeyHash.of("/a").hex();
    assertThat(dir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex)).isRegularFile();
  }

  @Test
  void write_sameKeyTwice_keepsTheLatestAndCountsItOnce() throws IOException {
    try (DiskTier tier = fixture().open()) {
      tier.write("/a", head(""), body("first"));
      tier.write("/a", head(""), body("second, longer"));

      assertThat(text(tier, "/a")).isEqualTo("second, longer");
      assertThat(tier.entries()).isEqualTo(1);
      assertThat(tier.bytes()).isEqualTo(EntryFormat.fileSize(2, 0, "second, longer".length()));
    }
  }

  @Test
  void read_unknownKey_completesWithNullAtOnce() throws IOException {
    try (DiskTier tier = fixture().open()) {
      CompletableFuture<DiskEntry> read = tier.read("/missing");

      assertThat(read).isCompletedWithValue(null);
      assertThat(tier.contains("/missing")).isFalse();
    }
  }

  @Test
  void open_afterClose_servesAndCountsWhatWasStored() throws IOException {
    DiskFixture f = fixture();
    long bytes;
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 20; i++) {
        tier.write("/live/seg_" + i + ".ts", head("h" + i), body("body " + i));
      }
      bytes = tier.bytes();
    }

    try (DiskTier tier = f.open()) {
      assertThat(tier.entries()).isEqualTo(20);
      assertThat(tier.bytes()).isEqualTo(bytes);
      assertThat(tier.contains("/live/seg_7.ts")).isTrue();
      assertThat(text(tier, "/live/seg_7.ts")).isEqualTo("body 7");
    }
  }

  @Test
  void open_onAPool_indexesEveryShardInParallel() throws IOException {
    DiskFixture f = fixture();
    long bytes;
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 500; i++) {
        tier.write("/vod/seg_" + i + ".ts", head(""), body("body " + i));
      }
      bytes = tier.bytes();
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      f.io = pool;
      try (DiskTier tier = f.open()) {
        assertThat(tier.entries()).isEqualTo(500);
        assertThat(tier.bytes()).isEqualTo(bytes);
        assertThat(text(tier, "/vod/seg_499.ts")).isEqualTo("body 499");
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void close_waitsForWritesInFlight() throws Exception {
    DiskFixture f = fixture();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      f.io = pool;
      DiskTier tier = f.open();
      CompletableFuture<Void> blocker = new CompletableFuture<>();
      pool.execute(blocker::join);
      tier.write("/a", head(""), body("x"));
      Thread closer = new Thread(tier::close, "closer");
      closer.start();
      // Then close() is waiting for the write queued behind the blocker.
      Await.until("close() to wait for the write in flight", () -> closer.getState() == Thread.State.TIMED_WAITING);
      assertThat(f.fileOf("/a")).doesNotExist();

      blocker.complete(null);
      closer.join();

      assertThat(f.fileOf("/a")).isRegularFile();
      assertThat(tier.read("/a")).isCompletedWithValue(null); // closed
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void write_afterClose_releasesTheBody() throws IOException {
    DiskTier tier = fixture().open();
    tier.close();
    ByteBuf body = body("late");

    tier.write("/a", head(""), body);

    assertThat(body.refCnt()).isZero();
    assertThat(tier.contains("/a")).isFalse();
  }

  @Test
  void remove_deletesTheEntryAndItsFile() throws IOException {
    DiskFixture f = fixture();
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("x"));
      tier.write("/b", head(""), body("y"));

      tier.remove("/a");

      assertThat(tier.contains("/a")).isFalse();
      assertThat(text(tier, "/a")).isNull();
      assertThat(f.fileOf("/a")).doesNotExist();
      assertThat(text(tier, "/b")).isEqualTo("y");
      assertThat(tier.entries()).isEqualTo(1);
      assertThat(tier.bytes()).isEqualTo(EntryFormat.fileSize(2, 0, 1));
    }
  }

  @Test
  void remove_whileAWriteOfTheKeyIsInFlight_dropsThatWrite() throws IOException {
    DiskFixture f = fixture();
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("stale"));
      tier.remove("/a");
      io.runAll();

      assertThat(tier.contains("/a")).isFalse();
      assertThat(f.fileOf("/a")).doesNotExist();
    }
  }

  @Test
  void remove_thenWriteAgain_keepsTheNewerWrite() throws IOException {
    DiskFixture f = fixture();
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("stale"));
      tier.remove("/a");
      tier.write("/a", head(""), body("fresh"));
      io.runAll();

      CompletableFuture<DiskEntry> read = tier.read("/a");
      io.runAll();
      DiskEntry entry = read.join();
      try {
        assertThat(entry.body().toString(StandardCharsets.UTF_8)).isEqualTo("fresh");
      } finally {
        entry.body().release();
      }
    }
  }

  @Test
  void write_bodyLargerThanCapacity_isRefusedAndReleased() throws IOException {
    DiskFixture f = fixture();
    f.capacityBytes = 1024;
    try (DiskTier tier = f.open()) {
      ByteBuf body = body("x".repeat(2048));

      tier.write("/big", head(""), body);

      assertThat(body.refCnt()).isZero();
      assertThat(tier.contains("/big")).isFalse();
      assertThat(tier.bytes()).isZero();
    }
  }

  @Test
  void write_executorRejects_dropsCountsAndReleases() throws IOException {
    DiskFixture f = fixture();
    f.io = task -> {
      throw new RejectedExecutionException("full");
    };
    try (DiskTier tier = f.open()) {
      ByteBuf body = body("x");

      tier.write("/a", head(""), body);

      assertThat(body.refCnt()).isZero();
      assertThat(f.errors("dropped")).isEqualTo(1);
      assertThat(tier.contains("/a")).isFalse();
    }
  }

  @Test
  void read_executorRejects_completesWithNull() throws IOException {
    DiskFixture f = fixture();
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("x"));
    }
    f.io = task -> {
      throw new RejectedExecutionException("full");
    };
    try (DiskTier tier = f.open()) {
      assertThat(tier.read("/a")).isCompletedWithValue(null);
    }
  }

  @Test
  void write_backlogFull_dropsCountsAndReleases() throws IOException {
    DiskFixture f = fixture();
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open(b -> b.maxPendingBytes(300))) {
      tier.write("/a", head(""), body("a".repeat(200)));
      ByteBuf second = body("b".repeat(200));

      tier.write("/b", head(""), second);

      assertThat(second.refCnt()).isZero();
      assertThat(f.errors("dropped")).isEqualTo(1);
      io.runAll();
      assertThat(tier.contains("/a")).isTrue();
      assertThat(tier.contains("/b")).isFalse();

      tier.write("/b", head(""), body("b".repeat(200)));
      io.runAll();
      assertThat(tier.contains("/b")).isTrue();
    }
  }

  @Test
  void write_keyOrHeadTooLong_isRefusedAndReleased() throws IOException {
    try (DiskTier tier = fixture().open()) {
      ByteBuf first = body("x");
      ByteBuf second = body("y");

      tier.write("/" + "k".repeat(EntryFormat.MAX_KEY_BYTES), head(""), first);
      tier.write("/a", new byte[EntryFormat.MAX_HEAD_BYTES + 1], second);

      assertThat(first.refCnt()).isZero();
      assertThat(second.refCnt()).isZero();
      assertThat(tier.entries()).isZero();
    }
  }

  @Test
  void read_callerGaveUpFirst_releasesTheBody() throws IOException {
    DiskFixture f = fixture();
    ManualExecutor io = new ManualExecutor();
    f.io = io;
    try (DiskTier tier = f.open()) {
      tier.write("/a", head(""), body("x"));
      io.runAll();
      CompletableFuture<DiskEntry> read = tier.read("/a");

      read.complete(null); // as orTimeout or a cancelled request would
      io.runAll();

      assertThat(read).isCompletedWithValue(null); // and the leak detector sees no leak
    }
  }

  @Test
  void open_registersEveryErrorReasonAtZero_exportedAsEdgeCacheDiskErrorsTotal() throws IOException {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (DiskTier tier = DiskTier.open(dir, 1 << 20, Runnable::run, ByteBufAllocator.DEFAULT,
        prometheus, TestClock.at(Instant.ofEpochMilli(DiskFixture.START_MILLIS)))) {
      String scrape = prometheus.scrape();

      for (String reason : new String[] {"corrupt", "read", "write", "full", "dropped"}) {
        assertThat(scrape).contains("edge_cache_disk_errors_total{reason=\"" + reason + "\"} 0");
      }
      assertThat(prometheus.getMeters()).hasSize(5); // bytes and entries gauges are the caller's
      assertThat(tier.entries()).isZero();
    }
  }

  @Test
  void builder_invalidSettings_failFastNamingTheSetting() {
    DiskFixture f = fixture();
    assertThatThrownBy(() -> DiskTier.builder(dir, 0, Runnable::run, f.registry))
        .hasMessage("capacityBytes: 0 (expected: > 0)");
    assertThatThrownBy(
            () -> DiskTier.builder(dir, 1, Runnable::run, f.registry).banHorizon(Duration.ZERO))
        .hasMessage("banHorizon: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> DiskTier.builder(dir, 1, Runnable::run, f.registry).maxBans(0))
        .hasMessage("maxBans: 0 (expected: >= 1)");
  }

  @Test
  void folder_holdsOnlyEntryFilesAfterWrites() throws IOException {
    DiskFixture f = fixture();
    try (DiskTier tier = f.open()) {
      for (int i = 0; i < 50; i++) {
        tier.write("/k" + i, head(""), body("v" + i));
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .hasSize(50)
          .allMatch(name -> KeyHash.parse(name) != null);
    }
  }
}
