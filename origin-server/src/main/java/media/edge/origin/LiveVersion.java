package media.edge.origin;

import io.netty.buffer.ByteBuf;
import media.edge.hls.LowLatency;

/**
 * What one version of a live low-latency playlist adds to its memory entry: where it stands (for
 * blocking reloads), the {@code Cache-Control} of answers to blocking requests, and its delta updates,
 * made once on the file I/O thread that read it. The buffers are handed to the {@link CachedFile},
 * which releases them with the entry.
 *
 * @param lowLatency the playlist's position, part target and hints
 * @param blockingCacheControl sent on answers to blocking requests (six target durations, appendix B.1)
 * @param delta {@code _HLS_skip=YES}, or null when the playlist offers no delta updates
 * @param deltaGzip its gzip copy, or null
 * @param deltaDateranges {@code _HLS_skip=v2}, or null when the playlist does not skip date ranges
 * @param deltaDaterangesGzip its gzip copy, or null
 */
record LiveVersion(
    LowLatency lowLatency, String blockingCacheControl, ByteBuf delta, ByteBuf deltaGzip, ByteBuf deltaDateranges,
    ByteBuf deltaDaterangesGzip) {

  /** Gives the buffers back, for a version that never became an entry. */
  void release() {
    for (ByteBuf buffer : new ByteBuf[] {delta, deltaGzip, deltaDateranges, deltaDaterangesGzip}) {
      if (buffer != null) {
        buffer.release();
      }
    }
  }

  /** Bytes held beyond the full playlist's. */
  int weight() {
    int weight = 0;
    for (ByteBuf buffer : new ByteBuf[] {delta, deltaGzip, deltaDateranges, deltaDaterangesGzip}) {
      weight += buffer == null ? 0 : buffer.readableBytes();
    }
    return weight;
  }
}
