package media.edge.upstream;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable upstream on a loopback ephemeral port, over plain sockets so that a test can send exactly
 * the bytes it wants: truncated bodies, resets, garbage, late headers. Each accepted connection runs the
 * script on its own thread; the socket is closed when the script returns. A script that must hold a
 * response back waits on a latch the test releases; {@link #close()} interrupts such waits.
 *
 * <p>Thread-safe: counters and the request log are concurrent; each connection belongs to one thread.
 */
final class FakeUpstream implements AutoCloseable {
  /** What to do with one accepted connection. */
  @FunctionalInterface
  interface Script {
    void serve(Connection connection) throws Exception;
  }

  private final ServerSocket server;
  private final Script script;
  private final AtomicInteger accepted = new AtomicInteger();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  private FakeUpstream(ServerSocket server, Script script) {
    this.server = server;
    this.script = script;
    Thread acceptor = new Thread(this::accept, "fake-upstream-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on {@code port} (0: any free port) of the loopback address. */
  static FakeUpstream start(int port, Script script) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new FakeUpstream(server, script);
  }

  /** A script that answers every request on the connection with {@code response}. */
  static Script answering(String response) {
    return connection -> {
      while (connection.read() != null) {
        connection.send(response);
      }
    };
  }

  /** A 200 response with a Content-Length body. */
  static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /** A port on the loopback address that refuses connections: bound, then closed again. */
  static int refusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** {@code host:port}, as the client names upstreams. */
  String name() {
    return "127.0.0.1:" + port();
  }

  URI uri() {
    return URI.create("http://" + name());
  }

  URI uri(String path) {
    return URI.create("http://" + name() + path);
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** The next request received, waiting up to 10 s. */
  Request nextRequest() throws InterruptedException {
    Request request = requests.poll(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request reached " + name());
    }
    return request;
  }

  /** Requests received and not yet taken by {@link #nextRequest()}. */
  List<Request> receivedSoFar() {
    return new ArrayList<>(requests);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    threads.forEach(Thread::interrupt);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(socket);
      Connection connection = new Connection(socket, accepted.incrementAndGet());
      Thread thread = new Thread(() -> serve(connection), "fake-upstream-" + port() + "-" + connection.number);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void serve(Connection connection) {
    try {
      script.serve(connection);
    } catch (Exception e) {
      // The client went away or the test ended: either way this connection is done.
    } finally {
      try {
        connection.socket.close();
      } catch (IOException e) {
        // already closed
      }
      sockets.remove(connection.socket);
      threads.remove(Thread.currentThread());
    }
  }

  /** A request as received; header names are lower-case. */
  record Request(String method, String target, Map<String, List<String>> headers, byte[] body, int connection) {
    /** The values of a header, empty if absent. */
    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The first value of a header, or null. */
    String header(String name) {
      List<String> values = all(name);
      return values.isEmpty() ? null : values.get(0);
    }
  }

  /** One accepted connection, used by its script's thread only. */
  final class Connection {
    final int number;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Connection(Socket socket, int number) {
      this.socket = socket;
      this.number = number;
      try {
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Reads one request (with its Content-Length body); null when the client closed the connection. */
    Request read() throws IOException {
      String requestLine = line();
      while (requestLine != null && requestLine.isEmpty()) {
        requestLine = line();
      }
      if (requestLine == null) {
        return null;
      }
      String[] parts = requestLine.split(" ");
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line = line(); line != null && !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers
            .computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      List<String> length = headers.get("content-length");
      byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.get(0)));
      Request request = new Request(parts[0], parts[1], headers, body, number);
      requests.add(request);
      return request;
    }

    /** Sends text (ISO-8859-1) exactly as given. */
    void send(String text) throws IOException {
      send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Closes abruptly: an RST instead of a FIN. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          byte[] bytes = line.toByteArray();
          int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        }
        line.write(b);
      }
      return null;
    }
  }
}
