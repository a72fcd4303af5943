package media.edge.cache;

import io.netty.buffer.ByteBuf;
import media.edge.hls.CachePolicy.Freshness;
import media.edge.hls.ContentKind;
import media.edge.library.FileMeta;
import media.edge.library.Library;

/** What a lookup found: a body in memory, a file to stream from disk, or a refusal. */
public sealed interface Content permits Content.InMemory, Content.OnDisk, Content.Refused {

  /**
   * A memory hit or a fresh load.
   *
   * @param file the entry, for its headers
   * @param body a retained duplicate the receiver must write or release
   * @param readNow true when this request read the file from disk, false for a memory hit
   */
  record InMemory(CachedFile file, ByteBuf body, boolean readNow) implements Content {}

  /**
   * A file too large for memory, streamed from disk with zero copy.
   *
   * @param source where its bytes are read from: a descriptor kept open, or the file opened per request
   */
  record OnDisk(FileMeta meta, ContentKind kind, String contentType, Freshness freshness, FileSource source)
      implements Content {}

  /** Not served: missing or forbidden. */
  record Refused(Library.Status status) implements Content {}
}
