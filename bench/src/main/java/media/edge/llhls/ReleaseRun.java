package media.edge.llhls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Low-Latency HLS measurement of issue 12: {@code viewers} requests held on the next part of a live
 * playlist (a blocking reload, {@code _HLS_msn}/{@code _HLS_part}), then one atomic rename of the
 * playlist that publishes it; reports how long after the rename each viewer had its answer (p50, p99,
 * max over several rounds), and the server's heap per held request.
 *
 * <p>The servers are separate processes of the real jar, as in production: an origin on a temporary
 * library, and with {@code edge} an edge in front of it (the viewers then ask the edge). The playlist is
 * synthetic (2 s target duration, 0.5 s parts, ten segments): what is measured is holding and release,
 * not media. Heap per held request: the origin's heap after a full GC ({@code jcmd GC.run}, read from
 * its {@code /metrics}) with {@code viewers} held, minus the same without, divided by {@code viewers}.
 *
 * <p>Run (after {@code mvn -B package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar media.edge.llhls.ReleaseRun [viewers,...] [origin|edge] [rounds]}
 * (viewers are raw sockets read by one selector thread, so the client costs little next to the server)
 * (defaults {@code 1,100,5000}, {@code origin}, 5).
 */
public final class ReleaseRun {
  private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\",id=\"([^\"]+)\"} ([0-9.eE+]+)");

  /** Playlist versions published and read before measuring. */
  private static final int WARM_VERSIONS = 3000;

  private ReleaseRun() {}

  public static void main(String[] args) throws Exception {
    int[] crowds = Arrays.stream((args.length > 0 ? args[0] : "1,100,5000").split(",")).mapToInt(Integer::parseInt).toArray();
    boolean throughEdge = args.length > 1 && args[1].equals("edge");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path jar = Path.of("origin-server/target/origin-server.jar").toAbsolutePath();
    Path library = Files.createTempDirectory("llhls-release-");
    Stream stream = new Stream(library.resolve("live/a"));
    stream.publish(41); // ten segments, part 10.0
    int originPort = 18_080;
    int edgePort = 19_080;
    try (Server origin = Server.start(jar, originPort, Map.of("EDGE_LIBRARY_ROOT", library.toString()));
        Server edge = throughEdge
            ? Server.start(jar, edgePort, Map.of("EDGE_LIBRARY_ROOT", "", "EDGE_UPSTREAM_URLS", "http://127.0.0.1:" + originPort))
            : null) {
      int port = throughEdge ? edgePort : originPort;
      String path = "/live/a/media.m3u8";
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.discarding());
      System.out.printf("release after the playlist's rename, %s, %s, %d rounds per crowd%n",
          throughEdge ? "viewers -> edge -> origin" : "viewers -> origin", System.getProperty("os.arch"), rounds);
      // Warm-up: a production origin reads each of its live playlists' versions (every part of every
      // rendition of every channel: hundreds a second), so its read path is compiled; a bench that reads one
      // playlist twice a second would measure the interpreter. Then a few held crowds.
      HttpClient warm = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < WARM_VERSIONS; i++) {
        stream.publish(1);
        warm.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path + "?_HLS_skip=YES")).build(),
            HttpResponse.BodyHandlers.discarding());
      }
      for (int round = 0; round < 3; round++) {
        release(port, path, stream, 100, throughEdge ? null : origin);
      }
      for (int viewers : crowds) {
        List<Long> delays = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          delays.addAll(release(port, path, stream, viewers, throughEdge ? null : origin));
        }
        long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%6d viewers: p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%d answers)%n", viewers,
            at(sorted, 0.50) / 1e3, at(sorted, 0.99) / 1e3, sorted[sorted.length - 1] / 1e3, sorted.length);
      }
      if (throughEdge) {
        return;
      }
      int held = crowds[crowds.length - 1];
      double idle = origin.heapAfterGc();
      try (Viewers crowd = new Viewers(port, path + "?_HLS_msn=" + stream.openMsn() + "&_HLS_part=" + stream.nextPart(), held)) {
        origin.awaitHeld(held);
        double holding = origin.heapAfterGc();
        System.out.printf(Locale.ROOT, "origin heap with %d held: %+.0f bytes per held request (after full GCs)%n", held,
            (holding - idle) / held);
        crowd.awaitAnswers(stream.publish(1), 60_000);
      }
    }
  }

  /**
   * Holds {@code viewers} on the next part, publishes it, and returns each answer's delay in
   * microseconds: from just before the rename to the first byte of the answer on the viewer's socket.
   */
  private static List<Long> release(int port, String path, Stream stream, int viewers, Server origin) throws Exception {
    try (Viewers crowd = new Viewers(port, path + "?_HLS_msn=" + stream.openMsn() + "&_HLS_part=" + stream.nextPart(), viewers)) {
      if (origin != null) {
        origin.awaitHeld(viewers);
      } else {
        Thread.sleep(500 + viewers / 5); // every request reached the edge, which holds them on one upstream request
      }
      if (crowd.answered() > 0) {
        throw new IllegalStateException("answered before the part was published");
      }
      long renamed = stream.publish(1);
      return crowd.awaitAnswers(renamed, 60_000);
    }
  }

  private static long at(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
  }

  /**
   * Viewers as cheap as possible, so that the measurement is the server's: one non-blocking socket each,
   * one request written on connect, one selector thread noting when each answer's first byte arrives.
   */
  private static final class Viewers implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final List<SocketChannel> sockets = new ArrayList<>();
    private final long[] firstByte;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(1 << 16);
    private int answered;

    Viewers(int port, String target, int count) throws IOException {
      firstByte = new long[count];
      byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < count; i++) {
        SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        socket.write(ByteBuffer.wrap(request));
        socket.configureBlocking(false);
        socket.register(selector, SelectionKey.OP_READ, i);
        sockets.add(socket);
      }
    }

    int answered() throws IOException {
      poll(0);
      return answered;
    }

    /** Reads until every viewer had a byte; returns each one's delay after {@code since}, in microseconds. */
    List<Long> awaitAnswers(long since, long timeoutMillis) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (answered < firstByte.length) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(answered + " of " + firstByte.length + " answered");
        }
        poll(100);
      }
      List<Long> delays = new ArrayList<>();
      for (long at : firstByte) {
        delays.add(TimeUnit.NANOSECONDS.toMicros(at - since));
      }
      return delays;
    }

    private void poll(long millis) throws IOException {
      if ((millis == 0 ? selector.selectNow() : selector.select(millis)) == 0) {
        return;
      }
      long now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        int viewer = (Integer) key.attachment();
        scratch.clear();
        int n = ((SocketChannel) key.channel()).read(scratch);
        if (n != 0 && firstByte[viewer] == 0) {
          firstByte[viewer] = now;
          answered++;
        }
        if (n < 0) {
          key.cancel();
        }
      }
      selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel socket : sockets) {
        socket.close();
      }
      selector.close();
    }
  }

  /** A synthetic live low-latency rendition: a playlist renamed into place after each part. */
  private static final class Stream {
    private final Path dir;
    private int published;

    Stream(Path dir) throws IOException {
      this.dir = Files.createDirectories(dir);
    }

    long openMsn() {
      return published / 4;
    }

    int nextPart() {
      return published % 4;
    }

    /** Publishes {@code count} parts; returns the time of the last playlist rename. */
    long publish(int count) throws IOException {
      published += count;
      long complete = published / 4;
      long first = Math.max(0, complete - 10);
      StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n")
          .append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,PART-HOLD-BACK=1.5\n")
          .append("#EXT-X-PART-INF:PART-TARGET=0.5\n#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n')
          .append("#EXT-X-MAP:URI=\"init.mp4\"\n");
      for (long msn = first; msn <= complete; msn++) {
        int parts = msn < complete ? 4 : published % 4;
        out.append("#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:").append(String.format(Locale.ROOT, "%02d", (msn * 2) % 60))
            .append(".000Z\n");
        for (int p = 0; p < parts && msn >= complete - 3; p++) {
          out.append("#EXT-X-PART:DURATION=0.500,URI=\"s").append(msn).append('p').append(p).append(".m4s\",INDEPENDENT=YES\n");
        }
        if (msn < complete) {
          out.append("#EXTINF:2.000,\ns").append(msn).append(".m4s\n");
        }
      }
      out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s").append(openMsn()).append('p').append(nextPart()).append(".m4s\"\n");
      Path temporary = dir.resolve(".media.m3u8.tmp");
      Files.writeString(temporary, out, StandardCharsets.UTF_8);
      long before = System.nanoTime();
      Files.move(temporary, dir.resolve("media.m3u8"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return before;
    }
  }

  /** A server process of the real jar, tokens off, access log to a file. */
  private record Server(Process process, int adminPort, HttpClient http) implements AutoCloseable {
    static Server start(Path jar, int port, Map<String, String> env) throws Exception {
      ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString(), "serve")
          .redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("llhls-server-", ".log").toFile());
      builder.environment().putAll(env);
      builder.environment().put("EDGE_SERVER_BIND", "127.0.0.1");
      builder.environment().put("EDGE_SERVER_PORT", Integer.toString(port));
      builder.environment().put("EDGE_SERVER_ADMIN_PORT", Integer.toString(port + 1));
      builder.environment().put("EDGE_TOKENS_REQUIRED", "false");
      builder.environment().put("EDGE_LOG_ACCESS_FILE", Files.createTempFile("llhls-access-", ".log").toString());
      Server server = new Server(builder.start(), port + 1, HttpClient.newHttpClient());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try {
          if (server.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + 1) + "/readyz")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return server;
          }
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      server.close();
      throw new IllegalStateException("the server on " + port + " did not become ready");
    }

    String metrics() throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Heap used after two full collections (jcmd), from the server's own metrics. */
    double heapAfterGc() throws Exception {
      for (int i = 0; i < 2; i++) {
        new ProcessBuilder("jcmd", Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
      }
      Matcher m = HEAP.matcher(metrics());
      double sum = 0;
      while (m.find()) {
        sum += Double.parseDouble(m.group(2));
      }
      return sum;
    }

    void awaitHeld(int count) throws Exception {
      Pattern held = Pattern.compile("(?m)^edge_llhls_held_requests ([0-9.eE+]+)");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        Matcher m = held.matcher(metrics());
        if (m.find() && Double.parseDouble(m.group(1)) >= count) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("fewer than " + count + " requests held");
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
