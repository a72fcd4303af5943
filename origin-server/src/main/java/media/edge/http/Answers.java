package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import media.edge.hls.ContentKind;
import media.edge.httpdate.HttpDate;

/**
 * The one decision from a request and a representation to an answer, for every source: memory hits,
 * library files, disk-tier hits, edge hits and responses still arriving from upstream.
 *
 * <p>First, a body that has a content coding of its own ({@link #acceptsCodings}, which a pass-through
 * answer, not decided here, asks too) (an upstream sent it gzip-encoded although the
 * edge asked for identity) goes only to a client whose Accept-Encoding accepts every coding it lists;
 * any other client gets 406, whatever the status, since the bytes are never decoded here (issue 15: a
 * client that did not ask for gzip must never receive gzip bytes). Then, in the order of RFC 9110
 * section 13.2.2, for a representation whose status is 200 (any other stored status, a 404 or a
 * redirect, is sent as it is):
 *
 * <ol>
 *   <li>{@code If-Match} (strong comparison), else {@code If-Unmodified-Since} when the representation
 *       has a date: 412 when it fails;
 *   <li>{@code If-None-Match} (weak comparison), else {@code If-Modified-Since} (second precision): 304
 *       for GET and HEAD when the client's copy is current; malformed dates are ignored;
 *   <li>{@code Range}, unless {@code If-Range} names another version or the answer is per viewer (a
 *       playlist carrying the viewer's token, whose bytes are not the stored ones): 206 for one
 *       satisfiable range, 416 for one that starts past the end, the whole body otherwise (several
 *       ranges, other units, bad syntax: RFC 9110 allows ignoring them, and players never send them);
 *   <li>the whole body, with the viewer's token in every URI when it propagates, gzip (or deflate)
 *       for playlists whose client accepts it: the stored gzip form when there is one, else compressed
 *       for the answer. Other content goes as gzip only where its source keeps a gzip form (the player
 *       page's script). Segments and ranges are never compressed, nor is a body sent from a file (a
 *       playlist larger than the memory tier takes): its bytes are not in memory to compress.
 * </ol>
 *
 * <p>Stateless; safe from any thread.
 */
public final class Answers {
  private Answers() {}

  /**
   * Decides the answer to {@code request} from {@code representation}.
   *
   * @param viewerToken true when the request's query token goes into the URIs of a playlist answer
   * @param gzipPlaylists whether playlists may be compressed ({@code http.gzip-playlists})
   */
  public static Answer decide(Request request, boolean viewerToken, Representation representation, boolean gzipPlaylists) {
    if (representation.contentEncoded()
        && statusAllowsBody(representation.status())
        && !acceptsCodings(request.header(HttpHeaderNames.ACCEPT_ENCODING), representation.contentEncoding())) {
      return bodiless(Answer.Kind.NOT_ACCEPTABLE, representation);
    }
    boolean arriving = representation.body() == Body.Arriving.INSTANCE;
    boolean perViewer = viewerToken
        && representation.kind() == ContentKind.PLAYLIST
        && representation.status() == 200
        && !representation.contentEncoded();
    if (representation.status() == 200) {
      String etag = representation.etag();
      long modified = representation.modifiedSeconds();
      String ifMatch = request.header(HttpHeaderNames.IF_MATCH);
      if (ifMatch != null) {
        if (!Preconditions.ifMatch(ifMatch, etag)) {
          return bodiless(Answer.Kind.PRECONDITION_FAILED, representation);
        }
      } else {
        String ifUnmodifiedSince = request.header(HttpHeaderNames.IF_UNMODIFIED_SINCE);
        if (ifUnmodifiedSince != null && modified != HttpDate.MALFORMED) {
          long date = HttpDate.parse(ifUnmodifiedSince);
          if (date != HttpDate.MALFORMED && modified > date) {
            return bodiless(Answer.Kind.PRECONDITION_FAILED, representation);
          }
        }
      }
      String ifNoneMatch = request.header(HttpHeaderNames.IF_NONE_MATCH);
      boolean notModified = ifNoneMatch != null
          ? Preconditions.ifNoneMatch(ifNoneMatch, etag)
          : Preconditions.notModifiedSince(request.header(HttpHeaderNames.IF_MODIFIED_SINCE), modified);
      if (notModified) {
        return notModified(request, representation, perViewer, gzipPlaylists);
      }
      String range = perViewer ? null : request.header(HttpHeaderNames.RANGE);
      if (range != null && Preconditions.rangeApplies(request.header(HttpHeaderNames.IF_RANGE), etag, modified)) {
        long length = representation.length();
        if (length < 0) {
          return bodiless(Answer.Kind.NEEDS_WHOLE_BODY, representation);
        }
        ByteRange.Parsed parsed = ByteRange.parse(range, length);
        if (parsed.kind() == ByteRange.Kind.UNSATISFIABLE) {
          return bodiless(Answer.Kind.RANGE_NOT_SATISFIABLE, representation);
        }
        if (parsed.kind() == ByteRange.Kind.SATISFIABLE) {
          ByteRange r = parsed.range();
          return new Answer(Answer.Kind.PARTIAL, representation, r.first(), r.length(), false, Answer.Coding.IDENTITY);
        }
      }
    }
    Answer.Coding coding = coding(request, representation, perViewer, gzipPlaylists);
    if (arriving && (perViewer || coding != Answer.Coding.IDENTITY)) {
      return bodiless(Answer.Kind.NEEDS_WHOLE_BODY, representation);
    }
    if (coding == Answer.Coding.STORED_GZIP) {
      Representation gzip = representation.variants().gzip();
      if (gzip != null) {
        return gzip.whole(coding);
      }
      coding = HttpMethod.HEAD.equals(request.method()) ? Answer.Coding.IDENTITY : Answer.Coding.GZIP;
    }
    if (!perViewer && coding == Answer.Coding.IDENTITY) {
      return representation.whole();
    }
    return new Answer(Answer.Kind.FULL, representation, 0, representation.length(), perViewer, coding);
  }

