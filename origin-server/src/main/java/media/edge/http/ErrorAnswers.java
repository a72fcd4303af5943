package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The one error shape: a short plain-text body naming only the status ({@code 404 Not Found}), with
 * {@code Content-Length} so that keep-alive survives, the configured error {@code Cache-Control} and
 * {@code nosniff}. Nothing from the request or the file system is echoed.
 *
 * <p>Immutable and thread-safe; bodies are made once per status.
 */
final class ErrorAnswers {
  private final Fields fields;
  private final byte[][] bodies = new byte[500][];

  ErrorAnswers(String errorCacheControl) {
    this.fields =
        Fields.builder()
            .add(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
            .add(HttpHeaderNames.CACHE_CONTROL, errorCacheControl)
            .add("x-content-type-options", "nosniff")
            .build();
  }

  /** The fields of every error answer. */
  Fields fields() {
    return fields;
  }

  /** The body for {@code status}: its code and reason phrase, and a newline. */
  byte[] body(int status) {
    int slot = status - 100;
    if (slot < 0 || slot >= bodies.length) {
      return (status + "\n").getBytes(StandardCharsets.US_ASCII);
    }
    byte[] body = bodies[slot];
    if (body == null) {
      body = (status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
      bodies[slot] = body;
    }
    return body;
  }
}
