package media.edge.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.handler.stream.ChunkedInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.FileChannel;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import media.edge.config.ConfigLoader;
import media.edge.hls.CachePolicy;
import media.edge.http.Body;
import media.edge.http.FileSource;
import media.edge.http.SafePath;
import media.edge.memory.MemoryTier;
import media.edge.origin.ContentStoreTest.ManualExecutor;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The descriptors that memory entries of sendfile files keep open ({@code cache.open-files}): kept
 * across requests, bounded, closed on eviction only once in-flight regions are done, and never
 * pairing one version's metadata with another version's bytes.
 */
class OpenFilesTest {
  private static final int SENDFILE_MIN = 32 * 1024;

  @TempDir Path root;

  private final TestClock clock = TestClock.atNow();
  private final ManualExecutor fileIo = new ManualExecutor();
  private MemoryTier memory;

  @BeforeEach
  void setUp() {
    memory = new MemoryTier(1 << 20, clock.ticker());
  }

  @AfterEach
  void tearDown() {
    fileIo.runAll();
    memory.close();
  }

  private ContentStore store(int openFilesMax) throws IOException {
    CachePolicy policy = new CachePolicy(ConfigLoader.defaults().http().cacheControl(), Duration.ofSeconds(1));
    return ContentStore.builder(Library.open(root), memory, policy, fileIo)
        .maxObjectBytes(1 << 20)
        .sendfileMinBytes(SENDFILE_MIN)
        .openFiles(openFilesMax)
        .build();
  }

  /** A file found in the library, sent from the file: its source, and its length as its answer says. */
  private record OnDisk(FileSource source, long length) {
    static OnDisk of(Content content) {
      var representation = ((Content.Found) content).representation();
      return new OnDisk(((Body.InFile) representation.body()).source(), representation.length());
    }
  }

  private OnDisk lookup(ContentStore store, String path) {
    CompletableFuture<Content> found = store.lookup(SafePath.parse(path).path());
    fileIo.runAll();
    return OnDisk.of(found.join());
  }

