package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import media.edge.hls.ContentKind;
import media.edge.metrics.CacheResult;

/**
 * What is known about one request while it is answered: enough to finish the response on another
 * thread and to record it in metrics and the access log. Created per request and confined to one
 * request's callbacks, which run one after another.
 */
final class Exchange {
  final long startNanos;
  final HttpMethod method;
  final HttpHeaders headers;
  /** The raw path for logs: without its query and, once located, without a path token. */
  String path;
  final boolean head;
  ContentKind kind = ContentKind.OTHER;
  CacheResult cache = CacheResult.NONE;
  /** Body bytes sent when the body went out in pieces; -1 to take Content-Length. */
  long bodyBytes = -1;
  /** The viewer's address (behind trusted proxies, the forwarded one); null until known. */
  String client;
  /** The request's token, when tokens are looked for. */
  TokenLocator.Located token;
  /** The verdict of a verified token, for a cookie; null otherwise. */
  media.edge.token.TokenVerifier.Verdict verdict;

  Exchange(long startNanos, HttpMethod method, HttpHeaders headers, String path) {
    this.startNanos = startNanos;
    this.method = method;
    this.headers = headers;
    this.path = path;
    this.head = HttpMethod.HEAD.equals(method);
  }

  String userAgent() {
    return headers.get(HttpHeaderNames.USER_AGENT);
  }
}
