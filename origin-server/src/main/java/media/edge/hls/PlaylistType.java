package media.edge.hls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a playlist's tags say about how long it stays valid (RFC 8216 section 6.2.2): a media
 * playlist with {@code #EXT-X-ENDLIST} (or {@code PLAYLIST-TYPE:VOD}) never changes; one without is
 * live and is reloaded every target duration; a multivariant playlist has {@code #EXT-X-STREAM-INF}
 * and no segments. A live playlist whose target duration is missing or malformed stays live
 * (with target 0, so the shortest freshness), never mistaken for a long-lived multivariant one.
 *
 * @param variant which of the three this is
 * @param targetDurationSeconds the {@code #EXT-X-TARGETDURATION} value, or 0 when absent
 */
public record PlaylistType(Variant variant, int targetDurationSeconds) {

  /** The three shapes of playlist that are cached differently. */
  public enum Variant {
    MULTIVARIANT,
    VOD,
    LIVE
  }

  private static final String TARGET = "#EXT-X-TARGETDURATION:";

  /** Reads the tags of a playlist held in {@code bytes} without consuming the buffer. */
  public static PlaylistType scan(ByteBuffer bytes) {
    ByteBuffer view = bytes.duplicate();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return scan(new String(copy, StandardCharsets.UTF_8));
  }

  /** Reads the tags of a playlist's text. */
  public static PlaylistType scan(CharSequence text) {
    boolean endList = false;
    boolean vodType = false;
    boolean variantStreams = false;
    boolean media = false;
    int target = 0;
    int length = text.length();
    int start = 0;
    while (start < length) {
      int end = start;
      while (end < length && text.charAt(end) != '\n') {
        end++;
      }
      String line = text.subSequence(start, end).toString().strip();
      if (line.startsWith("#EXT-X-ENDLIST")) {
        endList = true;
      } else if (line.startsWith("#EXT-X-PLAYLIST-TYPE:")) {
        vodType = line.regionMatches(21, "VOD", 0, 3);
      } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
        variantStreams = true;
      } else if (line.startsWith(TARGET)) {
        media = true;
        target = parseTarget(line.substring(TARGET.length()));
      } else if (line.startsWith("#EXTINF:") || line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        media = true;
      }
      start = end + 1;
    }
    if (endList || vodType) {
      return new PlaylistType(Variant.VOD, target);
    }
    if (variantStreams || !media) {
      return new PlaylistType(Variant.MULTIVARIANT, 0);
    }
    return new PlaylistType(Variant.LIVE, target);
  }

  private static int parseTarget(String value) {
    try {
      return Math.max(0, Integer.parseInt(value.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
