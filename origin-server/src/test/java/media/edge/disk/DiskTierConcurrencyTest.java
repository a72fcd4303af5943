package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real threads on both sides: callers writing, reading, removing and banning at once, file work on
 * a pool. Whatever the interleaving, a reader sees a whole entry or none, and once quiet the index
 * agrees with the folder byte for byte.
 */
class DiskTierConcurrencyTest {
  @TempDir Path dir;

  private final ExecutorService io = Executors.newFixedThreadPool(4);
  private final ExecutorService callers = Executors.newFixedThreadPool(6);

  @AfterEach
  void shutDown() {
    io.shutdownNow();
    callers.shutdownNow();
  }

  /** Version {@code v}: {@code 1000 + 37 * v} bytes all equal to {@code v}, head {@code "v=<v>"}. */
  private static ByteBuf version(int v) {
    byte[] bytes = new byte[1000 + 37 * v];
    Arrays.fill(bytes, (byte) v);
    return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  @Test
  void readersOfAKeyBeingRewritten_seeWholeEntriesOnly() throws Exception {
    DiskFixture f = new DiskFixture(dir);
    f.io = io;
    DiskTier tier = f.open();
    String key = "/live/stream/index.m3u8";
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Integer>> work = new ArrayList<>();
    for (int writer = 0; writer < 3; writer++) {
      int first = writer * 40;
      work.add(CompletableFuture.supplyAsync(() -> {
        await(start);
        for (int v = first; v < first + 40; v++) {
          tier.write(key, ("v=" + v).getBytes(StandardCharsets.US_ASCII), version(v));
        }
        return 0;
      }, callers));
    }
    for (int reader = 0; reader < 3; reader++) {
      work.add(CompletableFuture.supplyAsync(() -> {
        await(start);
        int whole = 0;
        for (int i = 0; i < 300; i++) {
          DiskEntry entry = tier.read(key).join();
          if (entry != null) {
            try {
              assertWhole(entry);
              whole++;
            } finally {
              entry.body().release();
            }
          }
        }
        return whole;
      }, callers));
    }
    start.countDown();
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
    tier.close();

    assertThat(f.errors("corrupt")).isZero();
    assertThat(f.errors("read")).isZero();
    assertIndexMatchesFolder(f);
  }

  @Test
  void mixedOperationsOverCapacity_leaveTheIndexMatchingTheFolder() throws Exception {
    DiskFixture f = new DiskFixture(dir);
    f.io = io;
    f.capacityBytes = 64 * 1024;
    DiskTier tier = f.open();
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> work = new ArrayList<>();
    for (int caller = 0; caller < 6; caller++) {
      int seed = caller;
      work.add(CompletableFuture.runAsync(() -> {
        await(start);
        for (int i = 0; i < 400; i++) {
          String key = "/vod/" + ((i * 7 + seed) % 97) + ".ts";
          switch ((i + seed) % 5) {
            case 0, 1 -> tier.write(key, new byte[] {(byte) i}, version(i % 50));
            case 2 -> tier.remove(key);
            case 3 -> {
              if (i % 50 == 0) {
                tier.ban("/vod/1");
              }
            }
            default -> {
              DiskEntry entry = tier.read(key).join();
              if (entry != null) {
                assertThat(entry.body().readableBytes()).isGreaterThanOrEqualTo(1000);
                entry.body().release();
              }
            }
          }
        }
      }, callers));
    }
    start.countDown();
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
    tier.close();

    assertThat(f.errors("corrupt")).isZero();
    assertThat(tier.bytes()).isLessThanOrEqualTo(f.capacityBytes);
    assertIndexMatchesFolder(f);
  }

  private static void assertWhole(DiskEntry entry) {
    int v = Integer.parseInt(new String(entry.head(), StandardCharsets.US_ASCII).substring(2));
    ByteBuf body = entry.body();
    assertThat(body.readableBytes()).isEqualTo(1000 + 37 * v);
    for (int i = body.readerIndex(); i < body.writerIndex(); i++) {
      if (body.getByte(i) != (byte) v) {
        throw new AssertionError("byte " + i + " of version " + v + " is " + body.getByte(i));
      }
    }
  }

  /** After close: a fresh index of the folder has the same entries and bytes, and no temp file is left. */
  private static void assertIndexMatchesFolder(DiskFixture f) throws IOException {
    long bytes = 0;
    long files = 0;
    try (Stream<Path> walk = Files.walk(f.dir)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        if (file.getFileName().toString().equals(BanList.FILE_NAME)) {
          continue;
        }
        assertThat(AtomicFiles.isTemp(file.getFileName().toString())).as("temp file left: %s", file).isFalse();
        bytes += Files.size(file);
        files++;
      }
    }
    DiskFixture again = new DiskFixture(f.dir);
    again.capacityBytes = f.capacityBytes;
    try (DiskTier reopened = again.open()) {
      assertThat(reopened.entries()).isEqualTo(files);
      assertThat(reopened.bytes()).isEqualTo(bytes);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
