package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The on-disk form of a {@link StoredHead}, version 1:
 *
 * <pre>
 *   'S' 'H' version(1)            magic and format version
 *   status                        u16
 *   requestMillis responseMillis lifetimeMillis   i64 each
 *   count                         varint, then count times:
 *     nameLength name valueLength value           varint + UTF-8 bytes
 *   crc32                         i32 over everything before it
 * </pre>
 *
 * <p>Decoding distrusts every byte: the checksum catches torn writes and bit rot, each length is
 * checked against what is left before anything is allocated, and every failure is an {@link
 * IllegalArgumentException}, so a corrupt file costs a cache miss and never an out-of-memory or an
 * index error.
 */
final class HeadCodec {
  static final int VERSION = 1;
  private static final byte MAGIC_0 = 'S';
  private static final byte MAGIC_1 = 'H';
  /** Magic, version, status, three times, a zero count, the checksum. */
  private static final int MIN_LENGTH = 3 + 2 + 24 + 1 + 4;

  private HeadCodec() {}

  static byte[] encode(StoredHead head) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_0);
    out.write(MAGIC_1);
    out.write(VERSION);
    out.write(head.status() >>> 8);
    out.write(head.status());
    writeLong(out, head.requestMillis());
    writeLong(out, head.responseMillis());
    writeLong(out, head.lifetimeMillis());
    HttpHeaders headers = head.headers();
    writeVarint(out, headers.size());
    for (Map.Entry<String, String> entry : headers) {
      writeString(out, entry.getKey());
      writeString(out, entry.getValue());
    }
    CRC32 crc = new CRC32();
    crc.update(out.toByteArray());
    int checksum = (int) crc.getValue();
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(checksum >>> shift);
    }
    return out.toByteArray();
  }

  static StoredHead decode(byte[] bytes) {
    if (bytes == null || bytes.length < MIN_LENGTH) {
      throw new IllegalArgumentException("stored head: " + (bytes == null ? "null" : bytes.length + " bytes")
          + " (expected: at least " + MIN_LENGTH + " bytes)");
    }
    int bodyLength = bytes.length - 4;
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bodyLength);
    Reader in = new Reader(bytes, bodyLength);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bodyLength, 4).getInt()) {
      throw new IllegalArgumentException("stored head: checksum mismatch");
    }
    if (in.u8() != MAGIC_0 || in.u8() != MAGIC_1) {
      throw new IllegalArgumentException("stored head: bad magic");
    }
    int version = in.u8();
    if (version != VERSION) {
      throw new IllegalArgumentException("stored head version: " + version + " (expected: " + VERSION + ")");
    }
    int status = (in.u8() << 8) | in.u8();
    long requestMillis = in.i64();
    long responseMillis = in.i64();
    long lifetimeMillis = in.i64();
    int count = in.varint();
    HttpHeaders headers = HeaderFields.newHeaders();
    for (int i = 0; i < count; i++) {
      String name = in.string();
      String value = in.string();
      headers.add(name, value);
    }
    if (in.remaining() != 0) {
      throw new IllegalArgumentException("stored head: " + in.remaining() + " trailing bytes");
    }
    return StoredHead.restore(status, headers, requestMillis, responseMillis, lifetimeMillis);
  }

  private static void writeLong(ByteArrayOutputStream out, long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift));
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  private static void writeString(ByteArrayOutputStream out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, utf8.length);
    out.write(utf8, 0, utf8.length);
  }

  /** Bounds-checked reads over {@code bytes[0, limit)}; running past the end is malformed input. */
  private static final class Reader {
    private final byte[] bytes;
    private final int limit;
    private int position;

    Reader(byte[] bytes, int limit) {
      this.bytes = bytes;
      this.limit = limit;
    }

    int remaining() {
      return limit - position;
    }

    private void need(int count) {
      if (count < 0 || count > remaining()) {
        throw new IllegalArgumentException("stored head: truncated (needed " + count + " bytes, "
            + remaining() + " left)");
      }
    }

    int u8() {
      need(1);
      return bytes[position++] & 0xFF;
    }

    long i64() {
      need(8);
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (bytes[position++] & 0xFF);
      }
      return value;
    }

    /**
     * An unsigned LEB128 int of at most five bytes that fits in 31 bits, in its shortest form: a last
     * byte of zero after a continuation byte ({@code 80 00} for 0) is refused, so that one head has one
     * encoding and a decoded head encodes back to the bytes it came from (found by fuzzing, issue 15).
     */
    int varint() {
      long value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (value > Integer.MAX_VALUE || (b == 0 && shift > 0)) {
            break;
          }
          return (int) value;
        }
      }
      throw new IllegalArgumentException("stored head: bad length");
    }

    String string() {
      int length = varint();
      need(length);
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      try {
        CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, position, length));
        position += length;
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("stored head: malformed UTF-8", e);
      }
    }
  }
}
