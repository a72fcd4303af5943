package media.edge.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Appends a query token to every URI of a playlist that points to our own content, so that a player
 * given one signed playlist URL can fetch everything the playlist leads to. The cached playlist stays
 * token-free; this runs per response: one parse of the cached bytes, which records where the token
 * goes, then one copy into a buffer of the exact final size.
 *
 * <p>What is rewritten (RFC 8216 and draft-pantos-hls-rfc8216bis):
 *
 * <ul>
 *   <li>URI lines: every line that is neither blank nor starts with {@code #}.
 *   <li>The quoted {@code URI} attribute of EXT-X-MAP, EXT-X-KEY, EXT-X-SESSION-KEY, EXT-X-MEDIA,
 *       EXT-X-I-FRAME-STREAM-INF, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT and
 *       EXT-X-SESSION-DATA, and the {@code SERVER-URI} of EXT-X-CONTENT-STEERING. Other tags are
 *       copied as they are, including EXT-X-DATERANGE's interstitial {@code X-ASSET-URI} and
 *       {@code X-ASSET-LIST}, which name ad servers more often than us.
 * </ul>
 *
 * <p>How, for each such URI that is ours (see {@code PlaylistUriEditor}: relative, or http(s) to a
 * host the predicate accepts; never {@code skd:}, {@code data:} or another host):
 *
 * <ul>
 *   <li>{@code ?params} is appended, or {@code &params} when the URI has a query already, which is
 *       kept as it is (its own {@code _HLS_*} parameters included); in both cases before a
 *       {@code #fragment}.
 *   <li>A parameter of the URI named like one of ours is dropped first, so the fresh token replaces
 *       a stale one instead of standing next to it (a verifier would see two tokens and could pick
 *       the stale one).
 *   <li>Everything else is copied byte for byte: line endings ({@code \n} or {@code \r\n}), a
 *       missing final newline, comments, tag order, surrounding spaces, a UTF-8 BOM.
 *   <li>A line that does not parse (an unterminated quoted string; a URI with a space, a control
 *       character or a backslash; a duplicated {@code URI} attribute; ...) is copied unchanged. No
 *       input makes {@link #rewrite} throw, and the output is at most the input's length plus, per
 *       line, the parameters' length plus one.
 * </ul>
 *
 * <p>The parse depends only on the playlist's bytes, the parameters' names and the request's host,
 * not on the token's value, so its result, a {@link Plan}, can be kept beside the cached playlist
 * (a {@link PlanSlot}) and reused by every request from the same host: such a request costs one copy.
 *
 * <p>Immutable, so an instance may be shared between threads; it is cheap enough to build per
 * request, from the token that request carried.
 */
public final class PlaylistRewriter {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] EXT_X = "#EXT-X-".getBytes(StandardCharsets.US_ASCII);
  private static final String RESERVED_PREFIX = "_HLS_";
  /**
   * Bytes per edit in a dense media playlist ({@code #EXTINF:6.006,} and {@code seg_00042.ts} take
   * 28), to size the edit list so that it rarely grows: an over-estimate costs 12 bytes per edit.
   */
  private static final int BYTES_PER_EDIT = 32;

  /** The tags whose attribute names a URI, and that attribute's name. */
  private static final List<UriTag> URI_TAGS =
      List.of(
          UriTag.of("#EXT-X-MAP", "URI"),
          UriTag.of("#EXT-X-KEY", "URI"),
          UriTag.of("#EXT-X-SESSION-KEY", "URI"),
          UriTag.of("#EXT-X-MEDIA", "URI"),
          UriTag.of("#EXT-X-I-FRAME-STREAM-INF", "URI"),
          UriTag.of("#EXT-X-PART", "URI"),
          UriTag.of("#EXT-X-PRELOAD-HINT", "URI"),
          UriTag.of("#EXT-X-RENDITION-REPORT", "URI"),
          UriTag.of("#EXT-X-SESSION-DATA", "URI"),
          UriTag.of("#EXT-X-CONTENT-STEERING", "SERVER-URI"));

  private final byte[] params;
  private final byte[][] tokenNames;
  private final Predicate<String> ownHost;
  /** What a {@link Plan} made by this rewriter is valid for: the names and the host; null: no reuse. */
  private final String planKey;

  private PlaylistRewriter(byte[] params, byte[][] tokenNames, Predicate<String> ownHost, String planKey) {
    this.params = params;
    this.tokenNames = tokenNames;
    this.ownHost = ownHost;
    this.planKey = planKey;
  }

  /**
   * What {@link #rewrite} decided for one playlist: where the parameters go and which stale ones are
   * removed. Valid for the same bytes (at the same indices), parameter names and request host, which
   * {@link #rewrite} checks before reusing one. Immutable once made.
   */
  public static final class Plan {
    private final String key;
    private final int readerIndex;
    private final int writerIndex;
    private final PlaylistEdits edits;

    private Plan(String key, int readerIndex, int writerIndex, PlaylistEdits edits) {
      this.key = key;
      this.readerIndex = readerIndex;
      this.writerIndex = writerIndex;
      this.edits = edits;
    }
  }

  /**
   * Where the last {@link Plan} for one cached playlist is kept, beside its body. Its owner must
   * drop it when the bytes change; a cache entry does so by being replaced, with a fresh slot, on a
   * new file version.
   *
   * <p>Thread-safe: one volatile field; a plan is immutable once made, so the last writer wins and
   * every reader gets a complete plan.
   */
  public static final class PlanSlot {
    private volatile Plan plan;

    /** The plan kept, or null. */
    public Plan plan() {
      return plan;
    }

    /** Keeps {@code plan} in place of the one kept before. */
    void keep(Plan plan) {
      this.plan = plan;
    }
  }

  /**
   * A rewriter that appends {@code tokenParams} to URIs of our own content.
   *
   * @param tokenParams the parameters to append, already percent-encoded, pairs joined by {@code &}
   *     (for example {@code hdnts=exp=1~acl=/vod/*~hmac=ab}). Pairs named {@code _HLS_*} are dropped:
   *     they are a player's delivery directives for one playlist request and must never be copied
   *     into the URIs it leads to. Any character a query may not hold ({@code "}, {@code #}, a space,
   *     non-ASCII, ...) is percent-encoded, so no token can break a quoted attribute or a line. Null
   *     or empty: nothing is appended.
   * @param ownHost true for a lower-cased host, without port, whose absolute http(s) URLs are our
   *     content; see {@link #requestHost(String)}
   */
  public static PlaylistRewriter of(String tokenParams, Predicate<String> ownHost) {
    return of(tokenParams, ownHost, null);
  }

  /**
   * A rewriter for a request with this {@code Host} header: {@link #of(String, Predicate)} with
   * {@link #requestHost(String)}, whose {@link Plan}s can be reused by requests from the same host.
   */
  public static PlaylistRewriter forHost(String tokenParams, String hostHeader) {
    String host = ownHostName(hostHeader);
    Predicate<String> ownHost = host == null ? any -> false : host::equals;
    return of(tokenParams, ownHost, host == null ? "" : host);
  }

  private static PlaylistRewriter of(String tokenParams, Predicate<String> ownHost, String host) {
    List<String> pairs = tokenPairs(tokenParams);
    List<byte[]> names = new ArrayList<>(pairs.size());
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq != 0) {
        names.add((eq < 0 ? pair : pair.substring(0, eq)).getBytes(StandardCharsets.US_ASCII));
      }
    }
    byte[] params = String.join("&", pairs).getBytes(StandardCharsets.US_ASCII);
    String planKey = null;
    if (host != null) {
      StringBuilder key = new StringBuilder(host).append('\n');
      for (byte[] name : names) {
        key.append(new String(name, StandardCharsets.US_ASCII)).append('\n');
      }
      planKey = key.toString();
    }
    return new PlaylistRewriter(params, names.toArray(new byte[0][]), ownHost, planKey);
  }

  /**
   * The own-host predicate for a request: its {@code Host} header's host, compared without port and
   * case-insensitively. The port is ignored because the same name behind a load balancer is
   * reached on several ports (443 outside, 8443 inside), and it is the same content. Null or blank
   * (an HTTP/1.0 request): only relative URIs are ours.
   */
  public static Predicate<String> requestHost(String hostHeader) {
    String own = ownHostName(hostHeader);
    return own == null ? host -> false : own::equals;
  }

  /** The lower-cased host of a {@code Host} header, without port; null when blank or absent. */
  private static String ownHostName(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return null;
    }
    String value = hostHeader.strip().toLowerCase(Locale.ROOT);
    int end;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      end = close < 0 ? value.length() : close + 1;
    } else {
      int colon = value.indexOf(':');
      end = colon < 0 ? value.length() : colon;
    }
    return value.substring(0, end);
  }

  /**
   * The playlist with the token appended to each URI of our own content.
   *
   * @param playlist the cached body; its bytes, indices and reference count are left as they were
   * @param allocator where the rewritten copy is allocated, at its exact size
   * @return a buffer the caller owns and must release (or write): a new one when anything changed,
   *     otherwise a retained duplicate of {@code playlist}, since copying identical bytes would only
   *     cost time
   */
  public ByteBuf rewrite(ByteBuf playlist, ByteBufAllocator allocator) {
    return rewrite(playlist, allocator, null);
  }

  /**
   * {@link #rewrite(ByteBuf, ByteBufAllocator)}, reusing the plan kept in {@code slot} when it was made
   * for these bytes, names and host, and keeping the one made here otherwise.
   *
   * @param slot where the cached playlist keeps its last plan; null: parse every time
   */
  public ByteBuf rewrite(ByteBuf playlist, ByteBufAllocator allocator, PlanSlot slot) {
    if (params.length == 0) {
      return playlist.retainedDuplicate();
    }
    Plan plan = slot == null ? null : slot.plan();
    if (plan == null || !fits(plan, playlist)) {
      plan = plan(playlist);
      if (slot != null && planKey != null) {
        slot.keep(plan);
      }
    }
    return plan.edits.isEmpty() ? playlist.retainedDuplicate() : plan.edits.apply(playlist, params, allocator);
  }

  private boolean fits(Plan plan, ByteBuf playlist) {
    return planKey != null
        && planKey.equals(plan.key)
        && plan.readerIndex == playlist.readerIndex()
        && plan.writerIndex == playlist.writerIndex();
  }

  /** The parse: every URI of ours and what it needs. */
  private Plan plan(ByteBuf playlist) {
    int start = playlist.readerIndex();
    int end = playlist.writerIndex();
    PlaylistEdits edits = new PlaylistEdits((end - start) / BYTES_PER_EDIT + 1);
    PlaylistUriEditor uris = new PlaylistUriEditor(tokenNames, ownHost, edits);
    int lineStart = startsWithBom(playlist, start, end) ? start + BOM.length : start;
    while (lineStart < end) {
      int newline = playlist.indexOf(lineStart, end, (byte) '\n');
      int lineEnd = newline < 0 ? end : newline;
      if (lineEnd > lineStart && playlist.getByte(lineEnd - 1) == '\r') {
        lineEnd--;
      }
      editLine(playlist, lineStart, lineEnd, uris);
      if (newline < 0) {
        break;
      }
      lineStart = newline + 1;
    }
    return new Plan(planKey, start, end, edits);
  }

  /** One line, without its line ending. */
  private static void editLine(ByteBuf buf, int start, int end, PlaylistUriEditor uris) {
    int first = skipBlanks(buf, start, end);
    if (first == end) {
      return;
    }
    if (buf.getByte(first) == '#') {
      editTag(buf, first, trimBlanks(buf, first, end), uris);
      return;
    }
    uris.edit(buf, first, trimBlanks(buf, first, end));
  }

  /**
   * A tag line: only the tags of {@link #URI_TAGS} are looked into. They all start with
   * {@code #EXT-X-}, which turns away the EXTINF line before each segment at its fifth byte.
   */
  private static void editTag(ByteBuf buf, int start, int end, PlaylistUriEditor uris) {
    if (end - start <= EXT_X.length || !PlaylistUriEditor.equalsAt(buf, start, start + EXT_X.length, EXT_X)) {
      return;
    }
    int colon = buf.indexOf(start + EXT_X.length, end, (byte) ':');
    if (colon < 0) {
      return;
    }
    for (UriTag tag : URI_TAGS) {
      if (PlaylistUriEditor.equalsAt(buf, start, colon, tag.name())) {
        editAttribute(buf, colon + 1, end, tag.attribute(), uris);
        return;
      }
    }
  }

  /**
   * Finds the quoted value of {@code attribute} in an attribute list (RFC 8216 section 4.2: names
   * and values joined by {@code =}, separated by commas, a quoted string running to the next
   * {@code "} whatever commas it holds) and edits the URI inside the quotes. The whole list is parsed
   * before anything is edited, so a line that turns out malformed further on stays unchanged.
   */
  private static void editAttribute(ByteBuf buf, int start, int end, byte[] attribute, PlaylistUriEditor uris) {
    int uriStart = -1;
    int uriEnd = -1;
    int position = start;
    while (position < end) {
      int nameStart = skipBlanks(buf, position, end);
      int eq = buf.indexOf(nameStart, end, (byte) '=');
      if (eq < 0) {
        return;
      }
      int valueStart = eq + 1;
      boolean quoted = valueStart < end && buf.getByte(valueStart) == '"';
      int valueEnd;
      if (quoted) {
        int close = buf.indexOf(valueStart + 1, end, (byte) '"');
        if (close < 0) {
          return;
        }
        valueEnd = close + 1;
      } else {
        int comma = buf.indexOf(valueStart, end, (byte) ',');
        valueEnd = comma < 0 ? end : comma;
      }
      if (PlaylistUriEditor.equalsAt(buf, nameStart, eq, attribute)) {
        if (!quoted || uriStart >= 0) {
          return;
        }
        uriStart = valueStart + 1;
        uriEnd = valueEnd - 1;
      }
      if (valueEnd < end && buf.getByte(valueEnd) != ',') {
        return;
      }
      position = valueEnd + 1;
    }
    if (uriStart >= 0) {
      uris.edit(buf, uriStart, uriEnd);
    }
  }

  /** The non-empty, non-{@code _HLS_*} pairs of {@code tokenParams}, each percent-encoded where needed. */
  private static List<String> tokenPairs(String tokenParams) {
    List<String> pairs = new ArrayList<>(1);
    if (tokenParams == null) {
      return pairs;
    }
    for (String pair : tokenParams.split("&")) {
      String stripped = pair.startsWith("?") ? pair.substring(1) : pair;
      if (!stripped.isEmpty() && !stripped.startsWith(RESERVED_PREFIX)) {
        pairs.add(encodeQueryChars(stripped));
      }
    }
    return pairs;
  }

  /**
   * Percent-encodes (as UTF-8) what RFC 3986 does not allow in a query: {@code query = *( pchar /
   * "/" / "?" )}. A {@code %} is kept as it is, the parameters being encoded already.
   */
  private static String encodeQueryChars(String pair) {
    StringBuilder out = null;
    for (int i = 0; i < pair.length(); i++) {
      char c = pair.charAt(i);
      if (isQueryChar(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(pair.length() + 16).append(pair, 0, i);
      }
      int codePointEnd = Character.isHighSurrogate(c) && i + 1 < pair.length() ? i + 2 : i + 1;
      for (byte b : pair.substring(i, codePointEnd).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
      i = codePointEnd - 1;
    }
    return out == null ? pair : out.toString();
  }

  private static boolean isQueryChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0;
  }

  private static boolean startsWithBom(ByteBuf buf, int start, int end) {
    return end - start >= BOM.length && PlaylistUriEditor.equalsAt(buf, start, start + BOM.length, BOM);
  }

  private static int skipBlanks(ByteBuf buf, int start, int end) {
    int i = start;
    while (i < end && isBlank(buf.getByte(i))) {
      i++;
    }
    return i;
  }

  private static int trimBlanks(ByteBuf buf, int start, int end) {
    int i = end;
    while (i > start && isBlank(buf.getByte(i - 1))) {
      i--;
    }
    return i;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  /** A tag name with its leading {@code #}, and the name of its URI attribute, both as ASCII bytes. */
  private record UriTag(byte[] name, byte[] attribute) {
    static UriTag of(String name, String attribute) {
      return new UriTag(name.getBytes(StandardCharsets.US_ASCII), attribute.getBytes(StandardCharsets.US_ASCII));
    }
  }
}
