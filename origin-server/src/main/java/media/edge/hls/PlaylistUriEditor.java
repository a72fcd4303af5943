package media.edge.hls;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Decides, for each URI found in a playlist, whether it points to our own content and, if so, where
 * the token parameters go: before the fragment, after a {@code '?'} or an {@code '&'}, in place of a
 * stale copy of the same parameter. It reads the URI where it lies in the playlist buffer and records
 * {@link PlaylistEdits}; it never copies the URI.
 *
 * <p>Own content is decided as a player resolves the URI (RFC 3986 section 4.1): a URI without a
 * scheme is relative to the playlist, so it is ours; {@code http} and {@code https} URIs and
 * scheme-relative {@code //host/...} references are ours when their host (lower-cased, without port
 * or user info) passes the predicate; every other scheme ({@code skd:}, {@code data:}, ...) is not.
 * A URI that starts with a variable reference ({@code {$name}}, RFC 8216bis section 4.3) is left
 * alone: the variable may expand to another host's URL, and a token must never leak there.
 *
 * <p>One instance per {@link PlaylistRewriter#rewrite} call, not thread-safe: it is the
 * {@link ByteProcessor} of its own scan, so that {@link ByteBuf#forEachByte} reads each URI without
 * the per-byte index and reference-count checks of {@link ByteBuf#getByte}. That scan covers about
 * half the bytes of a media playlist, and with {@code getByte} it was most of the rewrite's time.
 */
final class PlaylistUriEditor implements ByteProcessor {
  private final byte[][] tokenNames;
  private final Predicate<String> ownHost;
  private final PlaylistEdits edits;

  // What the scan of the current URI found; see process().
  private int position;
  private boolean inScheme;
  private int schemeEnd;
  private int question;
  private int hash;

  /**
   * @param tokenNames names of the parameters being appended; a URI's own copy of one is dropped
   * @param ownHost true for a lower-cased host (no port) whose absolute URLs are our content
   * @param edits where the changes go
   */
  PlaylistUriEditor(byte[][] tokenNames, Predicate<String> ownHost, PlaylistEdits edits) {
    this.tokenNames = tokenNames;
    this.ownHost = ownHost;
    this.edits = edits;
  }

  /**
   * Records the edits that give the URI in {@code [start, end)} the token, or none when the URI is
   * not ours or not well-formed enough to edit safely. One scan finds the scheme, the query and the
   * fragment.
   */
  void edit(ByteBuf buf, int start, int end) {
    if (start >= end || startsWithVariable(buf, start, end)) {
      return;
    }
    position = start;
    inScheme = isAlpha(buf.getByte(start));
    schemeEnd = -1;
    question = -1;
    hash = -1;
    if (buf.forEachByte(start, end - start, this) >= 0 || !isOwn(buf, start, schemeEnd, end)) {
      return;
    }
    int queryEnd = hash < 0 ? end : hash;
    if (question < 0) {
      edits.add(queryEnd, queryEnd, PlaylistEdits.QUESTION_MARK);
    } else {
      editQuery(buf, question + 1, queryEnd);
    }
  }

  /**
   * One byte of the URI being scanned: notes the end of its scheme and its first '?' and '#', and
   * stops the scan at a space, a control character, a quote or a backslash. A URI with one of those
   * inside is not one a player could fetch as written, so not one to append to; and browsers read a
   * backslash as a slash ({@code https://evil.example\@edge.example.com/} is a URL of
   * evil.example to hls.js), so a host read without that rule could send the token elsewhere.
   */
  @Override
  public boolean process(byte b) {
    int i = position++;
    if ((b >= 0 && b <= ' ') || b == 0x7f || b == '"' || b == '\\') {
      return false;
    }
    if (inScheme) {
      if (b == ':') {
        schemeEnd = i;
        inScheme = false;
      } else if (!isSchemeChar(b)) {
        inScheme = false;
      }
    }
    if (b == '#' && hash < 0) {
      hash = i;
    } else if (b == '?' && question < 0 && hash < 0) {
      question = i;
    }
    return true;
  }

  /**
   * Drops every pair of the existing query named like one of ours (the fresh token wins over a stale
   * one baked into the playlist) and appends ours at the end of the query.
   */
  private void editQuery(ByteBuf buf, int start, int end) {
    int pair = start;
    while (pair < end) {
      int amp = buf.indexOf(pair, end, (byte) '&');
      int pairEnd = amp < 0 ? end : amp;
      if (isTokenName(buf, pair, pairEnd)) {
        if (amp < 0) {
          // The last pair: what precedes it is '?' or '&', so ours follows without a separator.
          edits.add(pair, end, PlaylistEdits.BARE);
          return;
        }
        edits.add(pair, amp + 1, PlaylistEdits.NOTHING);
      }
      if (amp < 0) {
        break;
      }
      pair = amp + 1;
    }
    // No separator of our own after an empty query ("seg.ts?") or a trailing '&'. Not after any '?':
    // one inside the query ("seg.ts?next=?") is part of the last value, and ours would have been glued
    // to it ("next=?hdnts=..."), a token no verifier finds (found by fuzzing, issue 15).
    boolean separated = end == start || buf.getByte(end - 1) == '&';
    edits.add(end, end, separated ? PlaylistEdits.BARE : PlaylistEdits.AMPERSAND);
  }

  private boolean isTokenName(ByteBuf buf, int pairStart, int pairEnd) {
    int eq = buf.indexOf(pairStart, pairEnd, (byte) '=');
    int nameEnd = eq < 0 ? pairEnd : eq;
    for (byte[] name : tokenNames) {
      if (equalsAt(buf, pairStart, nameEnd, name)) {
        return true;
      }
    }
    return false;
  }

  /** @param schemeEnd the ':' after the URI's scheme, or -1 for a relative reference */
  private boolean isOwn(ByteBuf buf, int start, int schemeEnd, int end) {
    if (schemeEnd < 0) {
      return !startsWithTwoSlashes(buf, start, end) || isOwnAuthority(buf, start + 2, end);
    }
    boolean http =
        equalsIgnoreCaseAt(buf, start, schemeEnd, "http") || equalsIgnoreCaseAt(buf, start, schemeEnd, "https");
    return http && startsWithTwoSlashes(buf, schemeEnd + 1, end) && isOwnAuthority(buf, schemeEnd + 3, end);
  }

  /** The authority runs from {@code start} to the first of '/', '?', '#' or the end of the URI. */
  private boolean isOwnAuthority(ByteBuf buf, int start, int end) {
    int authorityEnd = start;
    while (authorityEnd < end) {
      byte b = buf.getByte(authorityEnd);
      if (b == '/' || b == '?' || b == '#') {
        break;
      }
      authorityEnd++;
    }
    int at = lastIndexOf(buf, start, authorityEnd, (byte) '@');
    int hostStart = at < 0 ? start : at + 1;
    int hostEnd = hostEnd(buf, hostStart, authorityEnd);
    if (hostStart >= hostEnd) {
      return false;
    }
    String host = buf.toString(hostStart, hostEnd - hostStart, StandardCharsets.US_ASCII);
    return ownHost.test(host.toLowerCase(Locale.ROOT));
  }

  /** Where the port (if any) begins; an IPv6 literal keeps its brackets. */
  private static int hostEnd(ByteBuf buf, int start, int end) {
    if (start < end && buf.getByte(start) == '[') {
      int close = buf.indexOf(start, end, (byte) ']');
      return close < 0 ? start : close + 1; // an unclosed literal is no host at all
    }
    int colon = buf.indexOf(start, end, (byte) ':');
    return colon < 0 ? end : colon;
  }

  /** A scheme is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 section 3.1). */
  private static boolean isSchemeChar(byte b) {
    return isAlpha(b) || (b >= '0' && b <= '9') || b == '+' || b == '-' || b == '.';
  }

  private static boolean startsWithVariable(ByteBuf buf, int start, int end) {
    return end - start >= 2 && buf.getByte(start) == '{' && buf.getByte(start + 1) == '$';
  }

  private static boolean startsWithTwoSlashes(ByteBuf buf, int start, int end) {
    return end - start >= 2 && buf.getByte(start) == '/' && buf.getByte(start + 1) == '/';
  }

  private static boolean isAlpha(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
  }

  private static int lastIndexOf(ByteBuf buf, int start, int end, byte value) {
    for (int i = end - 1; i >= start; i--) {
      if (buf.getByte(i) == value) {
        return i;
      }
    }
    return -1;
  }

  static boolean equalsAt(ByteBuf buf, int start, int end, byte[] expected) {
    if (end - start != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (buf.getByte(start + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean equalsIgnoreCaseAt(ByteBuf buf, int start, int end, String expected) {
    if (end - start != expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if (Character.toLowerCase((char) buf.getByte(start + i)) != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
