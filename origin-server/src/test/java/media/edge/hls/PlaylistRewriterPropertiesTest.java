package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link PlaylistRewriter} over generated input: arbitrary bytes, a soup of playlist
 * fragments (quotes, separators, tag names and hosts in any order, which is where a hand-written
 * parser breaks), and well-formed playlists.
 *
 * <p>jqwik runs these outside JUnit Jupiter, so the Jupiter leak extension does not see this class:
 * each property checks instead that, once the output is released, the cached body is back to one
 * reference and unchanged.
 */
class PlaylistRewriterPropertiesTest {
  private static final String TOKEN = "hdnts=exp=1~acl=/vod/*~hmac=ab";
  private static final PlaylistRewriter REWRITER =
      PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost("edge.example.com"));
  private static final PlaylistRewriter NO_TOKEN = PlaylistRewriter.of("", host -> true);

  private static final List<String> FRAGMENTS =
      List.of(
          "#EXTM3U", "#EXTINF:6.0,", "#EXT-X-MAP:", "#EXT-X-KEY:", "#EXT-X-MEDIA:", "#EXT-X-PART:",
          "#EXT-X-CONTENT-STEERING:", "URI=", "SERVER-URI=", "METHOD=AES-128", "\"", "\"", ",", "=", "?", "&",
          "#", ":", "/", "//", "../", "seg.ts", "a", "https://", "HTTP://", "edge.example.com", "cdn.example.net",
          "@", "[", "]", ":8443", "skd://", "data:", "{$", "hdnts=old", "_HLS_msn=1", " ", "\t", "\r", "\n",
          "\n", "\n", "\r\n", "\uFEFF", "\u0000", "é");

  @Property
  void rewrite_anyBytes_neverThrowsAndKeepsLineCount(@ForAll @Size(max = 4096) byte[] playlist) {
    byte[] out = rewrite(REWRITER, playlist);

    assertThat(count(out, (byte) '\n')).isEqualTo(count(playlist, (byte) '\n'));
  }

  @Property
  void rewrite_fragmentSoup_neverThrowsAndKeepsLineCount(@ForAll("soup") String playlist) {
    byte[] in = playlist.getBytes(StandardCharsets.UTF_8);

    byte[] out = rewrite(REWRITER, in);

    assertThat(count(out, (byte) '\n')).isEqualTo(count(in, (byte) '\n'));
  }

  @Property
  void rewrite_fragmentSoup_growsByAtMostOneTokenPerLine(@ForAll("soup") String playlist) {
    byte[] in = playlist.getBytes(StandardCharsets.UTF_8);

    byte[] out = rewrite(REWRITER, in);

    long lines = count(in, (byte) '\n') + 1;
    assertThat((long) out.length).isLessThanOrEqualTo(in.length + lines * (TOKEN.length() + 1));
  }

  @Property
  void rewrite_emptyToken_isTheIdentity(@ForAll("soup") String playlist) {
    byte[] in = playlist.getBytes(StandardCharsets.UTF_8);

    assertThat(rewrite(NO_TOKEN, in)).isEqualTo(in);
  }

  // Fewer tries for the two generators of whole playlists: under paranoid leak detection every read
  // of the cached body is recorded, and 1,000 tries of these took 5-7 s against 1 s for the others.
  @Property(tries = 300)
  void rewrite_wellFormedPlaylist_removingTheAppendedTokenGivesTheInput(@ForAll("playlists") String playlist) {
    String out = new String(rewrite(REWRITER, playlist.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

    assertThat(out.replace("?" + TOKEN, "").replace("&" + TOKEN, "")).isEqualTo(playlist);
  }

  @Property(tries = 300)
  void rewrite_relativeSegmentLines_eachGetsTheTokenOnce(@ForAll("relativeMediaPlaylists") String playlist) {
    String out = new String(rewrite(REWRITER, playlist.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

    long uriLines = playlist.lines().filter(line -> !line.isEmpty() && !line.startsWith("#")).count();
    assertThat(occurrences(out, TOKEN)).isEqualTo(uriLines);
  }

  // ---- generators ----------------------------------------------------------------------------

  @Provide
  Arbitrary<String> soup() {
    return Arbitraries.of(FRAGMENTS).list().ofMaxSize(80).map(parts -> String.join("", parts));
  }

  /** Playlists whose own URIs have no query ending in '?' or '&', so the token's separator is known. */
  @Provide
  Arbitrary<String> playlists() {
    Arbitrary<String> line = Arbitraries.oneOf(uriLine(), tagLine(), otherLine());
    Arbitrary<String> terminated = Combinators.combine(line, Arbitraries.of("\n", "\r\n")).as(String::concat);
    return Combinators.combine(terminated.list().ofMaxSize(30), Arbitraries.of(true, false))
        .as((lines, finalNewline) -> {
          String text = String.join("", lines);
          return finalNewline || text.isEmpty() ? text : text.substring(0, text.lastIndexOf('\n') - (text.endsWith("\r\n") ? 1 : 0));
        });
  }

  @Provide
  Arbitrary<String> relativeMediaPlaylists() {
    Arbitrary<String> segment = Combinators.combine(Arbitraries.of("", "../", "/vod/t/"), name(), query())
        .as((dir, name, query) -> "#EXTINF:6.0,\n" + dir + name + ".ts" + query + "\n");
    return segment.list().ofMaxSize(60).map(segments -> "#EXTM3U\n#EXT-X-TARGETDURATION:6\n" + String.join("", segments));
  }

  private static Arbitrary<String> uriLine() {
    return uri();
  }

  private static Arbitrary<String> uri() {
    Arbitrary<String> base =
        Arbitraries.of(
            "", "/", "../", "https://edge.example.com/", "HTTPS://EDGE.EXAMPLE.COM:443/", "https://cdn.example.net/",
            "//edge.example.com/", "//cdn.example.net/", "skd://", "data:,", "{$base}/");
    return Combinators.combine(base, name(), query(), Arbitraries.of("", "#t=10"))
        .as((b, name, query, fragment) -> b + name + ".ts" + query + fragment);
  }

  private static Arbitrary<String> tagLine() {
    Arbitrary<String> tag =
        Arbitraries.of(
            "#EXT-X-MAP", "#EXT-X-KEY", "#EXT-X-SESSION-KEY", "#EXT-X-MEDIA", "#EXT-X-I-FRAME-STREAM-INF",
            "#EXT-X-PART", "#EXT-X-PRELOAD-HINT", "#EXT-X-RENDITION-REPORT", "#EXT-X-SESSION-DATA",
            "#EXT-X-CONTENT-STEERING", "#EXT-X-STREAM-INF", "#EXT-X-DATERANGE");
    Arbitrary<String> attribute =
        Arbitraries.oneOf(
            uri().map(uri -> "URI=\"" + uri + "\""),
            uri().map(uri -> "SERVER-URI=\"" + uri + "\""),
            Arbitraries.of("NAME=\"English, SDH\"", "CODECS=\"avc1.4d401f,mp4a.40.2\"", "BANDWIDTH=1280000",
                "METHOD=AES-128", "VALUE=\"URI=x.ts,y\"", "X-ASSET-URI=\"ad.m3u8\""));
    return Combinators.combine(tag, attribute.list().ofMinSize(1).ofMaxSize(4))
        .as((name, attributes) -> name + ":" + String.join(",", attributes));
  }

  private static Arbitrary<String> otherLine() {
    return Arbitraries.of(
        "", "#EXTM3U", "#EXTINF:6.006,", "# comment URI=\"x.ts\"", "#EXT-X-MAP:URI=\"unterminated.mp4",
        "bad uri.ts", "#EXT-X-ENDLIST", "   ");
  }

  private static Arbitrary<String> name() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_', '-', '.').ofMinLength(1).ofMaxLength(12);
  }

  private static Arbitrary<String> query() {
    return Arbitraries.of("", "?v=2", "?v=2&w=3", "?_HLS_msn=273&_HLS_part=2", "?a");
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Rewrites {@code playlist} from a pooled direct buffer and returns the output's bytes, checking
   * that the cached body came through unchanged and that no reference was left behind.
   */
  private static byte[] rewrite(PlaylistRewriter rewriter, byte[] playlist) {
    ByteBuf cached = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, playlist.length)).writeBytes(playlist);
    try {
      ByteBuf out = rewriter.rewrite(cached, PooledByteBufAllocator.DEFAULT);
      byte[] bytes;
      try {
        bytes = ByteBufUtil.getBytes(out);
      } finally {
        out.release();
      }
      assertThat(cached.refCnt()).as("references to the cached body once the output is released").isEqualTo(1);
      assertThat(cached.readerIndex()).isZero();
      assertThat(ByteBufUtil.getBytes(cached)).isEqualTo(playlist);
      return bytes;
    } finally {
      cached.release();
    }
  }

  private static long count(byte[] bytes, byte value) {
    long n = 0;
    for (byte b : bytes) {
      if (b == value) {
        n++;
      }
    }
    return n;
  }

  private static long occurrences(String text, String part) {
    long n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }
}
