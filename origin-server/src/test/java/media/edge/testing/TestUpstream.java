package media.edge.testing;

import java.io.BufferedInputStream;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, scriptable HTTP/1.1 origin for edge tests, on an ephemeral loopback port: each path gets a
 * {@link Responder} that writes whatever bytes the test wants (slow bodies, truncations, resets, 5xx),
 * and every request is recorded. Plain sockets and one thread per connection, so a responder may
 * block (on a latch the test releases) without holding up other connections.
 */
public final class TestUpstream implements AutoCloseable {

  /** One request as received. Header names are lower case. */
  public record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The target without its query. */
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }
  }

  /** Writes the answer to one request. */
  @FunctionalInterface
  public interface Responder {
    void respond(Request request, Output out) throws Exception;
  }

  /** The connection's output, with helpers for whole answers. */
  public static final class Output {
    private final Socket socket;
    private final OutputStream stream;
    private boolean closed;

    Output(Socket socket, OutputStream stream) {
      this.socket = socket;
      this.stream = stream;
    }

    public OutputStream raw() {
      return stream;
    }

    /** Status line and headers; {@code headers} alternate names and values. */
    public void head(int status, String... headers) throws IOException {
      StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      text.append("\r\n");
      stream.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
      stream.flush();
    }

    /** A whole answer with Content-Length. */
    public void send(int status, byte[] body, String... headers) throws IOException {
      String[] all = new String[headers.length + 2];
      System.arraycopy(headers, 0, all, 0, headers.length);
      all[headers.length] = "Content-Length";
      all[headers.length + 1] = Integer.toString(body.length);
      head(status, all);
      stream.write(body);
      stream.flush();
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
      stream.write(bytes, offset, length);
      stream.flush();
    }

    /** Closes the connection after what was written (a truncation if the body is short). */
    public void close() throws IOException {
      closed = true;
      socket.close();
    }

    /** Closes with a TCP reset. */
    public void reset() throws IOException {
      closed = true;
      socket.setSoLinger(true, 0);
      socket.close();
    }

    boolean closed() {
      return closed;
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "test-upstream");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private TestUpstream(ServerSocket server) {
    this.server = server;
    threads.execute(this::accept);
  }

  /** Starts on an ephemeral loopback port. */
  public static TestUpstream start() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    return new TestUpstream(socket);
  }

  public int port() {
    return server.getLocalPort();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** Answers requests for {@code path} (without query) with {@code responder}. */
  public TestUpstream on(String path, Responder responder) {
    routes.put(path, responder);
    return this;
  }

  /** A fixed 200 answer. */
  public static Responder ok(byte[] body, String... headers) {
    return (request, out) -> out.send(200, body, headers);
  }

  /** Every request received so far, in order. */
  public List<Request> requests() {
    return Collections.unmodifiableList(new ArrayList<>(requests));
  }

  /** How many requests asked for {@code path}. */
  public long count(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  /** TCP connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        sockets.add(socket);
        threads.execute(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        Request request = read(in);
        if (request == null) {
          return;
        }
        requests.add(request);
        Output output = new Output(socket, out);
        Responder responder = routes.get(request.path());
        if (responder == null) {
          output.send(404, "not found\n".getBytes(StandardCharsets.US_ASCII), "Content-Type", "text/plain");
        } else {
          responder.respond(request, output);
        }
        if (output.closed() || "close".equalsIgnoreCase(request.header("connection"))) {
          return;
        }
      }
    } catch (Exception e) {
      // The edge went away, or the responder cut the connection: nothing to do.
    }
  }

  private static Request read(InputStream in) throws IOException {
    String line = line(in);
    if (line == null || line.isEmpty()) {
      return null;
    }
    String[] parts = line.split(" ");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String header;
    while ((header = line(in)) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(header.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    List<String> length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length.get(0)));
    }
    return new Request(parts[0], parts[1], headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(b);
    }
    return null;
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 206 -> "Partial Content";
      case 304 -> "Not Modified";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    threads.shutdownNow();
  }
}
