package media.edge.http;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import media.edge.metrics.CacheResult;

/**
 * The {@code X-Cache} field: where this node took the answer's body from ({@code memory}, {@code disk},
 * {@code upstream} or {@code pass}), the same word as the {@code cache} tag of the metrics and the
 * access log, so that a player (the player page shows it per segment) or {@code curl -I} sees it too. An
 * answer that looked nothing up (an error, a preflight) has none. An edge keeps its upstream's field
 * and adds its own after it, as CDNs chain theirs: {@code X-Cache: disk, memory} is an origin's disk
 * read, now answered from this edge's memory; the last value is this node's.
 *
 * <p>Each line and value is made once here, so an answer copies bytes and builds no string.
 * Immutable; safe from any thread.
 */
final class SourceField {
  static final AsciiString NAME = AsciiString.cached("x-cache");
  private static final CacheResult[] RESULTS = CacheResult.values();
  private static final byte[][] LINES = new byte[RESULTS.length][];
  private static final AsciiString[] VALUES = new AsciiString[RESULTS.length];

  static {
    for (CacheResult result : RESULTS) {
      if (result != CacheResult.NONE) {
        LINES[result.ordinal()] = (NAME + ": " + result.tag() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        VALUES[result.ordinal()] = AsciiString.cached(result.tag());
      }
    }
  }

  private SourceField() {}

  /** The HTTP/1.1 line ({@code x-cache: memory\r\n}) for {@code result}, or null for {@link CacheResult#NONE}. */
  static byte[] line(CacheResult result) {
    return LINES[result.ordinal()];
  }

  /** The value for {@code result}, or null for {@link CacheResult#NONE}. */
  static AsciiString value(CacheResult result) {
    return VALUES[result.ordinal()];
  }
}
