package media.edge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over a plain socket, so tests can send exactly the bytes a
 * hostile or unusual client sends (bad escapes, NUL bytes, oversized lines, pipelined requests)
 * and see exactly what comes back. Not thread-safe: one connection per test.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port} with a 10 s read timeout. */
  public static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    return new RawHttp(socket);
  }

  /** Speaks over a socket the caller opened, such as an {@code SSLSocket} after its handshake. */
  public static RawHttp over(Socket socket) throws IOException {
    return new RawHttp(socket);
  }

  /** One request on a new connection: {@code GET path} with {@code headers} ("Name: value"). */
  public static Response get(int port, String path, String... headers) throws IOException {
    return request(port, "GET", path, headers);
  }

  /** One request with any method on a new connection. */
  public static Response request(int port, String method, String path, String... headers) throws IOException {
    try (RawHttp http = connect(port)) {
      http.send(method, path, headers);
      return http.read("HEAD".equals(method));
    }
  }

  /** Sends a well-formed request (Host added). */
  public void send(String method, String path, String... headers) throws IOException {
    StringBuilder request = new StringBuilder();
    request.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    request.append("\r\n");
    sendRaw(request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends bytes exactly as given. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends text (ISO-8859-1) exactly as given. */
  public void sendRaw(String text) throws IOException {
    sendRaw(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The raw input, for tests that read a streamed body piece by piece. */
  public InputStream in() {
    return in;
  }

  /** The socket, for tests that shrink buffers or check closing. */
  public Socket socket() {
    return socket;
  }

  /** True when the server closed the connection (reads end of stream within the read timeout). */
  public boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Reads one response; {@code head} says there is no body whatever Content-Length says. */
  public Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    boolean noBody = head || status == 204 || status == 304 || status / 100 == 1;
    if (!noBody) {
      List<String> length = headers.get("content-length");
      List<String> encoding = headers.get("transfer-encoding");
      if (length != null) {
        body = in.readNBytes(Integer.parseInt(length.get(0)));
      } else if (encoding != null && encoding.get(0).contains("chunked")) {
        body = chunked();
      } else {
        body = in.readAllBytes();
      }
    }
    return new Response(status, headers, body);
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      int n = Integer.parseInt(size.split(";")[0].trim(), 16);
      if (n == 0) {
        while (!line().isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      line();
    }
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
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A parsed response; header names are lower-case. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
