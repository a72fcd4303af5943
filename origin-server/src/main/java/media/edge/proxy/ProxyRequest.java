package media.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import media.edge.hls.ContentKind;
import media.edge.httpcache.CacheControl;

/**
 * One client request as the edge cache sees it.
 *
 * @param method the client's method
 * @param key the primary cache key: the path and the query without the token
 * @param pathAndQuery what is asked of the upstream (the same as the key today)
 * @param forwarded the headers sent upstream: the client's end-to-end headers without the token, the
 *     conditional and range headers (the cache manages those itself) and Accept-Encoding (the cache
 *     stores identity bodies and compresses on the way out), plus X-Forwarded-For; Vary is matched
 *     against these
 * @param cacheControl the client's request directives
 * @param kind the HLS content kind, from the path
 */
public record ProxyRequest(
    HttpMethod method,
    String key,
    String pathAndQuery,
    HttpHeaders forwarded,
    CacheControl cacheControl,
    ContentKind kind) {}
