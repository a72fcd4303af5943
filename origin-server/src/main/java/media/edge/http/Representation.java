package media.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import media.edge.hls.ContentKind;
import media.edge.hls.PlaylistRewriter;
import media.edge.httpdate.HttpDate;

/**
 * One representation of a target resource, whatever its source: a library file in memory or on disk,
 * an upstream response in memory or on the disk tier, or one still arriving from upstream. It carries
 * what the one decision ({@link Answers}) needs (status, validators, length, kind) and what the writer
 * sends (the header fields, encoded once per version, and the {@link Body}).
 *
 * <p>A source builds one representation per version of its content (a file version, a stored head)
 * and hands the same instance to every request, so the encodings cached here are paid once.
 *
 * <p>Immutable and thread-safe; cached encodings are computed at most a few times (identically) and
 * published through volatile fields.
 */
public final class Representation {
  /** Where the {@code Age} of an answer comes from: a stored response's age now; nothing for a file. */
  @FunctionalInterface
  public interface Age {
    /** No {@code Age} field. */
    Age NONE = nowMillis -> -1;

    /** The age in seconds at {@code nowMillis}, or -1 for none. */
    int seconds(long nowMillis);
  }

  /** Other forms of the same content, made once per version where possible. */
  public interface Variants {
    /** No other forms. */
    Variants NONE =
        new Variants() {
          @Override
          public Representation gzip() {
            return null;
          }

          @Override
          public PlaylistRewriter.PlanSlot plans() {
            return null;
          }
        };

    /** The gzip-encoded form, made once and kept beside the identity body; null when there is none. */
    Representation gzip();

    /** Where a playlist keeps its rewrite plan for the next viewer; null for other content. */
    PlaylistRewriter.PlanSlot plans();
  }

  private final int status;
  private final String etag;
  private final long modifiedSeconds;
  private final long length;
  private final ContentKind kind;
  private final boolean contentEncoded;
  private final boolean carriesCors;
  private final boolean carriesDate;
  private final Fields fields;
  private final Body body;
  private final Age age;
  private final Variants variants;
  /** The answers most requests get, made once: the whole body as stored, and 304. */
  private volatile Answer whole;
  private volatile Answer notModifiedAnswer;
  /** Fields derived from {@link #fields} per answer kind, see {@link #fields(boolean, boolean, Answer.Coding)}. */
  private final Fields[] derived = new Fields[12];

  private Representation(Builder b) {
    this.status = b.status;
    this.fields = b.fields;
    this.body = b.body;
    this.length = b.length;
    this.kind = b.kind;
    this.age = b.age;
    this.variants = b.variants;
    this.etag = fields.get(HttpHeaderNames.ETAG);
    String lastModified = fields.get(HttpHeaderNames.LAST_MODIFIED);
    this.modifiedSeconds = b.modifiedSeconds != HttpDate.MALFORMED
        ? b.modifiedSeconds
        : lastModified == null ? HttpDate.MALFORMED : HttpDate.parse(lastModified);
    this.contentEncoded = fields.contains(HttpHeaderNames.CONTENT_ENCODING);
    this.carriesCors = fields.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
    this.carriesDate = fields.contains(HttpHeaderNames.DATE);
  }

  /** A representation with {@code status}, header {@code fields} (without Content-Length) and {@code body}. */
  public static Builder builder(int status, Fields fields, Body body) {
    return new Builder(status, fields, body);
  }

  /** The status of a whole answer: 200 for files; a stored response's own (200, 404, 301...). */
  public int status() {
    return status;
  }

  /** The entity tag as sent ({@code "x"} or {@code W/"x"}), or null. */
  public String etag() {
    return etag;
  }

  /** {@code Last-Modified} in epoch seconds, or {@link HttpDate#MALFORMED} when absent or unreadable. */
  public long modifiedSeconds() {
    return modifiedSeconds;
  }

  /** The body's length, or -1 while it is unknown (a response arriving without Content-Length). */
  public long length() {
    return length;
  }

  /** The HLS kind of the target, from its path. */
  public ContentKind kind() {
    return kind;
  }

  /** True when the body has a content coding of its own: it is never rewritten nor compressed again. */
  public boolean contentEncoded() {
    return contentEncoded;
  }

  /** The body's own {@code Content-Encoding} value, or null. */
  public String contentEncoding() {
    return contentEncoded ? fields.get(HttpHeaderNames.CONTENT_ENCODING) : null;
  }

  /** True when the fields already carry CORS (an upstream's own): the writer adds none. */
  public boolean carriesCors() {
    return carriesCors;
  }

