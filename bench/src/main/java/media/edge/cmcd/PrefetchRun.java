package media.edge.cmcd;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import media.edge.config.CmcdConfig;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.server.EdgeServer;

/**
 * Issue 13's prefetch measurement: scripted players through an edge in front of an origin that takes
 * {@code delayMs} (default 100) before answering each segment; each player plays its own title (the long
 * tail of a catalogue, where no other viewer warmed the cache), one segment every {@code gapMs}, sending
 * CMCD with {@code nor} naming the next segment and {@code bl} 8 s. Two edges run side by side, one with
 * {@code cmcd.prefetch} on and one off, and each player alternates between them segment by segment
 * (interleaved, so that the host's state is the same for both). Reported: the players' time to first
 * byte per segment after a title's first (which no hint can help), p50/p90/p99, and the edge's prefetch
 * counters.
 *
 * <p>The segment gap only has to exceed the origin's delay for a prefetch to have finished; real players
 * at 4 s segments ask every 4 s in steady state (pass {@code 4000} to see that it changes nothing).
 *
 * <p>Run (after {@code mvn -B package -DskipTests}):
 * {@code java -cp bench/target/benchmarks.jar media.edge.cmcd.PrefetchRun [players=20] [segments=30] [gapMs=500] [delayMs=100]}
 */
public final class PrefetchRun {
  private static final int SEGMENT_BYTES = 400_000;

  private PrefetchRun() {}

  public static void main(String[] args) throws Exception {
    int players = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int segments = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int gapMs = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    int delayMs = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    byte[] body = new byte[SEGMENT_BYTES];
    new Random(1).nextBytes(body);
    HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    ExecutorService originThreads = Executors.newFixedThreadPool(64);
    origin.setExecutor(originThreads);
    origin.createContext("/", exchange -> {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.getResponseHeaders().set("Content-Type", "video/mp2t");
      exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    origin.start();
    URI upstream = URI.create("http://127.0.0.1:" + origin.getAddress().getPort());
    EdgeServer with = edge(upstream, true);
    EdgeServer without = edge(upstream, false);
    List<Long> ttfbWith = Collections.synchronizedList(new ArrayList<>());
    List<Long> ttfbWithout = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(players * 2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int p = 0; p < players; p++) {
        int player = p;
        runs.add(pool.submit(() -> play(with.port(), "/with/title-" + player + "/", segments, gapMs, ttfbWith)));
        runs.add(pool.submit(() -> play(without.port(), "/without/title-" + player + "/", segments, gapMs, ttfbWithout)));
      }
      for (Future<?> run : runs) {
        run.get();
      }
      System.out.printf(Locale.ROOT, "%d players x %d segments (400 KB), one every %d ms, origin +%d ms per segment%n",
          players, segments, gapMs, delayMs);
      System.out.println("prefetch  segments  TTFB p50 ms  p90 ms  p99 ms  (segments after each title's first)");
      report("on", ttfbWith);
      report("off", ttfbWithout);
      System.out.println("edge with prefetch: " + counters(with));
    } finally {
      pool.shutdownNow();
      with.close();
      without.close();
      origin.stop(0);
      originThreads.shutdownNow();
    }
  }

  private static EdgeServer edge(URI upstream, boolean prefetch) throws Exception {
    EdgeConfig defaults = ConfigLoader.defaults();
    EdgeConfig config = defaults
        .withLibrary(defaults.library().withRoot(null))
        .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
        .withTokens(defaults.tokens().withRequired(false))
        .withUpstream(defaults.upstream().withUrls(List.of(upstream), List.of()).withNodeName(prefetch ? "prefetch-on" : "prefetch-off"))
        .withLog(defaults.log().withAccess(false, null))
        .withCmcd(new CmcdConfig(true, prefetch, Duration.ofSeconds(30), 64, Duration.ofSeconds(30), 100_000));
    return EdgeServer.start(config, Clock.systemUTC(), Ticker.systemTicker());
  }

  /** One player: each segment on a kept-alive connection, the time to its first byte recorded. */
  private static void play(int port, String folder, int segments, int gapMs, List<Long> ttfb) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setTcpNoDelay(true);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      String sid = folder.replace('/', '-');
      for (int i = 0; i < segments; i++) {
        String cmcd = "bl=8000,br=3000,ot=v,sf=h,st=v,sid=\"" + sid + "\",nor=\"" + String.format("seg_%05d.ts", i + 1) + "\"";
        String request = "GET " + folder + String.format("seg_%05d.ts", i) + "?CMCD="
            + URLEncoder.encode(cmcd, StandardCharsets.UTF_8) + " HTTP/1.1\r\nHost: edge\r\n\r\n";
        long start = System.nanoTime();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int first = in.read();
        long firstByte = System.nanoTime() - start;
        if (first < 0) {
          throw new IllegalStateException("the edge closed the connection");
        }
        readRest(in);
        if (i > 0) {
          ttfb.add(firstByte);
        }
        Thread.sleep(gapMs);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the rest of a response with a Content-Length body (the first byte already read). */
  private static void readRest(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder("H");
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IllegalStateException("short head");
      }
      head.append((char) c);
    }
    String lower = head.toString().toLowerCase(Locale.ROOT);
    int at = lower.indexOf("content-length:");
    long length = Long.parseLong(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
    byte[] buffer = new byte[65536];
    while (length > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
      if (n < 0) {
        throw new IllegalStateException("short body");
      }
      length -= n;
    }
  }

  private static void report(String name, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf(Locale.ROOT, "%-9s %8d  %11.1f  %6.1f  %6.1f%n", name, sorted.size(),
        pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99));
  }

  private static double pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  private static String counters(EdgeServer edge) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.adminPort())) {
      socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder found = new StringBuilder();
      for (String line : text.split("\n")) {
        if (line.startsWith("edge_cmcd_prefetch_") && !line.startsWith("edge_cmcd_prefetch_in_flight") && !line.endsWith(" 0.0")) {
          found.append(line.replace("edge_cmcd_prefetch_", "")).append("; ");
        }
      }
      return found.toString();
    }
  }
}
