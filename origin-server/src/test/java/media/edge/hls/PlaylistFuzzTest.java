package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import media.edge.hls.LowLatency.Readiness;

/**
 * Fuzzes what reads playlist text, which an edge takes from its upstream (issue 15):
 *
 * <ul>
 *   <li>{@link PlaylistRewriter}: never throws, keeps the line count, grows by at most the token and a
 *       separator per line, round-trips (removing the appended token gives the input back when the input
 *       carried no token of its own), is idempotent (rewriting its own output changes nothing: a stale
 *       token is replaced, never doubled), and leaves the cached body as it was, with no reference taken;
 *   <li>{@link PlaylistType}, {@link LowLatency} and {@link DeltaUpdate} answer any text: target durations
 *       are not negative, a blocking decision is made for any position, a delta update keeps the last
 *       segment URIs in order and says how many it skipped;
 *   <li>{@link PlaylistPaths} resolves any URI to null or an absolute path.
 * </ul>
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=PlaylistFuzzTest#rewrite...} (one
 * method per run).
 */
class PlaylistFuzzTest {
  private static final String TOKEN = "hdnts=exp=1~acl=/vod/*~hmac=ab";
  private static final PlaylistRewriter REWRITER =
      PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost("edge.example.com"));
  private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

  @FuzzTest(maxDuration = "3m")
  void rewrite_anyPlaylist_roundTripsAndIsIdempotent(FuzzedDataProvider data) {
    byte[] in = data.consumeRemainingAsBytes();

    byte[] once = rewrite(in);

    assertThat(count(once, '\n')).isEqualTo(count(in, '\n'));
    assertThat((long) once.length).isLessThanOrEqualTo(in.length + (count(in, '\n') + 1L) * (TOKEN.length() + 1));
    String input = new String(in, StandardCharsets.ISO_8859_1);
    if (!input.contains("hdnts")) {
      String output = new String(once, StandardCharsets.ISO_8859_1);
      // A query that is empty or ends with a separator ("seg.ts?", "seg.ts?a=1&") takes the token with no
      // separator of its own ("seg.ts?hdnts=..."), so separators that end a URI (before a fragment, a
      // quote, whitespace or the line end) are dropped on both sides before they are compared.
      assertThat(withoutEmptyQueries(output.replace("?" + TOKEN, "").replace("&" + TOKEN, "")))
          .isEqualTo(withoutEmptyQueries(input));
    }
    assertThat(rewrite(once)).as("rewriting the rewritten playlist").isEqualTo(once);
  }

  @FuzzTest(maxDuration = "2m")
  void read_anyPlaylistText_answersSanely(FuzzedDataProvider data) {
    long msn = data.consumeLong(-1, 1_000_000);
    int part = data.consumeInt(-1, 100);
    double boundary = data.consumeRegularDouble(0, 1e6);
    boolean v2 = data.consumeBoolean();
    String text = data.consumeRemainingAsString();

    PlaylistType type = PlaylistType.scan(text);
    assertThat(type.targetDurationSeconds()).isNotNegative();
    assertThat(PlaylistType.scan(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))).variant())
        .isEqualTo(type.variant());

    LowLatency lowLatency = LowLatency.parse(text);
    assertThat(lowLatency.targetDuration()).isNotNegative();
    assertThat(lowLatency.partTarget()).isNotNegative();
    assertThat(lowLatency.openParts()).isNotNegative();
    Readiness readiness = lowLatency.decide(msn, part);
    assertThat(readiness).isNotNull();
    if (lowLatency != LowLatency.NONE && lowLatency.lastMsn() >= 0 && lowLatency.lastMsn() < Long.MAX_VALUE - 2
        && part == -1 && msn <= lowLatency.lastMsn()) {
      assertThat(readiness).isEqualTo(Readiness.READY);
    }

    String delta = DeltaUpdate.of(text, boundary, v2, List.of("a"));
    assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=");
    List<String> before = uriLines(text);
    List<String> after = uriLines(delta);
    assertThat(after.size()).isLessThanOrEqualTo(before.size());
    assertThat(before.subList(before.size() - after.size(), before.size()))
        .as("delta of %s: %s", escape(text), escape(delta)).isEqualTo(after);

    String resolved = PlaylistPaths.resolve("/live/2M/media.m3u8", text);
    if (resolved != null) {
      assertThat(resolved).startsWith("/");
    }
  }

  /**
   * The lines of {@code text} that name a segment, as {@link Lines} splits them, without trailing CRs: a
   * delta update writes LF line ends, so the stray CR of a line ending CR CR LF (no URI has one) becomes
   * part of its line end.
   */
  private static List<String> uriLines(String text) {
    return Lines.of(text).stream().map(l -> l.replaceAll("\\r+$", "")).filter(l -> !l.isEmpty() && l.charAt(0) != '#')
        .toList();
  }

  private static String withoutEmptyQueries(String text) {
    return text.replaceAll("[?&]+(?=[ \\t\\r\\n#\"]|$)", "");
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
    return out.toString();
  }

  private static byte[] rewrite(byte[] playlist) {
    ByteBuf cached = Unpooled.directBuffer(Math.max(1, playlist.length)).writeBytes(playlist);
    try {
      ByteBuf out = REWRITER.rewrite(cached, ALLOCATOR);
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

  private static long count(byte[] bytes, char c) {
    long n = 0;
    for (byte b : bytes) {
      if (b == c) {
        n++;
      }
    }
    return n;
  }
}