  /**
   * A 304 with the validator the 200 would carry (RFC 9110 section 15.4.5): a compressed answer's is
   * weak, as is a per-viewer one's.
   */
  private static Answer notModified(Request request, Representation representation, boolean perViewer, boolean gzip) {
    Answer.Coding coding = coding(request, representation, perViewer, gzip);
    if (coding == Answer.Coding.IDENTITY && !perViewer) {
      return representation.notModified();
    }
    if (coding == Answer.Coding.STORED_GZIP) {
      coding = Answer.Coding.GZIP; // the same validator as the stored copy's: the weak form
    }
    return new Answer(Answer.Kind.NOT_MODIFIED, representation, 0, 0, perViewer, coding);
  }

  private static Answer bodiless(Answer.Kind kind, Representation representation) {
    return kind == Answer.Kind.NOT_MODIFIED
        ? representation.notModified()
        : new Answer(kind, representation, 0, 0, false, Answer.Coding.IDENTITY);
  }

  private static Answer.Coding coding(
      Request request, Representation representation, boolean perViewer, boolean gzipPlaylists) {
    if (representation.status() != 200
        || representation.contentEncoded()
        || representation.body() instanceof Body.InFile) {
      return Answer.Coding.IDENTITY;
    }
    boolean playlist = gzipPlaylists && representation.kind() == ContentKind.PLAYLIST;
    // Other content is compressed only where its source keeps a gzip form (the player page's script).
    if (!playlist && representation.variants().gzip() == null) {
      return Answer.Coding.IDENTITY;
    }
    String accept = request.header(HttpHeaderNames.ACCEPT_ENCODING);
    if (accept == null) {
      return Answer.Coding.IDENTITY;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (AcceptEncoding.accepts(accept, "gzip")) {
      // A HEAD gets the headers of the stored gzip form, never a compression made only to be measured.
      return perViewer ? (head ? Answer.Coding.IDENTITY : Answer.Coding.GZIP) : Answer.Coding.STORED_GZIP;
    }
    return playlist && !head && AcceptEncoding.accepts(accept, "deflate") ? Answer.Coding.DEFLATE : Answer.Coding.IDENTITY;
  }

  /**
   * True when {@code accept} (an Accept-Encoding value, may be null) accepts every coding of {@code
   * contentEncoding} (a Content-Encoding value such as {@code gzip} or {@code deflate, br}); {@code
   * identity} needs no acceptance. No Accept-Encoding accepts no coding: RFC 9110 would allow any, but
   * players and tools that send none rarely decode.
   */
  public static boolean acceptsCodings(String accept, String contentEncoding) {
    for (String coding : contentEncoding.split(",")) {
      String name = coding.strip();
      boolean needsAcceptance = !name.isEmpty() && !name.equalsIgnoreCase("identity");
      if (needsAcceptance && !AcceptEncoding.accepts(accept, name.toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  /** Statuses whose answers never have a body, whatever Content-Length says (RFC 9110 section 6.4.1). */
  static boolean statusAllowsBody(int status) {
    return status >= 200 && status != 204 && status != 304;
  }
}
