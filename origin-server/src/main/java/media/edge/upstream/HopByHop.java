package media.edge.upstream;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes the fields that describe one connection rather than the message (RFC 9110 section 7.6.1), so that
 * they are not forwarded: what the client negotiated with the edge is not what the edge negotiates with the
 * origin, and a {@code Connection: X-Secret} from either side must not let {@code X-Secret} through.
 *
 * <p>Stateless and thread-safe.
 */
public final class HopByHop {
  private static final Set<AsciiString> ALWAYS =
      Set.of(
          HttpHeaderNames.CONNECTION,
          AsciiString.cached("keep-alive"),
          AsciiString.cached("proxy-connection"),
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION);

  private HopByHop() {}

  /**
   * Returns a copy of {@code headers} without Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
   * Transfer-Encoding, Upgrade, Proxy-Authenticate, Proxy-Authorization and every field that a Connection
   * header names. The input is not changed.
   */
  public static HttpHeaders strip(HttpHeaders headers) {
    Set<String> named = connectionOptions(headers);
    HttpHeaders copy = new DefaultHttpHeaders();
    for (Map.Entry<String, String> header : headers) {
      AsciiString name = AsciiString.of(header.getKey()).toLowerCase();
      if (!ALWAYS.contains(name) && !named.contains(name.toString())) {
        copy.add(header.getKey(), header.getValue());
      }
    }
    return copy;
  }

  /** The lower-case field names listed in every Connection header, for example {@code close, x-secret}. */
  private static Set<String> connectionOptions(HttpHeaders headers) {
    Set<String> names = new HashSet<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          names.add(name.toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }
}
