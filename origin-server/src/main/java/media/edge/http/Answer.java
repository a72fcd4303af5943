package media.edge.http;

/**
 * What {@link Answers#decide} made of one request against one representation: the kind of answer, the
 * window of the body it sends, and the transformations it needs (the viewer's token in every URI, a
 * content coding).
 *
 * @param kind the answer's kind
 * @param representation what is sent: the one decided on, or its stored gzip form
 * @param first the first body byte sent (0 for a whole body)
 * @param count body bytes sent; -1 while the length is unknown (a body arriving without one)
 * @param rewrite true when the playlist gets the viewer's token in every URI (a per-viewer answer)
 * @param coding the content coding applied on the way out
 */
public record Answer(Kind kind, Representation representation, long first, long count, boolean rewrite, Coding coding) {

  /** The kinds of answers, each with its status. */
  public enum Kind {
    /** The representation's own status (200 for files) with the whole body. */
    FULL,
    /** 206 with {@code first}..{@code first + count - 1}. */
    PARTIAL,
    /** 304: the client's copy is current. */
    NOT_MODIFIED,
    /** 412: {@code If-Match} or {@code If-Unmodified-Since} failed. */
    PRECONDITION_FAILED,
    /** 416 with {@code Content-Range: bytes *&#47;length}. */
    RANGE_NOT_SATISFIABLE,
    /**
     * 406: the body has a content coding of its own (an upstream's gzip, say) that the client's
     * Accept-Encoding does not accept; it is never decoded here, so it is never sent to that client.
     */
    NOT_ACCEPTABLE,
    /**
     * Nothing can be sent until the whole body is in: the answer needs its length (a range) or all
     * its bytes (a rewrite, a compression). Only a representation still arriving gets this.
     */
    NEEDS_WHOLE_BODY
  }

  /** How the body is coded on the way out. */
  public enum Coding {
    IDENTITY,
    /** The gzip form the representation keeps ({@link Representation.Variants#gzip()}). */
    STORED_GZIP,
    /** Compressed for this answer (a per-viewer playlist). */
    GZIP,
    DEFLATE
  }

  /** The status line's code. */
  public int status() {
    return switch (kind) {
      case FULL -> representation.status();
      case PARTIAL -> 206;
      case NOT_MODIFIED -> 304;
      case PRECONDITION_FAILED -> 412;
      case RANGE_NOT_SATISFIABLE -> 416;
      case NOT_ACCEPTABLE -> 406;
      case NEEDS_WHOLE_BODY -> throw new IllegalStateException("no status before the whole body is in");
    };
  }

  /** True for an answer with a body of its own (not 304, 412, 416, nor a bodiless status). */
  public boolean hasBody() {
    return (kind == Kind.FULL && Answers.statusAllowsBody(representation.status())) || kind == Kind.PARTIAL;
  }
}