  private static byte[] segment(int size, int seed) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) seed);
    bytes[0] = 0x47;
    return bytes;
  }

  /** Everything a region would send, read through its own transferTo. */
  private static byte[] drain(FileRegion region) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (WritableByteChannel sink = Channels.newChannel(out)) {
      while (region.transferred() < region.count()) {
        region.transferTo(sink, region.transferred());
      }
    } finally {
      region.release();
    }
    return out.toByteArray();
  }

  @Test
  void region_repeatedRequests_shareOneKeptDescriptor() throws IOException {
    byte[] bytes = segment(40_000, 1);
    Files.write(root.resolve("seg.ts"), bytes);
    ContentStore store = store(16);

    OnDisk first = lookup(store, "/seg.ts");
    FileRegion a = first.source().region(0, bytes.length);
    FileRegion b = OnDisk.of(store.freshHit(SafePath.parse("/seg.ts").path())).source().region(100, 1000);

    assertThat(store.openFiles()).isEqualTo(1);
    assertThat(drain(a)).isEqualTo(bytes);
    assertThat(drain(b)).isEqualTo(Arrays.copyOfRange(bytes, 100, 1100));
    assertThat(store.openFiles()).isEqualTo(1);
  }

  @Test
  void chunks_forTls_shareTheKeptDescriptorAndReleaseItOnClose() throws Exception {
    byte[] bytes = segment(200_000, 7);
    Files.write(root.resolve("seg.ts"), bytes);
    ContentStore store = store(16);
    OnDisk found = lookup(store, "/seg.ts");

    ChunkedInput<ByteBuf> chunks = found.source().chunks(1000, 150_000, 64 * 1024);
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    while (!chunks.isEndOfInput()) {
      ByteBuf chunk = chunks.readChunk(PooledByteBufAllocator.DEFAULT);
      try {
        read.write(ByteBufUtil.getBytes(chunk));
      } finally {
        chunk.release();
      }
    }
    memory.caffeine().synchronous().invalidateAll();
    memory.caffeine().synchronous().cleanUp();
    assertThat(store.openFiles()).as("the chunks still hold the descriptor").isEqualTo(1);
    chunks.close();

    assertThat(read.toByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 151_000));
    assertThat(store.openFiles()).isZero();
  }

  /**
   * Regression (CI, LowLatencyOriginTest): a live playlist evicted by the watch between its decision and
   * its send went out from the path, whose new, shorter version was cut off under the old Content-Length.
   * A per-request source now refuses a file that is no longer the size it was looked up with.
   */
  @Test
  void perRequest_fileReplacedByAnotherVersion_refusedRatherThanSentUnderTheOldHead() throws Exception {
    Path file = root.resolve("media.m3u8");
    Files.write(file, segment(1356, 3));
    FileSource source = FileSource.perRequest(file, 1356);
    Path next = root.resolve("media.m3u8.tmp");
    Files.write(next, segment(1320, 4));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.region(0, 1356))
        .isInstanceOf(FileSource.ChangedException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.chunks(0, 1356, 8192))
        .isInstanceOf(FileSource.ChangedException.class);
    FileRegion same = FileSource.perRequest(file, 1320).region(0, 1320);
    assertThat(same.count()).isEqualTo(1320);
    same.release();
  }

  /**
   * Regression (TLS review): a file that shrank after the answer was planned made Netty's
   * ChunkedNioFile return empty chunks for ever, and ChunkedWriteHandler spin on the event loop.
   */
  @Test
  void chunks_fileShrankAfterPlanning_failTheReadInsteadOfReturningEmptyChunks() throws Exception {
    Path file = root.resolve("seg.ts");
    Files.write(file, segment(300_000, 8));
    ContentStore kept = store(16);
    OnDisk found = lookup(kept, "/seg.ts");
    ChunkedInput<ByteBuf> shared = found.source().chunks(0, 300_000, 64 * 1024);
    ChunkedInput<ByteBuf> perRequest = FileSource.perRequest(file).chunks(0, 300_000, 64 * 1024);
    try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
      truncate.truncate(100_000);
    }

    for (ChunkedInput<ByteBuf> chunks : List.of(shared, perRequest)) {
      long read = 0;
      IOException failure = null;
      for (int i = 0; i < 10 && failure == null; i++) {
        try {
          ByteBuf chunk = chunks.readChunk(PooledByteBufAllocator.DEFAULT);
          read += chunk.readableBytes();
          chunk.release();
        } catch (IOException e) {
          failure = e;
        }
      }
      chunks.close();
      assertThat(read).isEqualTo(100_000);
      assertThat(failure).as("the read past the new end fails").isNotNull().hasMessageContaining("file ended at byte 100000");
    }
  }

  @Test
  void region_budgetSpent_opensPerRequestAndStillServesTheBytes() throws IOException {
    byte[] one = segment(40_000, 1);
    byte[] two = segment(50_000, 2);
    Files.write(root.resolve("one.ts"), one);
    Files.write(root.resolve("two.ts"), two);
    ContentStore store = store(1);

    FileRegion a = lookup(store, "/one.ts").source().region(0, one.length);
    FileRegion b = lookup(store, "/two.ts").source().region(0, two.length);

    assertThat(store.openFiles()).isEqualTo(1);
    assertThat(drain(a)).isEqualTo(one);
    assertThat(drain(b)).isEqualTo(two);
  }

  @Test
  void region_zeroBudget_keepsNothingOpen() throws IOException {
    byte[] bytes = segment(40_000, 3);
    Files.write(root.resolve("seg.ts"), bytes);
    ContentStore store = store(0);

    FileRegion region = lookup(store, "/seg.ts").source().region(0, bytes.length);

    assertThat(store.openFiles()).isZero();
    assertThat(drain(region)).isEqualTo(bytes);
  }

  @Test
  void eviction_whileARegionIsInFlight_closesTheDescriptorOnlyAfterIt() throws IOException {
    byte[] bytes = segment(40_000, 4);
    Files.write(root.resolve("seg.ts"), bytes);
    ContentStore store = store(16);
    FileRegion inFlight = lookup(store, "/seg.ts").source().region(0, bytes.length);

    memory.caffeine().synchronous().invalidateAll();
    memory.caffeine().synchronous().cleanUp();

    assertThat(store.openFiles()).isEqualTo(1);
    assertThat(drain(inFlight)).isEqualTo(bytes);
    assertThat(store.openFiles()).isZero();
  }

  @Test
  void fileReplacedByRename_oldDescriptorServesOldBytesUntilRevalidation_thenTheNewFile() throws IOException {
    byte[] v1 = segment(40_000, 5);
    byte[] v2 = segment(45_000, 6);
    Path file = root.resolve("seg.ts");
    Files.write(file, v1);
    ContentStore store = store(16);
    OnDisk old = lookup(store, "/seg.ts");
    drain(old.source().region(0, 1)); // opens and keeps the descriptor

    Path next = root.resolve("seg.ts.tmp");
    Files.write(next, v2);
    Files.setLastModifiedTime(next, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    // Within the revalidation interval the entry, metadata and bytes, is still version 1.
    OnDisk cached = OnDisk.of(store.freshHit(SafePath.parse("/seg.ts").path()));
    assertThat(cached.length()).isEqualTo(v1.length);
    assertThat(drain(cached.source().region(0, v1.length))).isEqualTo(v1);

    clock.advance(Duration.ofMinutes(2));
    OnDisk fresh = lookup(store, "/seg.ts");
    memory.caffeine().synchronous().cleanUp();

    assertThat(fresh.length()).isEqualTo(v2.length);
    assertThat(drain(fresh.source().region(0, v2.length))).isEqualTo(v2);
    assertThat(store.openFiles()).isEqualTo(1);
  }
}
