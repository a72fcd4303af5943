package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.TokenKey;
import media.edge.hls.CachePolicy;
import media.edge.metrics.EdgeMetrics;
import media.edge.token.KeyRing;
import media.edge.token.TokenClaims;
import media.edge.token.TokenVerifier;

/**
 * The data pipeline as {@code EdgeServer} wires it ({@link DataChannelInitializer}, the server's pooled
 * allocator, real metrics, the access log on, tokens required) on an {@link EmbeddedChannel}, driven with
 * request bytes as a socket delivers them: each request is copied into a pooled buffer and written
 * inbound, so decoding is measured too, and every message the pipeline writes is counted and released.
 * The memory-hit benchmarks of both modes share it.
 *
 * <p>A VOD title laid out as a packager writes it: {@code vod/bbb/720p/index.m3u8} (sixty 6.006-second
 * segments, about 2 KB, {@code #EXT-X-ENDLIST}) and 400 KB MPEG-TS segments of random payload in
 * 188-byte packets that start with the 0x47 sync byte. Requests carry a browser player's headers and,
 * as a player given one signed URL does, the token in the query.
 *
 * <p>Not thread-safe: one per benchmark thread, like the channel.
 */
final class Pipeline implements AutoCloseable {
  static final int SEGMENTS_ON_DISK = 8;
  private static final int SEGMENTS_IN_PLAYLIST = 60;
  private static final int TS_PACKET = 188;
  /** 2179 packets: 409,652 bytes, a 400 KB segment that is a whole number of TS packets. */
  static final int SEGMENT_BYTES = 2179 * TS_PACKET;
  static final String TITLE = "/vod/bbb/720p/";
  static final String PLAYLIST = TITLE + "index.m3u8";
  static final String RANGE = "bytes=0-65535";
  static final String KEY_HEX = "5be1c0a7d3f2e4b6a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
  private static final String USER_AGENT =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

  final EdgeMetrics metrics = EdgeMetrics.create();
  final AccessLog accessLog;
  final String token;
  final TokenVerifier verifier;
  private final Path logFile;
  private EmbeddedChannel channel;

  Pipeline() throws IOException {
    logFile = Files.createTempFile("edge-bench-access-", ".log");
    accessLog = AccessLog.open(logFile, Clock.systemUTC(), 65_536, java.time.Duration.ofSeconds(1));
    KeyRing ring = KeyRing.builder().hmacHex("k1", KEY_HEX).build();
    verifier = TokenVerifier.builder(() -> ring).cacheSize(10_000).build();
    token = ring.signer().build().sign(
        TokenClaims.acl("/*").expires(Instant.now().plus(2, ChronoUnit.HOURS).getEpochSecond()).build());
  }

  /** The configuration both modes start from: tokens required with the benchmark's key, loopback ports. */
  static EdgeConfig config() {
    EdgeConfig defaults = ConfigLoader.defaults();
    return defaults
        .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
        .withTokens(defaults.tokens().withRequired(true).withKeys(List.of(TokenKey.hmac("k1", KEY_HEX))));
  }

  /** Wires the channel around {@code responder}. */
  void wire(EdgeConfig config, Responder responder) throws Exception {
    CachePolicy policy =
        new CachePolicy(config.http().cacheControl(), config.cache().memoryRevalidate(), config.cache().immutableRevalidate());
    DataChannelInitializer initializer =
        DataChannelInitializer.builder(config, responder)
            .metrics(metrics)
            .connections(new ConnectionTracker())
            .verifier(verifier)
            .accessLog(accessLog)
            .cachePolicy(policy)
            .build();
    channel = new EmbeddedChannel(false, false, initializer);
    channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    channel.register();
  }

