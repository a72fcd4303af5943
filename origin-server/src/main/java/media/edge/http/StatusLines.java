package media.edge.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code HTTP/1.1 <code> <reason>\r\n} for every status, encoded once.
 *
 * <p>Thread-safe: the table is filled lazily with identical arrays; a race only formats one twice.
 */
final class StatusLines {
  private static final byte[][] LINES = new byte[500][];

  private StatusLines() {}

  /** The status line of {@code code} (100 to 599; anything else is sent as 500's line would be, with its own code). */
  static byte[] of(int code) {
    int slot = code - 100;
    if (slot < 0 || slot >= LINES.length) {
      return ("HTTP/1.1 " + code + " Unknown\r\n").getBytes(StandardCharsets.US_ASCII);
    }
    byte[] line = LINES[slot];
    if (line == null) {
      line = ("HTTP/1.1 " + code + " " + HttpResponseStatus.valueOf(code).reasonPhrase() + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      LINES[slot] = line;
    }
    return line;
  }
}
