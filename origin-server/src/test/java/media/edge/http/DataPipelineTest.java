package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import media.edge.origin.ContentStore;
import media.edge.memory.MemoryTier;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.origin.Library;
import media.edge.origin.OriginResponder;
import media.edge.metrics.EdgeMetrics;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real data pipeline on an {@link EmbeddedChannel}, file I/O run inline: what goes out for a
 * request, byte for byte, and that every buffer (cached bodies included) is released afterwards.
 */
class DataPipelineTest {
  @TempDir Path root;
  private MemoryTier memory;
  private EdgeMetrics metrics;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(root.resolve("a.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\ns.ts\n#EXT-X-ENDLIST\n");
    Files.write(root.resolve("s.ts"), new byte[1000]);
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config =
        defaults
            .withLibrary(ConfigLoader.defaults().library().withRoot(root))
            .withLog(defaults.log().withAccess(false, null))
            .withTokens(defaults.tokens().withRequired(false));
    memory = new MemoryTier(1 << 20, TestClock.atNow().ticker());
    metrics = EdgeMetrics.create();
    CachePolicy policy = new CachePolicy(config.http().cacheControl(), Duration.ofSeconds(1));
    ContentStore store =
        ContentStore.builder(Library.open(root), memory, policy, Runnable::run)
            .maxObjectBytes(1 << 20)
            .gzipPlaylists(true)
            .build();
    channel = new EmbeddedChannel(
        DataChannelInitializer.builder(config, new OriginResponder(store, Responder.NOT_FOUND))
            .metrics(metrics)
            .connections(new ConnectionTracker())
            .cachePolicy(policy)
            .build());
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
    memory.close();
    metrics.close();
  }

  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    channel.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) message;
      try {
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
      } finally {
        buf.release();
      }
    }
    return out.toString();
  }

  @Test
  void get_memoryMissThenHit_sameBytesBothTimes() {
    String miss = exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");
    String hit = exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(miss).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\n" + "\0".repeat(1000));
    assertThat(hit.substring(hit.indexOf("\r\n\r\n"))).isEqualTo(miss.substring(miss.indexOf("\r\n\r\n")));
    assertThat(memory.weightedBytes()).isEqualTo(1000);
  }

  @Test
  void head_memoryHit_sendsNoBodyAndReleasesIt() {
    exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");

    String head = exchange("HEAD /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(head).startsWith("HTTP/1.1 200 OK").contains("content-length: 1000").endsWith("\r\n\r\n");
  }

  @Test
  void get_rangeOfCachedFile_sendsSlice() {
    exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");

    String range = exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\nRange: bytes=10-19\r\n\r\n");

    assertThat(range).startsWith("HTTP/1.1 206 Partial Content").contains("content-range: bytes 10-19/1000")
        .endsWith("\r\n\r\n" + "\0".repeat(10));
  }

  @Test
  void get_playlistWithGzip_isCompressedAndTheCachedCopyStaysPlain() {
    String gzip = exchange("GET /a.m3u8 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
    String plain = exchange("GET /a.m3u8 HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(gzip).contains("content-encoding: gzip");
    assertThat(plain).doesNotContain("content-encoding").endsWith("#EXT-X-ENDLIST\n");
  }

  @Test
  void get_notModified_releasesTheBody() {
    String first = exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\n\r\n");
    String etag = first.replaceAll("(?s).*etag: (\"[^\"]+\").*", "$1");

    String second = exchange("GET /s.ts HTTP/1.1\r\nHost: a\r\nIf-None-Match: " + etag + "\r\n\r\n");

    assertThat(second).startsWith("HTTP/1.1 304 Not Modified").endsWith("\r\n\r\n");
  }
}
