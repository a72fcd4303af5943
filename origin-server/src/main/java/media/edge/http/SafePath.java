package media.edge.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request path that has been proven safe to join to a root folder and to match token ACLs against:
 * percent-decoded strictly, valid UTF-8, no dot segments, no encoded separators, no control characters.
 * Its {@link #key()} ("demo/240p/seg_000.ts") is the library's relative file path and its cache key.
 *
 * <p>Parsing answers with an {@link Outcome} rather than throwing, because bad paths are expected
 * traffic (scanners, fuzzers) and must stay cheap; a refused path is a shared constant with no key.
 */
public final class SafePath {
  private static final SafePath BAD = new SafePath(Outcome.BAD_REQUEST, null, null);
  private static final SafePath MISSING = new SafePath(Outcome.NOT_FOUND, null, null);
  private static final SafePath HIDDEN_PATH = new SafePath(Outcome.HIDDEN, null, null);

  private final Outcome outcome;
  /**
   * Made from {@link #slashed} on first use (an edge never needs it). A racy cache that is safe: a
   * String is immutable, so a thread sees null (and makes an equal one) or a whole string.
   */
  private String key;
  private final String slashed;

  private SafePath(Outcome outcome, String key, String slashed) {
    this.outcome = outcome;
    this.key = key;
    this.slashed = slashed;
  }

  private SafePath(String key, String slashed) {
    this(Outcome.OK, key, slashed);
  }

  /** Whether the path was accepted, and if not, why. */
  public Outcome outcome() {
    return outcome;
  }

  /** This path when {@link #outcome()} is OK; the accessors of a refused path answer null. */
  public SafePath path() {
    return outcome == Outcome.OK ? this : null;
  }

  /** {@code /} and the key: what token ACLs are matched against. */
  public String slashed() {
    return slashed;
  }

  /** Relative path below the root, segments joined with '/', no leading slash. */
  public String key() {
    String made = key;
    if (made == null && slashed != null) {
      made = slashed.substring(1);
      key = made;
    }
    return made;
  }

  /** The last segment. */
  public String fileName() {
    return slashed.substring(slashed.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return key();
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

  /**
   * Parses the path part of a request target (no query string), such as {@code /demo/master.m3u8}.
   * Empty segments ({@code //}) are merged, as nginx does by default.
   */
  public static SafePath parse(String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return BAD;
    }
    String decoded = decode(rawPath);
    if (decoded == null) {
      return BAD;
    }
    if (decoded.length() > 1
        && decoded.indexOf("//") < 0
        && decoded.indexOf("/.") < 0
        && decoded.charAt(decoded.length() - 1) != '/') {
      // The common case (a clean path): no segment to drop, merge or refuse.
      return new SafePath(null, decoded);
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
          return BAD;
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
      return HIDDEN_PATH;
    }
    if (key.length() == 0 || decoded.endsWith("/")) {
      // A trailing slash names a folder; serving the file would make players resolve
      // relative URIs against the wrong base.
      return MISSING;
    }
    String clean = key.toString();
    return new SafePath(clean, "/" + clean);
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
