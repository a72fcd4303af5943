package media.edge.upstream;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Request fields with which a client could steer what an origin answers, and that are never part of the
 * cache key: the host, scheme, port or path prefix the origin believes it was reached by (and so writes
 * into redirects, absolute playlist URIs and links), a URL that replaces the request's, and a method that
 * replaces its method. Forwarded, they let one client get a reflected value ({@code X-Forwarded-Host:
 * evil}) cached under a URL that every other viewer asks for; so they are never sent upstream.
 * X-Forwarded-For and Via, which this edge sets itself, are not in the list.
 *
 * <p>The one list: {@link OutgoingRequest} removes these from everything sent upstream, and the edge's
 * Vary matching treats them as absent, as the upstream saw them. Stateless and thread-safe.
 */
public final class SteeringFields {
  private static final List<String> NAMES = List.of(
      "x-forwarded-host", "x-host", "x-original-host", "x-forwarded-server", "x-forwarded-port",
      "x-forwarded-prefix", "x-forwarded-proto", "x-forwarded-scheme", "x-forwarded-ssl", "x-url-scheme",
      "front-end-https", "x-original-url", "x-rewrite-url", "x-http-method-override", "x-http-method",
      "x-method-override", "forwarded");
  private static final Set<String> LOWER = Set.copyOf(NAMES);

  private SteeringFields() {}

  /** True for a field never sent upstream; {@code name} in any case. */
  public static boolean contains(String name) {
    return LOWER.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Removes every such field from {@code headers}, which must be a copy this caller owns. */
  static void remove(HttpHeaders headers) {
    NAMES.forEach(headers::remove);
  }
}