  /**
   * True when the fields carry their own {@code Date} (a stored response keeps its origin's, RFC 9111
   * section 4): the writer adds none.
   */
  public boolean carriesDate() {
    return carriesDate;
  }

  /** The header fields of a whole answer, without Content-Length and Age (and without Date, but for stored responses). */
  public Fields fields() {
    return fields;
  }

  public Body body() {
    return body;
  }

  public Age age() {
    return age;
  }

  public Variants variants() {
    return variants;
  }

  /** The answer with the whole body as stored (a stored gzip form: {@code coding} says so). */
  Answer whole() {
    return whole(Answer.Coding.IDENTITY);
  }

  Answer whole(Answer.Coding coding) {
    Answer made = whole;
    if (made == null || made.coding() != coding) {
      made = new Answer(Answer.Kind.FULL, this, 0, length, false, coding);
      whole = made;
    }
    return made;
  }

  /** The 304 answer. */
  Answer notModified() {
    Answer made = notModifiedAnswer;
    if (made == null) {
      made = new Answer(Answer.Kind.NOT_MODIFIED, this, 0, 0, false, Answer.Coding.IDENTITY);
      notModifiedAnswer = made;
    }
    return made;
  }

  /**
   * The fields an answer sends, made once per combination and kept: the whole answer's, a 304's (which
   * drops what describes a body, RFC 9110 section 15.4.5, and carries the validator the 200 would have:
   * weak for a compressed or per-viewer answer), a per-viewer answer's (its bytes differ per viewer, so
   * shared caches must not keep it and its validator is weak) and a compressed answer's (its own coding,
   * a weak validator, as nginx does).
   */
  Fields fields(boolean notModified, boolean perViewer, Answer.Coding coding) {
    int codingSlot = coding == Answer.Coding.GZIP ? 1 : coding == Answer.Coding.DEFLATE ? 2 : 0;
    int slot = (notModified ? 6 : 0) + (perViewer ? 3 : 0) + codingSlot;
    Fields made = derived[slot];
    if (made == null) {
      made = derive(notModified, perViewer, codingSlot);
      derived[slot] = made;
    }
    return made;
  }

  private Fields derive(boolean notModified, boolean perViewer, int codingSlot) {
    if (!notModified && !perViewer && codingSlot == 0) {
      return fields;
    }
    Fields.Builder builder = fields.toBuilder();
    if (notModified) {
      builder.remove(HttpHeaderNames.CONTENT_TYPE).remove(HttpHeaderNames.ACCEPT_RANGES)
          .remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.CONTENT_ENCODING)
          .remove(HttpHeaderNames.TRANSFER_ENCODING);
    }
    boolean weak = perViewer || codingSlot != 0;
    if (weak && etag != null && !etag.startsWith("W/")) {
      builder.set(HttpHeaderNames.ETAG, "W/" + etag);
    }
    if (perViewer) {
      String cacheControl = builder.get(HttpHeaderNames.CACHE_CONTROL);
      if (cacheControl != null) {
        builder.set(HttpHeaderNames.CACHE_CONTROL,
            cacheControl.contains("public") ? cacheControl.replace("public", "private") : "private, " + cacheControl);
      }
    }
    if (codingSlot != 0 && !notModified) {
      builder.set(HttpHeaderNames.CONTENT_ENCODING, codingSlot == 1 ? "gzip" : "deflate");
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "Representation[" + status + ", " + length + " bytes, " + body + "]";
  }

  /** Builds a {@link Representation}. Not thread-safe. */
  public static final class Builder {
    private final int status;
    private final Fields fields;
    private final Body body;
    private long length = -1;
    private long modifiedSeconds = HttpDate.MALFORMED;
    private ContentKind kind = ContentKind.OTHER;
    private Age age = Age.NONE;
    private Variants variants = Variants.NONE;

    private Builder(int status, Fields fields, Body body) {
      this.status = status;
      this.fields = fields;
      this.body = body;
    }

    /** The body's length; leave unset (-1) while unknown. */
    public Builder length(long length) {
      this.length = length;
      return this;
    }

    /** {@code Last-Modified} in seconds when the caller has it unparsed (saves parsing the field). */
    public Builder modifiedSeconds(long modifiedSeconds) {
      this.modifiedSeconds = modifiedSeconds;
      return this;
    }

    public Builder kind(ContentKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder age(Age age) {
      this.age = age;
      return this;
    }

    public Builder variants(Variants variants) {
      this.variants = variants;
      return this;
    }

    public Representation build() {
      return new Representation(this);
    }
  }
}
