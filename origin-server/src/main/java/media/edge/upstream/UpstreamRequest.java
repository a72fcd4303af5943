package media.edge.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;

/**
 * One request to send upstream.
 *
 * @param method the method; GET, HEAD, OPTIONS, PUT and DELETE may be retried on a fresh connection
 * @param pathAndQuery origin-form target, starting with '/'; the upstream URI's path is put in front
 * @param headers the client's headers; hop-by-hop fields are removed before sending ({@code null}: none)
 * @param body the request body or {@code null}; owned by the client once passed to {@link
 *     UpstreamClient#fetch}, and released by it in every case
 * @param hashKey the cache key that chooses the parent ({@code null}: {@code pathAndQuery})
 * @param responseTimeout the wait for response headers, when not {@code upstream.response-timeout}'s: a
 *     request the upstream holds on purpose (a blocking playlist reload); null for the usual one
 */
public record UpstreamRequest(
    HttpMethod method, String pathAndQuery, HttpHeaders headers, ByteBuf body, String hashKey, Duration responseTimeout) {

  /** A request with the usual response timeout. */
  public UpstreamRequest(HttpMethod method, String pathAndQuery, HttpHeaders headers, ByteBuf body, String hashKey) {
    this(method, pathAndQuery, headers, body, hashKey, null);
  }

  /** Validates; an invalid request releases {@code body} before throwing, so that nothing leaks. */
  public UpstreamRequest {
    String problem = problem(method, pathAndQuery);
    if (problem != null) {
      if (body != null) {
        body.release();
      }
      throw new IllegalArgumentException(problem);
    }
    headers = headers == null ? EmptyHttpHeaders.INSTANCE : headers;
    hashKey = hashKey == null ? pathAndQuery : hashKey;
  }

  /** A GET without headers or body. */
  public static UpstreamRequest get(String pathAndQuery, String hashKey) {
    return new UpstreamRequest(HttpMethod.GET, pathAndQuery, null, null, hashKey);
  }

  /** The path without the query string, safe to log and to put in error messages. */
  public String path() {
    int query = pathAndQuery.indexOf('?');
    return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
  }

  /** Whether resending is harmless (RFC 9110 section 9.2.2). */
  boolean idempotent() {
    return method.equals(HttpMethod.GET)
        || method.equals(HttpMethod.HEAD)
        || method.equals(HttpMethod.OPTIONS)
        || method.equals(HttpMethod.PUT)
        || method.equals(HttpMethod.DELETE);
  }

  private static String problem(HttpMethod method, String pathAndQuery) {
    if (method == null) {
      return "method: null (expected: an HTTP method)";
    }
    if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
      return "pathAndQuery: " + pathAndQuery + " (expected: a path starting with '/')";
    }
    // Control characters or spaces would split the request line: refuse rather than forward them.
    if (pathAndQuery.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return "pathAndQuery: contains a space or control character (expected: an encoded path)";
    }
    return null;
  }
}
