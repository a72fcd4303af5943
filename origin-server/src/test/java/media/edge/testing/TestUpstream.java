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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The one scriptable HTTP/1.1 upstream of the tests, on a loopback port, over plain sockets so that a
 * test can send exactly the bytes it wants: whole answers, bodies in pieces with pauses, truncations,
 * resets, garbage, late or malformed heads. It is scripted at one of two levels:
 *
 * <ul>
 *   <li>per path ({@link #start()} then {@link #on}): each request is read for the test and handed to
 *       the path's {@link Responder}; other paths get a 404. Edge tests use this.
 *   <li>per connection ({@link #start(Script)}): the {@link Script} gets the raw connection and reads
 *       requests itself, for what a per-path answer cannot say (answering two pipelined requests
 *       differently, staying silent, closing between requests). Upstream-client tests use this.
 * </ul>
 *
 * <p>Every request read is recorded ({@link #requests()}, {@link #count}, {@link #nextRequest()}),
 * and so is every connection accepted ({@link #accepted()}). Each connection is served on a thread
 * of its own, so a responder may block (on a latch the test releases) without holding up others;
 * {@link #close()} closes every socket and interrupts such waits.
 *
 * <p>Thread-safe: routes, the request log and the counters are concurrent; each {@link Connection}
 * belongs to the one thread that serves it.
 */
public final class TestUpstream implements AutoCloseable {

  /** One request as received. Header names are lower case. */
  public record Request(String method, String target, Map<String, List<String>> headers, byte[] body, int connection) {
    /** The values of a header, empty if absent. */
    public List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = all(name);
      return values.isEmpty() ? null : values.get(0);
    }

    /** The target without its query. */
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }
  }

  /** Writes the answer to one request of a path, on the request's connection. */
  @FunctionalInterface
  public interface Responder {
    void respond(Request request, Connection out) throws Exception;
  }

  /** Serves one whole accepted connection; the socket is closed when it returns. */
  @FunctionalInterface
  public interface Script {
    void serve(Connection connection) throws Exception;
  }

  /**
   * What the server saw of one TLS handshake: the server names the client asked for (SNI), the protocols
   * it offered (ALPN), the subject of its certificate, or null when it sent none, and when the session was
   * created, which a resumed session keeps from the one it resumes (the JDK gives it a new id under TLS 1.3).
   */
  public record Handshake(List<String> serverNames, List<String> offeredProtocols, String clientSubject, long sessionCreated) {}

  private final ServerSocket server;
  private final Script script;
  private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
  private final boolean routed;
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Request> untaken = new LinkedBlockingQueue<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService threads;

  private TestUpstream(ServerSocket server, Script script) {
    this.server = server;
    this.routed = script == null;
    this.script = routed ? this::route : script;
    String name = "test-upstream-" + server.getLocalPort();
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, name + "-" + n.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    });
    threads.execute(this::accept);
  }

  /** An upstream answering each path as {@link #on} says (404 otherwise), on an ephemeral loopback port. */
  public static TestUpstream start() throws IOException {
    return new TestUpstream(bind(0), null);
  }

  /** An upstream answering each path as {@link #on} says, on an ephemeral port of {@code address} (::1, say). */
  public static TestUpstream startOn(InetAddress address) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, 0), 1024);
    return new TestUpstream(socket, null);
  }

  /** An upstream running {@code script} for every connection, on an ephemeral loopback port. */
  public static TestUpstream start(Script script) throws IOException {
    return start(0, script);
  }

  /** The same on {@code port} of the loopback address (0: any free port), to bring back an upstream that was down. */
  public static TestUpstream start(int port, Script script) throws IOException {
    if (script == null) {
      throw new IllegalArgumentException("script: null (expected: a script; start() answers by path)");
    }
    return new TestUpstream(bind(port), script);
  }

  /**
   * An upstream answering each path as {@link #on} says, over TLS from {@code context} (the JDK's engine,
   * so an edge's TLS is checked against another implementation than its own), on an ephemeral loopback
   * port; {@code requireClientCertificate} refuses clients without a certificate its context trusts.
   */
  public static TestUpstream startTls(SSLContext context, boolean requireClientCertificate) throws IOException {
    SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    socket.setReuseAddress(true);
    socket.setNeedClientAuth(requireClientCertificate);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    return new TestUpstream(socket, null);
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    return socket;
  }

  /** A port on the loopback address that refuses connections: bound, then closed again. */
  public static int refusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A fixed 200 answer with Content-Length; {@code headers} alternate names and values. */
  public static Responder ok(byte[] body, String... headers) {
    return (request, out) -> out.send(200, body, headers);
  }

  /** A script that answers every request on the connection with the same raw bytes. */
  public static Script answering(String response) {
    return connection -> {
      while (connection.read() != null) {
        connection.send(response);
      }
    };
  }

  /** The raw text of a 200 answer with a Content-Length body, for scripts. */
  public static String okResponse(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code host:port}, as the upstream client names upstreams. */
  public String name() {
    return "127.0.0.1:" + port();
  }

  public URI uri() {
    return URI.create("http://" + name());
  }

  /** {@code https://host:port}, for an upstream started with {@link #startTls}, named by {@code host}. */
  public URI httpsUri(String host) {
    return URI.create("https://" + host + ":" + port());
  }

  /** The TLS handshakes completed so far, in order. */
  public List<Handshake> handshakes() {
    return List.copyOf(handshakes);
  }

  /** {@link #uri()} with a path, for an upstream configured with a path prefix. */
  public URI uri(String path) {
    return URI.create("http://" + name() + path);
  }

  /** Answers requests for {@code path} (without query) with {@code responder}, replacing any earlier one. */
  public TestUpstream on(String path, Responder responder) {
    if (!routed) {
      throw new IllegalStateException("on(" + path + "): this upstream runs a script for every connection (expected: one from start())");
    }
    routes.put(path, responder);
    return this;
  }

  /** Every request received so far, in order of arrival. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests asked for {@code path} (without query). */
  public long count(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  /** The oldest request not yet taken by this method, waiting up to 10 s for one to arrive. */
  public Request nextRequest() throws InterruptedException {
    Request request = untaken.poll(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request reached " + name() + " within 10 s");
    }
    return request;
  }

  /** TCP connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    threads.shutdownNow();
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
      if (socket instanceof SSLSocket tls) {
        watch(tls);
      }
      Connection connection = new Connection(socket, accepted.incrementAndGet());
      try {
        threads.execute(() -> serve(connection));
      } catch (RejectedExecutionException e) {
        closeQuietly(socket); // closing down
        return;
      }
    }
  }

  /** Answers ALPN with http/1.1 when offered, and records what each handshake showed. */
  private void watch(SSLSocket socket) {
    List<String> offered = new CopyOnWriteArrayList<>();
    socket.setHandshakeApplicationProtocolSelector((s, protocols) -> {
      offered.addAll(protocols);
      return protocols.contains("http/1.1") ? "http/1.1" : "";
    });
    socket.addHandshakeCompletedListener(event -> {
      List<String> names = new ArrayList<>();
      if (event.getSession() instanceof ExtendedSSLSession session) {
        for (SNIServerName name : session.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            names.add(host.getAsciiName());
          }
        }
      }
      String subject;
      try {
        subject = event.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        subject = null;
      }
      handshakes.add(new Handshake(
          List.copyOf(names), List.copyOf(offered), subject, event.getSession().getCreationTime()));
    });
  }

  private void serve(Connection connection) {
    try {
      script.serve(connection);
    } catch (Exception e) {
      // The client went away, the script cut the connection, or the test ended: this connection is done.
    } finally {
      closeQuietly(connection.socket);
      sockets.remove(connection.socket);
    }
  }

  /** The script of {@link #start()}: each request to its path's responder, until either side closes. */
  private void route(Connection connection) throws Exception {
    for (Request request; (request = connection.read()) != null; ) {
      Responder responder = routes.get(request.path());
      if (responder == null) {
        connection.send(404, "not found\n".getBytes(StandardCharsets.US_ASCII), "Content-Type", "text/plain");
      } else {
        responder.respond(request, connection);
      }
      if (connection.closed || "close".equalsIgnoreCase(request.header("connection"))) {
        return;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** One accepted connection: requests in, bytes out. Used by its serving thread only. */
  public final class Connection {
    private final Socket socket;
    private final int number;
    private final InputStream in;
    private final OutputStream out;
    private boolean closed;

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

    /** This connection's number, from 1 in order of acceptance. */
    public int number() {
      return number;
    }

    /**
     * Reads and records one request (with its Content-Length body, if any); null when the client
     * closed the connection. Blank lines before a request line are skipped, as RFC 9112 allows.
     */
    public Request read() throws IOException {
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
      untaken.add(request);
      return request;
    }

    /** Status line and headers; {@code headers} alternate names and values. */
    public void head(int status, String... headers) throws IOException {
      StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      text.append("\r\n");
      send(text.toString());
    }

    /** A whole answer with Content-Length; {@code headers} alternate names and values. */
    public void send(int status, byte[] body, String... headers) throws IOException {
      String[] all = new String[headers.length + 2];
      System.arraycopy(headers, 0, all, 0, headers.length);
      all[headers.length] = "Content-Length";
      all[headers.length + 1] = Integer.toString(body.length);
      head(status, all);
      send(body);
    }

    /** Sends text (ISO-8859-1) exactly as given: a whole raw answer, part of one, or garbage. */
    public void send(String text) throws IOException {
      send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends bytes exactly as given, flushed. */
    public void send(byte[] bytes) throws IOException {
      write(bytes, 0, bytes.length);
    }

    /** Sends part of {@code bytes}, flushed: a body in pieces, with whatever pause the test puts between them. */
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      out.flush();
    }

    /** The socket's output, unbuffered, for a test that writes and flushes itself. */
    public OutputStream raw() {
      return out;
    }

    /** Closes the connection after what was written (a truncation if the body is short). */
    public void close() throws IOException {
      closed = true;
      socket.close();
    }

    /** Closes abruptly: an RST instead of a FIN. */
    public void reset() throws IOException {
      closed = true;
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

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 206 -> "Partial Content";
      case 304 -> "Not Modified";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
