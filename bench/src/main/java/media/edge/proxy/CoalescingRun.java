package media.edge.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import com.github.benmanes.caffeine.cache.Ticker;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.config.LibraryConfig;
import media.edge.config.LogConfig;
import media.edge.server.EdgeServer;

/**
 * The coalescing measurement of issue 4: {@code clients} concurrent requests for one uncached
 * segment of {@code bytes}, from an upstream that takes {@code seconds} to deliver it (headers at
 * once, then the body in 20 even pieces). Reports how many requests reached the upstream, and the
 * clients' time to first byte and to last byte next to a single client asking the upstream directly.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar media.edge.proxy.CoalescingRun [clients] [bytes] [seconds]}
 * (defaults 500, 2000000, 1). Three unmeasured rounds of the same crowd on other URLs warm the JIT
 * and the upstream connection first. The client threads (one per client, blocking sockets) share
 * the machine with the edge and the upstream, so on a small machine part of the time to first byte
 * is the clients' own scheduling: compare with the same run at a few clients.
 */
public final class CoalescingRun {
  private CoalescingRun() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    byte[] body = new byte[bytes];
    new Random(1).nextBytes(body);

    try (SlowOrigin origin = new SlowOrigin(body, (long) (seconds * 1000))) {
      Timing direct = fetch(origin.port(), "/direct/seg.ts");
      EdgeConfig defaults = ConfigLoader.defaults();
      EdgeConfig config =
          defaults
              .withLibrary(new LibraryConfig(null))
              .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
              .withTokens(defaults.tokens().withRequired(false))
              .withUpstream(defaults.upstream().withUrls(List.of(URI.create("http://127.0.0.1:" + origin.port())), List.of()).withNodeName("bench-edge"))
              .withLog(new LogConfig(false));
      try (EdgeServer edge = EdgeServer.start(config, Clock.systemUTC(), Ticker.systemTicker())) {
        // Warm-up, unmeasured: the same crowd on other URLs, so JIT compilation and the first
        // upstream connection are not charged to the measured round.
        for (int round = 0; round < 3; round++) {
          crowd(edge.port(), "/warm/" + round + ".ts", clients);
        }
        int before = origin.requests();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Timing>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          futures.add(pool.submit(() -> {
            go.await();
            return fetch(edge.port(), "/live/seg.ts");
          }));
        }
        go.countDown();
        List<Timing> timings = new ArrayList<>();
        int broken = 0;
        for (Future<Timing> future : futures) {
          Timing t = future.get(120, TimeUnit.SECONDS);
          if (t.bytes != bytes) {
            broken++;
          }
          timings.add(t);
        }
        pool.shutdown();
        int upstreamRequests = origin.requests() - before;
        double[] ttfb = timings.stream().mapToDouble(t -> t.firstByteMillis).sorted().toArray();
        double[] ttlb = timings.stream().mapToDouble(t -> t.lastByteMillis).sorted().toArray();
        System.out.printf("clients %d, body %d bytes, upstream delivers in %.1f s%n", clients, bytes, seconds);
        System.out.printf("upstream requests: %d (coalesced: %d)%n", upstreamRequests, clients - upstreamRequests);
        System.out.printf("incomplete bodies: %d%n", broken);
        System.out.printf("| | TTFB p50 | TTFB p99 | TTFB max | TTLB p50 | TTLB p99 | TTLB max |%n|---|---|---|---|---|---|---|%n");
        System.out.printf("| one client direct to upstream | %.0f ms | | | %.0f ms | | |%n", direct.firstByteMillis, direct.lastByteMillis);
        System.out.printf("| %d clients through the edge | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n",
            clients, pct(ttfb, 50), pct(ttfb, 99), ttfb[ttfb.length - 1], pct(ttlb, 50), pct(ttlb, 99), ttlb[ttlb.length - 1]);
      }
    }
  }

  private static void crowd(int port, String path, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Timing>> futures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      futures.add(pool.submit(() -> fetch(port, path)));
    }
    for (Future<Timing> future : futures) {
      future.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private record Timing(double firstByteMillis, double lastByteMillis, long bytes) {}

  /** One GET on a fresh connection, timed from just before the request is written. */
  private static Timing fetch(int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(60_000);
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      int first = in.read();
      long firstAt = System.nanoTime();
      if (first < 0) {
        return new Timing(ms(start, firstAt), ms(start, firstAt), 0);
      }
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      head.write(first);
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
      long expected = contentLength(head.toString(StandardCharsets.ISO_8859_1));
      long total = 0;
      byte[] buffer = new byte[65536];
      int n;
      while (total < expected && (n = in.read(buffer, 0, (int) Math.min(buffer.length, expected - total))) > 0) {
        total += n;
      }
      return new Timing(ms(start, firstAt), ms(start, System.nanoTime()), total);
    }
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        return Long.parseLong(line.substring(15).trim());
      }
    }
    return Long.MAX_VALUE;
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }

  /** Answers any GET with the body: headers at once, then 20 pieces spread over the delivery time. */
  private static final class SlowOrigin implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final byte[] body;
    private final long millis;

    SlowOrigin(byte[] body, long millis) throws IOException {
      this.body = body;
      this.millis = millis;
      this.server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      threads.execute(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    int requests() {
      return requests.get();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          threads.execute(() -> serve(socket));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
          ByteArrayOutputStream head = new ByteArrayOutputStream();
          int b;
          while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
              break;
            }
          }
          if (b < 0) {
            return;
          }
          requests.incrementAndGet();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nCache-Control: max-age=60\r\nContent-Length: "
              + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          int pieces = 20;
          for (int i = 0; i < pieces; i++) {
            Thread.sleep(millis / pieces);
            int from = (int) ((long) body.length * i / pieces);
            int to = (int) ((long) body.length * (i + 1) / pieces);
            out.write(Arrays.copyOfRange(body, from, to));
            out.flush();
          }
        }
      } catch (Exception e) {
        // client gone
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      threads.shutdownNow();
    }
  }
}
