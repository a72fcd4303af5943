package media.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** Connection-scoped fields never cross the edge, in either direction. */
class HopByHopTest {

  @Test
  void strip_removesEveryFixedHopByHopField() {
    HttpHeaders headers = new DefaultHttpHeaders()
        .add("Connection", "keep-alive")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Connection", "keep-alive")
        .add("TE", "trailers")
        .add("Trailer", "Expires")
        .add("Transfer-Encoding", "chunked")
        .add("Upgrade", "h2c")
        .add("Proxy-Authenticate", "Basic")
        .add("Proxy-Authorization", "Basic dXNlcjpwYXNz")
        .add("Cache-Control", "max-age=60");

    HttpHeaders stripped = HopByHop.strip(headers);

    assertThat(stripped.names()).containsExactly("Cache-Control");
  }

  @Test
  void strip_removesFieldsNamedInConnection_caseInsensitively() {
    HttpHeaders headers = new DefaultHttpHeaders()
        .add("Connection", "X-Secret , close")
        .add("connection", "x-other")
        .add("x-secret", "1")
        .add("X-OTHER", "2")
        .add("Close", "not really a header, but named")
        .add("X-Kept", "3");

    HttpHeaders stripped = HopByHop.strip(headers);

    assertThat(stripped.names()).containsExactly("X-Kept");
  }

  @Test
  void strip_keepsEndToEndFieldsWithRepeatedValuesInOrder() {
    HttpHeaders headers = new DefaultHttpHeaders()
        .add("Set-Cookie", "a=1")
        .add("Set-Cookie", "b=2")
        .add("ETag", "\"v1\"")
        .add("Content-Length", "10");

    HttpHeaders stripped = HopByHop.strip(headers);

    assertThat(stripped.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
    assertThat(stripped.get("ETag")).isEqualTo("\"v1\"");
    assertThat(stripped.get("Content-Length")).isEqualTo("10");
  }

  @Test
  void strip_leavesItsInputUnchanged() {
    HttpHeaders headers = new DefaultHttpHeaders().add("Connection", "X-A").add("X-A", "1");

    HopByHop.strip(headers);

    assertThat(headers.names()).containsExactly("Connection", "X-A");
  }
}
