package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * A request as the gate and the responders see it, whatever protocol brought it: an HTTP/1.1 head
 * parsed by {@link Http1Decoder}, or an HTTP/2 stream turned into an HTTP/1.1-shaped message by Netty.
 *
 * <p>Header values are read on demand and only the fields asked for become strings, so a memory hit
 * reads a handful. A request may refer to pooled memory until it is {@linkplain #detach() detached}:
 * anything that keeps it past the synchronous part of an answer (an upstream fetch, a background
 * revalidation) detaches it first.
 *
 * <p>Confined to the thread that answers it, except after {@link #detach()}, when it is immutable.
 */
public abstract class Request {
  /** Why a request could not be decoded, each answered with its own status. */
  public enum Failure {
    /** 400: not HTTP, or framing that cannot be trusted (smuggling). */
    MALFORMED(400),
    /** 414: the request line is longer than {@code server.max-uri-bytes}. */
    URI_TOO_LONG(414),
    /** 431: the header section is larger than {@code server.max-header-bytes}. */
    HEADERS_TOO_LARGE(431),
    /** 413: a body larger than the method's allowance. */
    BODY_TOO_LARGE(413),
    /** 505: a major version other than 1 on an HTTP/1 connection. */
    VERSION(505),
    /** 501: a transfer coding other than chunked. */
    TRANSFER_CODING(501),
    /** 417: an {@code Expect} other than {@code 100-continue}. */
    EXPECTATION(417),
    /** 408: the request did not arrive whole within {@code server.header-timeout}. */
    TIMEOUT(408),
    /** 403: a large body refused on its head, for its token, before it was read. */
    FORBIDDEN(403);

    private final int status;

    Failure(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public abstract HttpMethod method();

  /** The request target as sent: origin-form {@code /a/b?q}, or absolute-form. */
  public abstract String uri();

  /**
   * The raw (still percent-encoded) path of the target, without its query: origin-form {@code /a/b?q}
   * gives {@code /a/b}, absolute-form {@code http://host/a/b} gives {@code /a/b}; null when the target has
   * no usable path (asterisk-form, authority-form, garbage).
   */
  public String rawPath() {
    return RequestTarget.path(uri());
  }

  /** The raw (still percent-encoded) value of query parameter {@code name}, or null when absent. */
  public String queryParameter(String name) {
    return RequestTarget.queryParameter(uri(), name);
  }

  /**
   * The query without parameter {@code name} (and without empty parameters), in its order, or null
   * when nothing else is left: {@code a=1&hdnts=x&b=2} without {@code hdnts} is {@code a=1&b=2}.
   */
  public String queryWithout(String name) {
    String uri = uri();
    int question = uri.indexOf('?');
    if (question < 0) {
      return null;
    }
    int hash = uri.indexOf('#', question);
    StringBuilder kept = new StringBuilder();
    for (String pair : uri.substring(question + 1, hash < 0 ? uri.length() : hash).split("&")) {
      int eq = pair.indexOf('=');
      if (!pair.isEmpty() && !(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
        kept.append(kept.length() == 0 ? "" : "&").append(pair);
      }
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /**
   * True when a field called {@code name} lists {@code token} among its comma-separated members,
   * ignoring case ({@code Connection: keep-alive, Upgrade}).
   */
  public boolean hasToken(CharSequence name, CharSequence token) {
    for (String line : headers(name)) {
      for (String member : line.split(",")) {
        if (member.strip().contentEquals(token) || member.strip().equalsIgnoreCase(token.toString())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first value of {@code name} (case-insensitive), or null. */
  public abstract String header(CharSequence name);

  /** Every value of {@code name}, in order; empty when absent. */
  public abstract List<String> headers(CharSequence name);

  /** True when a field called {@code name} is present. */
  public abstract boolean contains(CharSequence name);

  /** A heap copy of every field, for what is forwarded upstream or kept. */
  public abstract HttpHeaders copyHeaders();

  /** The body: empty for bodiless requests. Owned by the request; valid until the answer ends. */
  public abstract ByteBuf body();

  /** Why decoding failed, or null. */
  public abstract Failure failure();

  /** True for HTTP/1.0 (keep-alive only when asked for), false for HTTP/1.1 and HTTP/2. */
  public abstract boolean http10();

  /**
   * The value of {@code User-Agent}, for the access log, without making it a string when the log
   * can copy the bytes; see {@link #writeHeaderValue}.
   */
  public abstract boolean writeHeaderValue(CharSequence name, JsonBytes out);

  /**
   * Copies everything this request refers to in pooled memory onto the heap: afterwards it stays
   * readable from any thread after its answer ended. Cheap when there is nothing to copy.
   */
  public abstract void detach();

  /** Gives back pooled memory (the head bytes, the body); called once, when the answer ended. */
  abstract void release();
}
