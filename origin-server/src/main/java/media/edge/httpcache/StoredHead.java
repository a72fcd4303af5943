package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import media.edge.httpdate.HttpDate;

/**
 * The metadata of one stored response: status, end-to-end headers, when it was requested and
 * received, and the freshness lifetime fixed when it was stored (RFC 9111 section 4.2.1). Age,
 * freshness and staleness are computed against a time passed in, never the clock.
 *
 * <p>A response stored without a valid {@code Date} gets one recording when it was received, as
 * RFC 9110 section 6.6.1 asks of a cache; its age and {@code Expires} are then reckoned from that.
 *
 * <p>Immutable and thread-safe: {@link #headers()} is a read-only view that throws on mutation.
 */
public final class StoredHead {
  /** The end of year 9999 in epoch milliseconds: any time beyond it is a bug or a corrupt file. */
  static final long MAX_MILLIS = 253_402_300_799_999L;

  private final int status;
  private final HttpHeaders headers;
  private final long requestMillis;
  private final long responseMillis;
  private final long lifetimeMillis;
  private final CacheControl cacheControl;
  private final long initialAgeMillis;

  private StoredHead(int status, HttpHeaders headers, long requestMillis, long responseMillis, long lifetimeMillis,
      CacheControl cacheControl) {
    this.status = status;
    this.headers = headers;
    this.requestMillis = requestMillis;
    this.responseMillis = responseMillis;
    this.lifetimeMillis = lifetimeMillis;
    this.cacheControl = cacheControl;
    this.initialAgeMillis = Freshness.initialAgeMillis(headers, requestMillis, responseMillis);
  }

  /**
   * The head of a response about to be stored. {@code headers} are copied; the caller has already
   * removed hop-by-hop fields. {@code heuristicLifetimeMillis} (-1 for none) applies only when the
   * response has no {@code s-maxage}, {@code max-age} or {@code Expires}.
   *
   * @throws IllegalArgumentException when the status is not three digits, a time is negative or
   *     beyond year 9999, the heuristic is below -1, or a header name is not a token or a value
   *     holds CR, LF or NUL
   */
  public static StoredHead of(int status, HttpHeaders headers, long requestMillis, long responseMillis,
      long heuristicLifetimeMillis) {
    checkStatus(status);
    checkTime("requestMillis", requestMillis);
    checkTime("responseMillis", responseMillis);
    HeaderFields.check(headers);
    if (heuristicLifetimeMillis < -1) {
      throw new IllegalArgumentException(
          "heuristicLifetimeMillis: " + heuristicLifetimeMillis + " (expected: >= 0, or -1 for none)");
    }
    HttpHeaders copy = HeaderFields.copy(headers);
    if (HttpDate.parse(copy.get(HttpHeaderNames.DATE)) == Long.MIN_VALUE) {
      copy.set(HttpHeaderNames.DATE, HttpDate.format(Math.floorDiv(responseMillis, 1000L)));
    }
    CacheControl control = CacheControl.parse(copy);
    long lifetime = Freshness.lifetimeMillis(status, copy, control, responseMillis, heuristicLifetimeMillis);
    return new StoredHead(status, readOnly(copy), requestMillis, responseMillis, lifetime, control);
  }

  /** A head as persisted: the lifetime is taken as stored, not recomputed. */
  static StoredHead restore(int status, HttpHeaders headers, long requestMillis, long responseMillis,
      long lifetimeMillis) {
    checkStatus(status);
    checkTime("requestMillis", requestMillis);
    checkTime("responseMillis", responseMillis);
    if (lifetimeMillis < 0) {
      throw new IllegalArgumentException("lifetimeMillis: " + lifetimeMillis + " (expected: >= 0)");
    }
    HeaderFields.check(headers);
    return new StoredHead(
        status, readOnly(headers), requestMillis, responseMillis, lifetimeMillis, CacheControl.parse(headers));
  }

  public int status() {
    return status;
  }

  /** The stored end-to-end headers; read-only. */
  public HttpHeaders headers() {
    return headers;
  }

  /** When the request that produced this response was sent. */
  public long requestMillis() {
    return requestMillis;
  }

  /** When this response's headers were received. */
  public long responseMillis() {
    return responseMillis;
  }

  /** The freshness lifetime fixed when the response was stored. */
  public long lifetimeMillis() {
    return lifetimeMillis;
  }

  public CacheControl cacheControl() {
    return cacheControl;
  }

  /**
   * {@code current_age} (RFC 9111 section 4.2.3): the age on arrival plus the time spent here;
   * never negative, even if {@code nowMillis} is before the response arrived.
   */
  public long ageMillis(long nowMillis) {
    return initialAgeMillis + Math.max(0, nowMillis - responseMillis);
  }

  /** The value of the {@code Age} header to send: whole seconds, floored, at most 2^31 - 1. */
  public int ageSeconds(long nowMillis) {
    return (int) Math.min(Integer.MAX_VALUE, ageMillis(nowMillis) / 1000);
  }

