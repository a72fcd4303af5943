package media.edge.http;

import media.edge.httpdate.Digits;

/**
 * One satisfiable byte range of a representation, from a {@code Range} header (RFC 9110 section 14).
 *
 * <p>Only single ranges are honoured: a header with several ranges, another unit, or bad syntax is
 * ignored and the whole representation is sent, which RFC 9110 allows and which is what players
 * expect (they never ask for multipart/byteranges).
 *
 * @param first offset of the first byte
 * @param last offset of the last byte, inclusive
 */
public record ByteRange(long first, long last) {

  /** The three answers to a Range header. */
  public enum Kind {
    /** No usable Range header: send everything with 200. */
    IGNORED,
    /** Send {@link Parsed#range()} with 206. */
    SATISFIABLE,
    /** Send 416 with {@code Content-Range: bytes *&#47;length}. */
    UNSATISFIABLE
  }

  /** A parse result. */
  public record Parsed(Kind kind, ByteRange range) {
    static final Parsed IGNORED = new Parsed(Kind.IGNORED, null);
    static final Parsed UNSATISFIABLE = new Parsed(Kind.UNSATISFIABLE, null);
  }

  /** Number of bytes in the range. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value for a representation of {@code total} bytes. */
  public String contentRange(long total) {
    return "bytes " + first + '-' + last + '/' + total;
  }

  /** Parses {@code header} against a representation of {@code length} bytes. */
  public static Parsed parse(String header, long length) {
    if (header == null) {
      return Parsed.IGNORED;
    }
    String value = header.strip();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
      return Parsed.IGNORED;
    }
    String spec = value.substring(6).strip();
    if (spec.indexOf(',') >= 0) {
      return Parsed.IGNORED;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Parsed.IGNORED;
    }
    String firstText = spec.substring(0, dash).strip();
    String lastText = spec.substring(dash + 1).strip();
    if (firstText.isEmpty()) {
      long suffix = Digits.parse(lastText);
      if (suffix < 0) {
        return Parsed.IGNORED;
      }
      if (suffix == 0) {
        return Parsed.UNSATISFIABLE;
      }
      if (length == 0) {
        // Satisfiable by RFC 9110 section 14.1.2, yet no Content-Range can describe zero bytes.
        return Parsed.IGNORED;
      }
      return new Parsed(Kind.SATISFIABLE, new ByteRange(Math.max(0, length - suffix), length - 1));
    }
    long first = Digits.parse(firstText);
    if (first < 0) {
      return Parsed.IGNORED;
    }
    long last;
    if (lastText.isEmpty()) {
      last = length - 1;
    } else {
      last = Digits.parse(lastText);
      if (last < 0 || last < first) {
        return Parsed.IGNORED;
      }
    }
    if (first >= length) {
      return Parsed.UNSATISFIABLE;
    }
    return new Parsed(Kind.SATISFIABLE, new ByteRange(first, Math.min(last, length - 1)));
  }

}
