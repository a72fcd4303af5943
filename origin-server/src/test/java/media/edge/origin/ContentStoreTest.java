package media.edge.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import media.edge.config.ConfigLoader;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import media.edge.hls.CachePolicy;
import media.edge.http.Body;
import media.edge.http.SafePath;
import media.edge.memory.MemoryTier;
import media.edge.metrics.CacheResult;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content store's decisions, with file I/O run by hand so that concurrency is deterministic:
 * coalescing of misses, revalidation of stale entries, and the object-size limit.
 */
class ContentStoreTest {
  @TempDir Path root;

  private final TestClock clock = TestClock.atNow();
  private final ManualExecutor fileIo = new ManualExecutor();
  private MemoryTier memory;
  private ContentStore store;

  /** Runs queued tasks only when the test says so. */
  static final class ManualExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
        }
        if (next == null) {
          return;
        }
        next.run();
      }
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    memory = new MemoryTier(1 << 20, clock.ticker());
    CachePolicy policy = new CachePolicy(ConfigLoader.defaults().http().cacheControl(), Duration.ofSeconds(1));
    store = ContentStore.builder(Library.open(root), memory, policy, fileIo).maxObjectBytes(64 * 1024).build();
  }

  @AfterEach
  void tearDown() {
    fileIo.runAll();
    memory.close();
  }

  private static SafePath path(String p) {
    return SafePath.parse(p).path();
  }

  /** Loads a file into memory and drops this caller's reference to the body. */
  private void warm(String p) {
    CompletableFuture<Content> lookup = store.lookup(path(p));
    fileIo.runAll();
    text(lookup.join());
  }

  /** The body of a found file held in memory, as text. */
  static String text(Content content) {
    ByteBuf body = ((Body.InMemory) ((Content.Found) content).representation().body()).retainedBody();
    try {
      return body.toString(StandardCharsets.UTF_8);
    } finally {
      body.release();
    }
  }

  /** True when the file is answered from its bytes in memory, not sent from the file. */
  static boolean inMemory(Content content) {
    return ((Content.Found) content).representation().body() instanceof Body.InMemory;
  }

  /** True when the file is sent from the file (sendfile or chunks). */
  static boolean onDisk(Content content) {
    return ((Content.Found) content).representation().body() instanceof Body.InFile;
  }

  @Test
  void lookup_manyConcurrentMisses_readTheFileOnce() throws IOException {
    Files.writeString(root.resolve("seg.ts"), "segment bytes");
    List<CompletableFuture<Content>> lookups = new ArrayList<>();

    for (int i = 0; i < 200; i++) {
      lookups.add(store.lookup(path("/seg.ts")));
    }
    fileIo.runAll();

    assertThat(store.diskReads()).isEqualTo(1);
    for (CompletableFuture<Content> lookup : lookups) {
      assertThat(lookup).isDone();
      assertThat(text(lookup.join())).isEqualTo("segment bytes");
    }
  }

  @Test
  void memoryHit_whileFresh_needsNoFileIo() throws IOException {
    Files.writeString(root.resolve("seg.ts"), "v1");
    warm("/seg.ts");

    Content.Found hit = store.freshHit(path("/seg.ts"));

    assertThat(hit).isNotNull();
    assertThat(hit.tier()).isEqualTo(CacheResult.MEMORY);
    assertThat(text(hit)).isEqualTo("v1");
  }

  @Test
  void memoryHit_afterRevalidationInterval_isNotServedBlind() throws IOException {
    Files.writeString(root.resolve("seg.ts"), "v1");
    warm("/seg.ts");

    clock.advance(Duration.ofMillis(1001));

    assertThat(store.freshHit(path("/seg.ts"))).isNull();
  }

  @Test
  void lookup_staleButUnchanged_keepsEntryWithoutRereading() throws IOException {
    Files.writeString(root.resolve("seg.ts"), "v1");
    warm("/seg.ts");
    clock.advance(Duration.ofSeconds(5));

    CompletableFuture<Content> again = store.lookup(path("/seg.ts"));
    fileIo.runAll();

    assertThat(text(again.join())).isEqualTo("v1");
    assertThat(store.diskReads()).isEqualTo(1);
    assertThat(store.freshHit(path("/seg.ts"))).isNotNull().satisfies(h -> assertThat(text(h)).isEqualTo("v1"));
  }

  @Test
  void lookup_fileReplacedOnDisk_servesNewVersionAfterRevalidation() throws IOException {
    Path file = root.resolve("live.m3u8");
    Files.writeString(file, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n");
    warm("/live.m3u8");

    Files.writeString(file, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n#EXTINF:2,\nb.ts\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<Content> again = store.lookup(path("/live.m3u8"));
    fileIo.runAll();

    assertThat(text(again.join())).endsWith("b.ts\n");
    assertThat(store.diskReads()).isEqualTo(2);
  }

  @Test
  void lookup_livePlaylist_getsHalfTargetDurationAsMaxAge() throws IOException {
    Files.writeString(root.resolve("live.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n");

    CompletableFuture<Content> lookup = store.lookup(path("/live.m3u8"));
    fileIo.runAll();

    Content.Found content = (Content.Found) lookup.join();
    assertThat(content.representation().fields().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("public, max-age=3");
  }

  @Test
  void lookup_fileAboveObjectLimit_isStreamedFromDiskAndOnlyItsMetadataKept() throws IOException {
    Files.write(root.resolve("big.ts"), new byte[64 * 1024 + 1]);

    CompletableFuture<Content> lookup = store.lookup(path("/big.ts"));
    fileIo.runAll();

    assertThat(onDisk(lookup.join())).isTrue();
    assertThat(store.diskReads()).isZero();
    assertThat(memory.weightedBytes()).isLessThanOrEqualTo(1024);
    // The next request needs neither a stat nor a file I/O thread while the entry is fresh.
    assertThat(onDisk(store.freshHit(path("/big.ts")))).isTrue();
  }

  @Test
  void lookup_segmentAboveSendfileThreshold_isSentFromTheFile_playlistIsNot() throws IOException {
    CachePolicy policy = new CachePolicy(ConfigLoader.defaults().http().cacheControl(), Duration.ofSeconds(1));
    ContentStore sendfile =
        ContentStore.builder(Library.open(root), memory, policy, fileIo)
            .maxObjectBytes(1 << 20)
            .sendfileMinBytes(32 * 1024)
            .openFiles(16)
            .build();
    Files.write(root.resolve("seg.ts"), new byte[40_000]);
    Files.write(root.resolve("long.m3u8"), ("#EXTM3U\n" + "#EXTINF:2,\na.ts\n".repeat(3000)).getBytes(StandardCharsets.US_ASCII));

    CompletableFuture<Content> segment = sendfile.lookup(path("/seg.ts"));
    CompletableFuture<Content> playlist = sendfile.lookup(path("/long.m3u8"));
    fileIo.runAll();

    assertThat(onDisk(segment.join())).isTrue();
    assertThat(inMemory(playlist.join())).isTrue();
    assertThat(sendfile.diskReads()).isEqualTo(1);
  }

  @Test
  void lookup_missingFile_isRefusedAndNothingCached() {
    CompletableFuture<Content> lookup = store.lookup(path("/nope.ts"));
    fileIo.runAll();

    assertThat(lookup.join()).isEqualTo(new Content.Refused(Library.Status.NOT_FOUND));
    assertThat(memory.caffeine().synchronous().estimatedSize()).isZero();
  }

  @Test
  void memoryTier_overCapacity_evictsAndReleasesBodies() throws IOException {
    MemoryTier small = new MemoryTier(100_000, clock.ticker());
    CachePolicy policy = new CachePolicy(ConfigLoader.defaults().http().cacheControl(), Duration.ofSeconds(1));
    ContentStore tiny = ContentStore.builder(Library.open(root), small, policy, fileIo).maxObjectBytes(64 * 1024).build();
    try {
      for (int i = 0; i < 20; i++) {
        Files.write(root.resolve("s" + i + ".ts"), new byte[30_000]);
        CompletableFuture<Content> lookup = tiny.lookup(path("/s" + i + ".ts"));
        fileIo.runAll();
        assertThat(lookup.join()).isInstanceOf(Content.Found.class);
      }
      small.caffeine().synchronous().cleanUp();

      assertThat(small.weightedBytes()).isLessThanOrEqualTo(100_000);
      assertThat(small.caffeine().synchronous().estimatedSize()).isLessThan(20);
    } finally {
      small.close();
    }
  }

  @Test
  void lookup_ioPoolRejects_failsTheLookup() {
    ContentStore rejecting =
        ContentStore.builder(
                libraryOrThrow(),
                memory,
                new CachePolicy(ConfigLoader.defaults().http().cacheControl(), Duration.ofSeconds(1)),
                task -> {
                  throw new java.util.concurrent.RejectedExecutionException("full");
                })
            .maxObjectBytes(1024)
            .build();

    assertThat(rejecting.lookup(path("/x.ts"))).isCompletedExceptionally();
  }

  private Library libraryOrThrow() {
    try {
      return Library.open(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