  /** Fresh while the lifetime exceeds the age (strictly, as in section 4.2). */
  public boolean isFresh(long nowMillis) {
    return lifetimeMillis > ageMillis(nowMillis);
  }

  /** How long ago the response became stale; 0 while fresh. */
  public long stalenessMillis(long nowMillis) {
    return Math.max(0, ageMillis(nowMillis) - lifetimeMillis);
  }

  /** True when a conditional request can revalidate this response: it has an ETag or Last-Modified. */
  public boolean hasValidators() {
    return Validators.etag(headers) != null || Validators.lastModified(headers) != null;
  }

  /**
   * The headers that turn a request to the origin into a revalidation of this response (RFC 9111
   * section 4.3.1): {@code If-None-Match} with the ETag and {@code If-Modified-Since} with
   * Last-Modified, each when present; empty when there are no validators.
   */
  public HttpHeaders conditionalHeaders() {
    HttpHeaders conditional = HeaderFields.newHeaders();
    String etag = Validators.etag(headers);
    if (etag != null) {
      conditional.set(HttpHeaderNames.IF_NONE_MATCH, etag);
    }
    String lastModified = Validators.lastModified(headers);
    if (lastModified != null) {
      conditional.set(HttpHeaderNames.IF_MODIFIED_SINCE, lastModified);
    }
    return conditional;
  }

  /**
   * Whether a 304 applies to this response (RFC 9111 section 4.3.4). A strong ETag in the 304
   * must equal ours, a weak one must match ours weakly; with no ETag, a Last-Modified must equal
   * ours. A 304 without validators is accepted: it answers the conditional request we built from
   * this very response, so there is nothing else it could be about. When false, the stored
   * response must not be updated and the caller should fetch the full response instead.
   */
  public boolean isSelectedBy(HttpHeaders notModifiedHeaders) {
    String theirEtag = Validators.etag(notModifiedHeaders);
    String ourEtag = Validators.etag(headers);
    if (theirEtag != null) {
      if (ourEtag == null) {
        return false;
      }
      return Validators.isWeak(theirEtag)
          ? Validators.weaklyEqual(theirEtag, ourEtag)
          : Validators.stronglyEqual(theirEtag, ourEtag);
    }
    String theirs = notModifiedHeaders.get(HttpHeaderNames.LAST_MODIFIED);
    if (theirs != null) {
      long theirSeconds = HttpDate.parse(theirs);
      long ourSeconds = HttpDate.parse(headers.get(HttpHeaderNames.LAST_MODIFIED));
      return theirSeconds != Long.MIN_VALUE && theirSeconds == ourSeconds;
    }
    return true;
  }

  /**
   * This response freshened by a 304 (RFC 9111 sections 3.2 and 4.3.4): each of its header fields
   * replaces ours, except {@code Content-Length}, {@code Content-Encoding}, {@code Content-Range}
   * and hop-by-hop fields, which describe the 304 or the stored bytes; our {@code Date} and {@code
   * Age} are dropped when the 304 has none. The timing is that of the revalidation and the
   * lifetime is computed anew; the status and content stay as stored.
   *
   * @throws IllegalArgumentException as {@link #of} does, for a 304 with fields unfit to store
   */
  public StoredHead refreshedBy(HttpHeaders notModifiedHeaders, long requestMillis, long responseMillis,
      long heuristicLifetimeMillis) {
    HttpHeaders merged = NotModifiedUpdate.merge(headers, notModifiedHeaders);
    return of(status, merged, requestMillis, responseMillis, heuristicLifetimeMillis);
  }

  /** A compact, versioned, checksummed binary form for persisting this head. */
  public byte[] encode() {
    return HeadCodec.encode(this);
  }

  /**
   * Reads what {@link #encode()} wrote.
   *
   * @throws IllegalArgumentException when the bytes are truncated, corrupt or of an unknown version
   */
  public static StoredHead decode(byte[] bytes) {
    return HeadCodec.decode(bytes);
  }

  @Override
  public String toString() {
    return "StoredHead[status=" + status + ", requestMillis=" + requestMillis + ", responseMillis=" + responseMillis
        + ", lifetimeMillis=" + lifetimeMillis + ", headers=" + headers.size() + "]";
  }

  private static HttpHeaders readOnly(HttpHeaders headers) {
    List<CharSequence> pairs = new ArrayList<>(headers.size() * 2);
    for (Map.Entry<String, String> entry : headers) {
      pairs.add(entry.getKey());
      pairs.add(entry.getValue());
    }
    return new ReadOnlyHttpHeaders(false, pairs.toArray(new CharSequence[0]));
  }

  private static void checkStatus(int status) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100-999)");
    }
  }

  private static void checkTime(String name, long millis) {
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException(name + ": " + millis + " (expected: 0-" + MAX_MILLIS + ")");
    }
  }
}
