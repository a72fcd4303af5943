package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Updating stored header fields from a 304 (RFC 9111 section 3.2): each field of the 304 replaces
 * all stored lines of that name, except
 *
 * <ul>
 *   <li>{@code Content-Length}, which the RFC excludes: it describes the 304, not our content;
 *   <li>{@code Content-Encoding} and {@code Content-Range}, which describe the stored bytes and
 *       cannot change without them (the "integrity" exception of section 3.2);
 *   <li>hop-by-hop fields and those named in the 304's {@code Connection}, which are never stored
 *       (section 3.1), in case the caller missed one.
 * </ul>
 *
 * <p>The stored {@code Date} and {@code Age} described the old message; when the 304 carries
 * none, they are dropped rather than kept, so that age is reckoned from the revalidation.
 */
final class NotModifiedUpdate {
  private static final Set<String> EXCLUDED = Set.of(
      // Fields that describe the stored body's bytes, which a 304 (having none) cannot speak for.
      "content-length", "content-encoding", "content-range", "content-md5", "content-digest", "repr-digest",
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authenticate", "proxy-authentication-info", "proxy-authorization");

  private NotModifiedUpdate() {}

  static HttpHeaders merge(HttpHeaders stored, HttpHeaders notModified) {
    Set<String> excluded = new HashSet<>(EXCLUDED);
    for (String line : notModified.getAll(HttpHeaderNames.CONNECTION)) {
      for (String name : line.split(",")) {
        excluded.add(name.strip().toLowerCase(Locale.ROOT));
      }
    }
    HttpHeaders merged = HeaderFields.copy(stored);
    if (!notModified.contains(HttpHeaderNames.DATE)) {
      merged.remove(HttpHeaderNames.DATE);
    }
    if (!notModified.contains(HttpHeaderNames.AGE)) {
      merged.remove(HttpHeaderNames.AGE);
    }
    Set<String> done = new HashSet<>();
    for (String name : notModified.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!excluded.contains(lower) && done.add(lower)) {
        merged.set(name, notModified.getAll(name));
      }
    }
    return merged;
  }
}