  /** A browser player's request for {@code path}, with the token in the query unless {@code tokenInHeader}. */
  byte[] request(String path, String acceptEncoding, String range, boolean tokenInHeader) {
    StringBuilder head = new StringBuilder(512)
        .append("GET ").append(path).append(tokenInHeader ? "" : "?hdnts=" + token).append(" HTTP/1.1\r\n")
        .append("Host: edge.example.com\r\n")
        .append("Connection: keep-alive\r\n")
        .append("User-Agent: ").append(USER_AGENT).append("\r\n")
        .append("Accept: */*\r\n")
        .append("Origin: https://player.example.com\r\n")
        .append("Referer: https://player.example.com/\r\n")
        .append("Accept-Language: en-US,en;q=0.9\r\n");
    if (tokenInHeader) {
      head.append("hdnts: ").append(token).append("\r\n");
    }
    if (acceptEncoding != null) {
      head.append("Accept-Encoding: ").append(acceptEncoding).append("\r\n");
    }
    if (range != null) {
      head.append("Range: ").append(range).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** One request, answered from memory at once; returns the bytes the socket would get. */
  long exchange(byte[] request) {
    ByteBuf in = PooledByteBufAllocator.DEFAULT.buffer(request.length);
    in.writeBytes(request);
    channel.writeOneInbound(in, channel.voidPromise());
    channel.flushInbound();
    long bytes = drain();
    if (bytes == 0) {
      throw new IllegalStateException("no synchronous answer, so not a memory hit");
    }
    return bytes;
  }

  /** The status line and head of the answer to {@code request}, for setup checks. */
  String head(byte[] request) {
    ByteBuf in = PooledByteBufAllocator.DEFAULT.buffer(request.length).writeBytes(request);
    channel.writeInbound(in);
    channel.runPendingTasks();
    Object first = channel.readOutbound();
    String head = first instanceof ByteBuf b ? b.toString(StandardCharsets.ISO_8859_1) : String.valueOf(first);
    ReferenceCountUtil.release(first);
    drain();
    int end = head.indexOf("\r\n\r\n");
    return end < 0 ? head : head.substring(0, end);
  }

  /** Fails setup unless the answer to {@code request} starts with {@code status} and has {@code field}. */
  void expect(byte[] request, String status, String field) {
    String head = head(request);
    if (!head.startsWith(status) || !head.toLowerCase(Locale.ROOT).contains(field)) {
      throw new IllegalStateException("expected " + status + "with " + field + ", got:\n" + head);
    }
  }

  /** Runs tasks queued on the channel's loop (answers that came back from another thread). */
  void runPendingTasks() {
    channel.runPendingTasks();
  }

  /** Releases everything written so far and counts its bytes. */
  long drain() {
    long bytes = 0;
    for (Object message; (message = channel.readOutbound()) != null; ) {
      if (message instanceof ByteBuf b) {
        bytes += b.readableBytes();
      } else if (message instanceof FileRegion region) {
        bytes += region.count();
      }
      ReferenceCountUtil.release(message);
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    accessLog.close();
    metrics.close();
    Files.deleteIfExists(logFile);
  }

  /** Writes the playlist and the first {@link #SEGMENTS_ON_DISK} segments; returns the segment paths. */
  static String[] writeTitle(Path root) throws IOException {
    Path folder = Files.createDirectories(root.resolve(TITLE.substring(1)));
    StringBuilder playlist =
        new StringBuilder()
            .append("#EXTM3U\n")
            .append("#EXT-X-VERSION:3\n")
            .append("#EXT-X-TARGETDURATION:7\n")
            .append("#EXT-X-MEDIA-SEQUENCE:0\n")
            .append("#EXT-X-PLAYLIST-TYPE:VOD\n");
    for (int i = 0; i < SEGMENTS_IN_PLAYLIST; i++) {
      playlist.append("#EXTINF:6.006000,\n").append(segmentName(i)).append('\n');
    }
    playlist.append("#EXT-X-ENDLIST\n");
    Files.writeString(folder.resolve("index.m3u8"), playlist, StandardCharsets.US_ASCII);

    SplittableRandom random = new SplittableRandom(42);
    byte[] body = new byte[SEGMENT_BYTES];
    String[] paths = new String[SEGMENTS_ON_DISK];
    for (int i = 0; i < SEGMENTS_ON_DISK; i++) {
      random.nextBytes(body);
      for (int packet = 0; packet < SEGMENT_BYTES; packet += TS_PACKET) {
        body[packet] = 0x47;
      }
      Files.write(folder.resolve(segmentName(i)), body);
      paths[i] = TITLE + segmentName(i);
    }
    return paths;
  }

  private static String segmentName(int index) {
    return String.format(Locale.ROOT, "seg_%05d.ts", index);
  }

  /** The library root of {@code config} set to {@code root}. */
  static EdgeConfig withLibrary(EdgeConfig config, Path root) {
    return config.withLibrary(ConfigLoader.defaults().library().withRoot(root));
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
