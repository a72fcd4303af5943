package media.edge.edge;

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
import java.nio.file.Files;
import java.nio.file.Path;
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
import media.edge.server.EdgeServer;

/**
 * The coalescing measurement of issue 4: {@code clients} concurrent requests for one uncached
 * segment of {@code bytes}, from an upstream that takes {@code seconds} to deliver it (headers at
 * once, then the body in 20 even pieces). Reports how many requests reached the upstream, and the
 * clients' time to first byte and to last byte next to a single client asking the upstream directly.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar media.edge.edge.CoalescingRun [clients] [bytes] [seconds] [targets]}
 * (defaults 500, 2000000, 1, edge). {@code targets} is a comma-separated list of {@code edge},
 * {@code nginx} (Debian nginx-full, {@code proxy_cache} with {@code proxy_cache_lock on}) and
 * {@code varnish} (Debian varnish, default VCL: its waiting list coalesces, and it streams), each in
 * front of the same slow upstream, measured one after the other. Ten unmeasured rounds of the same crowd on other URLs warm the JIT
 * and the upstream connection first. The client threads (one per client, blocking sockets) share
 * the machine with the edge and the upstream, so on a small machine part of the time to first byte
 * is the clients' own scheduling: compare with the same run at a few clients.
 */
public final class CoalescingRun {
  /** Unmeasured rounds per target: enough for the JIT to settle on the edge's fill and streaming paths. */
  private static final int WARM_ROUNDS = 10;

  private CoalescingRun() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    List<String> targets = args.length > 3 ? List.of(args[3].split(",")) : List.of("edge");
    byte[] body = new byte[bytes];
    new Random(1).nextBytes(body);

    try (SlowOrigin origin = new SlowOrigin(body, (long) (seconds * 1000))) {
      for (int i = 0; i < 3; i++) {
        fetch(origin.port(), "/direct/warm.ts");
      }
      Timing direct = fetch(origin.port(), "/direct/seg.ts");
      System.out.printf("clients %d, body %d bytes, upstream delivers in %.1f s%n%n", clients, bytes, seconds);
      System.out.printf("| | upstream requests | TTFB p50 | TTFB p99 | TTFB max | TTLB p50 | TTLB p99 | TTLB max | incomplete |%n");
      System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|%n");
      System.out.printf("| one client direct to upstream | 1 | %.0f ms | | | %.0f ms | | | 0 |%n", direct.firstByteMillis, direct.lastByteMillis);
      for (String name : targets) {
        try (Target target = Target.start(name, origin.port())) {
          measure(target, origin, clients, bytes);
        }
      }
    }
  }

  /** Warms {@code target} with the same crowd on other URLs, then measures one crowd on a fresh one. */
  private static void measure(Target target, SlowOrigin origin, int clients, int bytes) throws Exception {
    for (int round = 0; round < WARM_ROUNDS; round++) {
      crowd(target.port(), "/warm/" + target.name() + "-" + round + ".ts", clients);
    }
    int before = origin.requests();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Timing>> futures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      futures.add(pool.submit(() -> {
        go.await();
        return fetch(target.port(), "/live/" + target.name() + ".ts");
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
    System.out.printf("| %d clients through %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d |%n",
        clients, target.name(), upstreamRequests, pct(ttfb, 50), pct(ttfb, 99), ttfb[ttfb.length - 1],
        pct(ttlb, 50), pct(ttlb, 99), ttlb[ttlb.length - 1], broken);
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

  /** A cache in front of the slow origin: this edge in process, or nginx or Varnish as child processes. */
  private interface Target extends AutoCloseable {
    String name();

    int port();

    @Override
    void close() throws Exception;

    static Target start(String name, int originPort) throws Exception {
      return switch (name) {
        case "edge" -> Edge.start(originPort);
        case "nginx" -> External.nginx(originPort);
        case "varnish" -> External.varnish(originPort);
        default -> throw new IllegalArgumentException("unknown target " + name + " (expected: edge, nginx, varnish)");
      };
    }
  }

  private record Edge(EdgeServer server) implements Target {
    static Edge start(int originPort) throws Exception {
      EdgeConfig defaults = ConfigLoader.defaults();
      EdgeConfig config =
          defaults
              .withLibrary(ConfigLoader.defaults().library().withRoot(null))
              .withServer(defaults.server().withBind("127.0.0.1").withPorts(0, 0))
              .withTokens(defaults.tokens().withRequired(false))
              .withUpstream(defaults.upstream().withUrls(List.of(URI.create("http://127.0.0.1:" + originPort)), List.of()).withNodeName("bench-edge"))
              .withLog(defaults.log().withAccess(false, null));
      return new Edge(EdgeServer.start(config, Clock.systemUTC(), Ticker.systemTicker()));
    }

    @Override
    public String name() {
      return "edge";
    }

    @Override
    public int port() {
      return server.port();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** nginx ({@code proxy_cache_lock}) or Varnish, configured in a temporary folder and run in the foreground. */
  private record External(String name, int port, Process process, Path dir) implements Target {
    static External nginx(int originPort) throws Exception {
      Path dir = Files.createTempDirectory("coalesce-nginx-");
      int port = freePort();
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, String.join("\n",
          "root".equals(System.getProperty("user.name")) ? "user root;" : "",
          "daemon off;", "worker_processes 2;", "pid " + dir.resolve("nginx.pid") + ";",
          "error_log " + dir.resolve("error.log") + ";",
          "events { worker_connections 4096; }",
          "http {",
          "  access_log off;",
          "  proxy_cache_path " + dir.resolve("cache") + " keys_zone=edge:10m max_size=1g;",
          "  proxy_temp_path " + dir.resolve("tmp") + ";",
          "  client_body_temp_path " + dir.resolve("body") + ";",
          "  server {",
          "    listen 127.0.0.1:" + port + " backlog=4096;",
          "    location / {",
          "      proxy_pass http://127.0.0.1:" + originPort + ";",
          "      proxy_http_version 1.1;",
          "      proxy_set_header Connection \"\";",
          "      proxy_cache edge;",
          "      proxy_cache_lock on;",
          "      proxy_cache_lock_timeout 30s;",
          "      proxy_cache_lock_age 30s;",
          "    }",
          "  }",
          "}", ""));
      Process process = new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
      awaitPort(port, process);
      return new External("nginx", port, process, dir);
    }

    static External varnish(int originPort) throws Exception {
      // varnishd compiles the VCL as its own unprivileged user: the folder must be readable to it.
      Path dir = Files.createTempDirectory(
          "coalesce-varnish-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
      int port = freePort();
      Path vcl = dir.resolve("default.vcl");
      Files.writeString(vcl, String.join("\n",
          "vcl 4.1;",
          "backend origin { .host = \"127.0.0.1\"; .port = \"" + originPort + "\"; .first_byte_timeout = 30s; .between_bytes_timeout = 30s; }",
          ""));
      Process process = new ProcessBuilder("varnishd", "-F", "-n", dir.resolve("work").toString(), "-a", "127.0.0.1:" + port,
          "-f", vcl.toString(), "-s", "malloc,512m", "-p", "thread_pool_max=1000")
          .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
      awaitPort(port, process);
      return new External("varnish", port, process, dir);
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }

    private static void awaitPort(int port, Process process) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("exited with " + process.exitValue());
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
          return;
        } catch (IOException e) {
          Thread.sleep(50);
        }
      }
      throw new IllegalStateException("did not listen on " + port);
    }
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
