package media.edge.library;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request path that has been proven safe to join to the library root: percent-decoded strictly,
 * valid UTF-8, no dot segments, no encoded separators, no control characters. Its {@link #key()}
 * ("demo/240p/seg_000.ts") is both the relative file path and the cache key.
 *
 * <p>Parsing answers with an {@link Outcome} rather than throwing, because bad paths are expected
 * traffic (scanners, fuzzers) and must stay cheap.
 */
public final class LibraryPath {
  private final String key;
  private final String fileName;

  private LibraryPath(String key) {
    this.key = key;
    this.fileName = key.substring(key.lastIndexOf('/') + 1);
  }

  /** Relative path below the root, segments joined with '/', no leading slash. */
  public String key() {
    return key;
  }

  /** The last segment. */
  public String fileName() {
    return fileName;
  }

  @Override
  public String toString() {
    return key;
  }

  /** Why a path was refused, or that it was accepted. */
  public enum Outcome {
    OK,
    /** Malformed: bad escapes, invalid UTF-8, NUL or control bytes, backslashes, encoded '/', dot segments. */
    BAD_REQUEST,
    /** Well-formed but names nothing: the root itself. */
    NOT_FOUND,
    /** A hidden segment such as .git or .env: answered like a missing file, counted apart. */
    HIDDEN
  }

  /** A parse result: the outcome and, when OK, the path. */
  public record Parsed(Outcome outcome, LibraryPath path) {
    private static final Parsed BAD = new Parsed(Outcome.BAD_REQUEST, null);
    private static final Parsed MISSING = new Parsed(Outcome.NOT_FOUND, null);
    private static final Parsed HIDDEN = new Parsed(Outcome.HIDDEN, null);
  }

  /**
   * Parses the path part of a request target (no query string), such as {@code /demo/master.m3u8}.
   * Empty segments ({@code //}) are merged, as nginx does by default.
   */
  public static Parsed parse(String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return Parsed.BAD;
    }
    String decoded = decode(rawPath);
    if (decoded == null) {
      return Parsed.BAD;
    }
    if (decoded.length() > 1
        && decoded.indexOf("//") < 0
        && decoded.indexOf("/.") < 0
        && decoded.charAt(decoded.length() - 1) != '/') {
      // The common case (a clean path): no segment to drop, merge or refuse.
      return new Parsed(Outcome.OK, new LibraryPath(decoded.substring(1)));
    }
    StringBuilder key = new StringBuilder(decoded.length());
    boolean hidden = false;
    int start = 1;
    int length = decoded.length();
    while (start <= length) {
      int end = decoded.indexOf('/', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        String segment = decoded.substring(start, end);
        if (segment.equals(".") || segment.equals("..")) {
          return Parsed.BAD;
        }
        if (segment.charAt(0) == '.') {
          hidden = true;
        }
        if (key.length() > 0) {
          key.append('/');
        }
        key.append(segment);
      }
      start = end + 1;
    }
    if (hidden) {
      return Parsed.HIDDEN;
    }
    if (key.length() == 0 || decoded.endsWith("/")) {
      // A trailing slash names a folder; serving the file would make players resolve
      // relative URIs against the wrong base.
      return Parsed.MISSING;
    }
    return new Parsed(Outcome.OK, new LibraryPath(key.toString()));
  }

  /**
   * Strict percent-decoding. Returns null for a malformed escape, an encoded '/' or '\', a raw
   * '\', any control character (NUL included) before or after decoding, or bytes that are not UTF-8.
   */
  static String decode(String raw) {
    int length = raw.length();
    boolean escaped = false;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        escaped = true;
      } else if (c == '\\' || c < 0x20 || c == 0x7f || c > 0x7e) {
        return null;
      }
    }
    if (!escaped) {
      return raw;
    }
    byte[] bytes = new byte[length];
    int n = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes[n++] = (byte) c;
        continue;
      }
      if (i + 2 >= length) {
        return null;
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      int b = (hi << 4) | lo;
      if (b == '/' || b == '\\' || b < 0x20 || b == 0x7f) {
        return null;
      }
      bytes[n++] = (byte) b;
      i += 2;
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, 0, n))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    // C1 controls (U+0080..U+009F) decode from valid UTF-8 but are no more welcome than C0 ones.
    return text.chars().anyMatch(Character::isISOControl) ? null : text;
  }
}
