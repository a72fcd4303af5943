package media.edge.disk;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of an entry file, all integers big-endian:
 *
 * <pre>
 * int   magic          0x45444745 ("EDGE")
 * int   version        1
 * int   keyLength      at most {@link #MAX_KEY_BYTES}
 * byte  key[keyLength] UTF-8
 * long  storedAtMillis
 * int   headLength     at most {@link #MAX_HEAD_BYTES}
 * byte  head[headLength]
 * long  bodyLength     exactly what follows the header
 * int   bodyCrc        CRC32C of the body
 * int   headerCrc      CRC32C of every byte above
 * byte  body[bodyLength]
 * </pre>
 *
 * <p>Why the key is stored although the file is named after its hash: a read compares it with the
 * requested key, so a hash collision (or a file copied under the wrong name) is caught rather than
 * served. Why two checksums: the header's is checked before anything it describes is trusted, and
 * a bad body is told apart from a bad header in tests. Every length is checked against its bound and
 * against the file's size before use, so a flipped bit cannot make a read allocate gigabytes.
 *
 * <p>Stateless; safe from any thread.
 */
final class EntryFormat {
  static final int MAGIC = 0x45444745;
  static final int VERSION = 1;
  static final int MAX_KEY_BYTES = 8 * 1024;
  static final int MAX_HEAD_BYTES = 64 * 1024;
  /** Every field but the three variable-length ones. */
  static final int FIXED_BYTES = 4 + 4 + 4 + 8 + 4 + 8 + 4 + 4;

  private EntryFormat() {}

  /** The header fields of a file, checked against its header checksum; the body is not yet checked. */
  record Header(byte[] key, long storedAtMillis, byte[] head, int bodyOffset, int bodyLength, int bodyCrc) {}

  static long fileSize(int keyBytes, int headBytes, long bodyBytes) {
    return FIXED_BYTES + (long) keyBytes + headBytes + bodyBytes;
  }

  /** The header to write before {@code body}'s readable bytes, both checksums computed. */
  static ByteBuffer header(byte[] key, long storedAtMillis, byte[] head, ByteBuf body) {
    if (key.length > MAX_KEY_BYTES || head.length > MAX_HEAD_BYTES) {
      throw new IllegalArgumentException("key or head too long: " + key.length + ", " + head.length);
    }
    ByteBuffer header = ByteBuffer.allocate(FIXED_BYTES + key.length + head.length);
    header.putInt(MAGIC).putInt(VERSION).putInt(key.length).put(key).putLong(storedAtMillis);
    header.putInt(head.length).put(head).putLong(body.readableBytes()).putInt(crc(body));
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, header.position());
    header.putInt((int) crc.getValue());
    return header.flip();
  }

  /** Parses and checks the header of a whole file held in {@code file} (reader index 0). */
  static Header parseHeader(ByteBuf file) throws CorruptFileException {
    return parseHeader(file, file.readableBytes());
  }

  /** The most header bytes an entry can have: what {@link #parseHeader(ByteBuf, long)} needs read. */
  static int maxHeaderBytes() {
    return FIXED_BYTES + MAX_KEY_BYTES + MAX_HEAD_BYTES;
  }

  /**
   * Parses and checks the header at the start of {@code file}, which holds at least the header (the
   * whole file, or its first {@link #maxHeaderBytes()} bytes) of a file of {@code fileSize} bytes.
   */
  static Header parseHeader(ByteBuf file, long fileSize) throws CorruptFileException {
    if (fileSize > Integer.MAX_VALUE) {
      throw new CorruptFileException("larger than any entry: " + fileSize + " bytes");
    }
    int size = (int) fileSize;
    if (size < FIXED_BYTES) {
      throw new CorruptFileException("shorter than any header: " + size + " bytes");
    }
    int at = file.readerIndex();
    if (file.getInt(at) != MAGIC) {
      throw new CorruptFileException("bad magic");
    }
    if (file.getInt(at + 4) != VERSION) {
      throw new CorruptFileException("unknown version " + file.getInt(at + 4));
    }
    int keyLength = file.getInt(at + 8);
    if (keyLength < 0 || keyLength > MAX_KEY_BYTES || FIXED_BYTES + (long) keyLength > size) {
      throw new CorruptFileException("key length out of bounds: " + keyLength);
    }
    int afterKey = at + 12 + keyLength;
    long storedAtMillis = file.getLong(afterKey);
    int headLength = file.getInt(afterKey + 8);
    // Within the bytes read too: they are the whole file or maxHeaderBytes(), which bounds any header.
    if (headLength < 0 || headLength > MAX_HEAD_BYTES || FIXED_BYTES + (long) keyLength + headLength > size) {
      throw new CorruptFileException("head length out of bounds: " + headLength);
    }
    int afterHead = afterKey + 12 + headLength;
    long bodyLength = file.getLong(afterHead);
    int bodyOffset = afterHead + 16;
    if (bodyLength != size - (bodyOffset - at)) {
      throw new CorruptFileException("body length " + bodyLength + " does not match the file size");
    }
    int bodyCrc = file.getInt(afterHead + 8);
    CRC32C crc = new CRC32C();
    crc.update(file.nioBuffer(at, afterHead + 12 - at));
    if ((int) crc.getValue() != file.getInt(afterHead + 12)) {
      throw new CorruptFileException("header checksum mismatch");
    }
    byte[] key = new byte[keyLength];
    file.getBytes(at + 12, key);
    byte[] head = new byte[headLength];
    file.getBytes(afterKey + 12, head);
    return new Header(key, storedAtMillis, head, bodyOffset, (int) bodyLength, bodyCrc);
  }

  /** Checks the body that {@code header} describes. */
  static void verifyBody(ByteBuf file, Header header) throws CorruptFileException {
    if (crc(file.slice(header.bodyOffset(), header.bodyLength())) != header.bodyCrc()) {
      throw new CorruptFileException("body checksum mismatch");
    }
  }

  private static int crc(ByteBuf bytes) {
    CRC32C crc = new CRC32C();
    for (ByteBuffer part : bytes.nioBuffers()) {
      crc.update(part);
    }
    return (int) crc.getValue();
  }
}
