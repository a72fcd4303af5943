package media.edge.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import media.edge.AbstractBenchmark;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-response cost of query-token propagation: {@link PlaylistRewriter} appending a token to
 * every own URI of a cached playlist, as the server does for each playlist request that carried its
 * token in the query string.
 *
 * <p>Inputs, held like the memory tier holds them (pooled direct buffers, output from
 * {@code PooledByteBufAllocator.DEFAULT}, the server's allocator):
 *
 * <ul>
 *   <li>a CMAF VOD media playlist: EXT-X-MAP, an AES-128 EXT-X-KEY and sixty 6.006-second
 *       segments: 2,418 bytes, 62 URIs to rewrite;
 *   <li>a multivariant playlist: five variants, two audio and two subtitle renditions, five I-frame
 *       playlists and a session key: 1,844 bytes, 15 URIs to rewrite.
 * </ul>
 *
 * <p>{@link #mediaPlaylist} and {@link #multivariantPlaylist} include building the rewriter from the
 * token, as a request does; {@link #mediaPlaylistPlanned} is what the server does per request once
 * the cached playlist keeps its plan (the parse done once, one copy per request, the rewriter still
 * built per request); {@link #mediaPlaylistPrebuilt} leaves out building the rewriter, and {@link #copyBaseline}
 * is the floor: the same bytes copied into a new buffer without looking at them. Each operation
 * releases its output, so the pool's recycling is part of the measure, as it is in the server.
 *
 * <p>Run, from the repository root:
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar PlaylistRewrite -prof gc
 * </pre>
 */
public class PlaylistRewriteBenchmark extends AbstractBenchmark {
  /** An EdgeAuth-style token of realistic length (an ACL, expiry and a SHA-256 HMAC). */
  private static final String TOKEN =
      "hdnts=st=1732600000~exp=1732603600~acl=/vod/bbb/*~hmac="
          + "0f6c1e4b2a9d8c7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e";
  private static final String HOST = "edge.example.com";
  private static final int SEGMENTS = 60;

  private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
  private ByteBuf media;
  private ByteBuf multivariant;
  private PlaylistRewriter prebuilt;
  /** What the memory tier's entry holds: the last plan. */
  private final PlaylistRewriter.PlanSlot slot = new PlaylistRewriter.PlanSlot();

  @Setup(Level.Trial)
  public void setUp() {
    media = cached(mediaPlaylistText());
    multivariant = cached(multivariantPlaylistText());
    prebuilt = PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost(HOST));
    // Fail the run, rather than measure the wrong thing, if the rewriter stopped rewriting.
    expectGrowth(media, SEGMENTS + 2);
    expectGrowth(multivariant, 15);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    // Every operation released its output; anything else still holding the bodies is a leak.
    check(media);
    check(multivariant);
    media.release();
    multivariant.release();
  }

  @Benchmark
  public int mediaPlaylist() {
    return rewriteAndRelease(PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost(HOST)), media);
  }

  @Benchmark
  public int multivariantPlaylist() {
    return rewriteAndRelease(PlaylistRewriter.of(TOKEN, PlaylistRewriter.requestHost(HOST)), multivariant);
  }

  @Benchmark
  public int mediaPlaylistPlanned() {
    ByteBuf out = PlaylistRewriter.forHost(TOKEN, HOST).rewrite(media, allocator, slot);
    int bytes = out.readableBytes();
    out.release();
    return bytes;
  }

  @Benchmark
  public int mediaPlaylistPrebuilt() {
    return rewriteAndRelease(prebuilt, media);
  }

  @Benchmark
  public int copyBaseline() {
    ByteBuf out = allocator.buffer(media.readableBytes());
    out.writeBytes(media, media.readerIndex(), media.readableBytes());
    int bytes = out.readableBytes();
    out.release();
    return bytes;
  }

  private int rewriteAndRelease(PlaylistRewriter rewriter, ByteBuf playlist) {
    ByteBuf out = rewriter.rewrite(playlist, allocator);
    int bytes = out.readableBytes();
    out.release();
    return bytes;
  }

  private void expectGrowth(ByteBuf playlist, int uris) {
    int expected = playlist.readableBytes() + uris * (TOKEN.length() + 1);
    int actual = rewriteAndRelease(prebuilt, playlist);
    if (actual != expected) {
      throw new IllegalStateException("rewritten playlist is " + actual + " bytes (expected: " + expected + ")");
    }
  }

  private static void check(ByteBuf body) {
    if (body.refCnt() != 1) {
      throw new IllegalStateException("cached body has " + body.refCnt() + " references (expected: 1)");
    }
  }

  private ByteBuf cached(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return allocator.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
  }

  private static String mediaPlaylistText() {
    StringBuilder playlist =
        new StringBuilder()
            .append("#EXTM3U\n")
            .append("#EXT-X-VERSION:7\n")
            .append("#EXT-X-TARGETDURATION:7\n")
            .append("#EXT-X-MEDIA-SEQUENCE:0\n")
            .append("#EXT-X-PLAYLIST-TYPE:VOD\n")
            .append("#EXT-X-INDEPENDENT-SEGMENTS\n")
            .append("#EXT-X-KEY:METHOD=AES-128,URI=\"../keys/bbb.key\",IV=0x00000000000000000000000000000001\n")
            .append("#EXT-X-MAP:URI=\"init_720p.mp4\"\n");
    for (int i = 0; i < SEGMENTS; i++) {
      playlist.append("#EXTINF:6.006,\n").append(String.format(Locale.ROOT, "video_720p_%05d.m4s", i)).append('\n');
    }
    return playlist.append("#EXT-X-ENDLIST\n").toString();
  }

  private static String multivariantPlaylistText() {
    StringBuilder playlist =
        new StringBuilder()
            .append("#EXTM3U\n")
            .append("#EXT-X-VERSION:6\n")
            .append("#EXT-X-INDEPENDENT-SEGMENTS\n")
            .append("#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"keys/bbb.key\"\n")
            .append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=YES,")
            .append("AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/en/index.m3u8\"\n")
            .append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aac\",LANGUAGE=\"fr\",NAME=\"Fran\u00e7ais\",DEFAULT=NO,")
            .append("AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/fr/index.m3u8\"\n")
            .append("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English, SDH\",DEFAULT=NO,")
            .append("AUTOSELECT=YES,FORCED=NO,URI=\"subs/en/index.m3u8\"\n")
            .append("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"fr\",NAME=\"Fran\u00e7ais\",DEFAULT=NO,")
            .append("AUTOSELECT=YES,FORCED=NO,URI=\"subs/fr/index.m3u8\"\n");
    String[][] variants = {
      {"240p", "426x240", "400000", "avc1.42c015"},
      {"360p", "640x360", "800000", "avc1.4d401e"},
      {"480p", "854x480", "1400000", "avc1.4d401f"},
      {"720p", "1280x720", "2800000", "avc1.4d401f"},
      {"1080p", "1920x1080", "5000000", "avc1.640028"},
    };
    for (String[] v : variants) {
      playlist
          .append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v[2]).append(",RESOLUTION=").append(v[1])
          .append(",CODECS=\"").append(v[3]).append(",mp4a.40.2\",AUDIO=\"aac\",SUBTITLES=\"subs\"\n")
          .append(v[0]).append("/index.m3u8\n");
    }
    for (String[] v : variants) {
      playlist
          .append("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=").append(Integer.parseInt(v[2]) / 10).append(",RESOLUTION=")
          .append(v[1]).append(",CODECS=\"").append(v[3]).append("\",URI=\"").append(v[0]).append("/iframes.m3u8\"\n");
    }
    return playlist.toString();
  }
}
