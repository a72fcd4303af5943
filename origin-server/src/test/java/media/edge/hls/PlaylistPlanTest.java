package media.edge.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * Reuse of a {@link PlaylistRewriter.Plan} kept beside a cached playlist: a request with another
 * token reuses it and gets exactly what a fresh parse gives; another host, other parameter names or
 * other buffer indices do not reuse it.
 */
class PlaylistPlanTest {
  private static final String PLAYLIST =
      String.join(
          "\n",
          "#EXTM3U",
          "#EXT-X-MAP:URI=\"init.mp4\"",
          "#EXTINF:4,",
          "seg_1.m4s",
          "#EXTINF:4,",
          "seg_2.m4s?x=1&hdnts=stale",
          "#EXTINF:4,",
          "https://edge.example.com/abs/seg_3.m4s",
          "#EXTINF:4,",
          "https://other.example.net/seg_4.m4s",
          "");

  private static String rewrite(PlaylistRewriter rewriter, ByteBuf cached, PlaylistRewriter.PlanSlot slot) {
    ByteBuf out = rewriter.rewrite(cached, PooledByteBufAllocator.DEFAULT, slot);
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  private static ByteBuf cached(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  @Test
  void rewrite_secondTokenSameHost_reusesThePlanAndMatchesAFreshParse() {
    ByteBuf body = cached(PLAYLIST);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      String first = rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com:8443"), body, slot);
      PlaylistRewriter.Plan kept = slot.plan();
      String second = rewrite(PlaylistRewriter.forHost("hdnts=two~longer", "EDGE.example.com"), body, slot);

      assertThat(kept).isNotNull();
      assertThat(slot.plan()).isSameAs(kept);
      assertThat(first).isEqualTo(rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), body, null));
      assertThat(second)
          .isEqualTo(rewrite(PlaylistRewriter.forHost("hdnts=two~longer", "edge.example.com"), body, null))
          .contains("seg_1.m4s?hdnts=two~longer\n")
          .contains("seg_2.m4s?x=1&hdnts=two~longer\n")
          .contains("https://edge.example.com/abs/seg_3.m4s?hdnts=two~longer\n")
          .contains("https://other.example.net/seg_4.m4s\n")
          .doesNotContain("stale");
    } finally {
      body.release();
    }
  }

  @Test
  void rewrite_otherHost_makesANewPlan() {
    ByteBuf body = cached(PLAYLIST);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), body, slot);
      PlaylistRewriter.Plan first = slot.plan();
      String other = rewrite(PlaylistRewriter.forHost("hdnts=one", "other.example.net"), body, slot);

      assertThat(slot.plan()).isNotNull().isNotSameAs(first);
      assertThat(other)
          .contains("https://edge.example.com/abs/seg_3.m4s\n")
          .contains("https://other.example.net/seg_4.m4s?hdnts=one\n");
    } finally {
      body.release();
    }
  }

  @Test
  void rewrite_otherParameterName_makesANewPlan() {
    ByteBuf body = cached(PLAYLIST);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), body, slot);
      PlaylistRewriter.Plan first = slot.plan();
      String other = rewrite(PlaylistRewriter.forHost("token=one", "edge.example.com"), body, slot);

      assertThat(slot.plan()).isNotNull().isNotSameAs(first);
      assertThat(other).contains("seg_2.m4s?x=1&hdnts=stale&token=one\n");
    } finally {
      body.release();
    }
  }

  @Test
  void rewrite_sameBytesAtOtherIndices_doesNotReuseThePlan() {
    ByteBuf body = cached("#EXTM3U\n" + PLAYLIST.substring("#EXTM3U\n".length()));
    ByteBuf shifted = cached("xx" + PLAYLIST);
    shifted.readerIndex(2);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), body, slot);
      PlaylistRewriter.Plan first = slot.plan();
      String fromShifted = rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), shifted, slot);

      assertThat(slot.plan()).isNotNull().isNotSameAs(first);
      assertThat(fromShifted).isEqualTo(rewrite(PlaylistRewriter.forHost("hdnts=one", "edge.example.com"), body, null));
    } finally {
      body.release();
      shifted.release();
    }
  }

  @Test
  void rewrite_customHostPredicate_neverKeepsAPlan() {
    ByteBuf body = cached(PLAYLIST);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      rewrite(PlaylistRewriter.of("hdnts=one", host -> true), body, slot);

      assertThat(slot.plan()).isNull();
    } finally {
      body.release();
    }
  }

  @Property(tries = 200)
  void rewrite_anyTwoTokens_reusedPlanGivesTheFreshParse(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 40) String first,
      @ForAll @AlphaChars @NumericChars @StringLength(min = 0, max = 40) String second) {
    ByteBuf body = cached(PLAYLIST);
    PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();
    try {
      rewrite(PlaylistRewriter.forHost("hdnts=" + first, "edge.example.com"), body, slot);
      String reused = rewrite(PlaylistRewriter.forHost("hdnts=" + second, "edge.example.com"), body, slot);

      assertThat(reused).isEqualTo(rewrite(PlaylistRewriter.forHost("hdnts=" + second, "edge.example.com"), body, null));
    } finally {
      body.release();
    }
  }
}
