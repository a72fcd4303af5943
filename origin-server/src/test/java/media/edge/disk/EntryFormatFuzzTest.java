package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzzes the disk-entry codec with written entries that are then damaged (bytes changed, inserted,
 * removed, the file cut or extended), as bit rot, a torn write or a planted file would (issue 15). Parsing
 * and checking either fail with {@link CorruptFileException} or yield a header and body consistent with
 * the file: written again, the fields give back exactly the bytes that were read, so nothing a check let
 * through can be served as something else. Parsing from the first {@link EntryFormat#maxHeaderBytes()}
 * bytes only, as the disk tier does for large files, agrees with parsing the whole file.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=EntryFormatFuzzTest}.
 */
class EntryFormatFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parse_damagedEntry_isCorruptOrConsistent(FuzzedDataProvider data) {
    byte[] key = data.consumeBytes(data.consumeInt(0, 64));
    byte[] head = data.consumeBytes(data.consumeInt(0, 128));
    long storedAt = data.consumeLong();
    byte[] body = data.consumeBytes(data.consumeInt(0, 512));
    byte[] file = written(key, storedAt, head, body);
    for (int edits = data.consumeInt(0, 4); edits > 0 && file.length > 0; edits--) {
      int at = data.consumeInt(0, file.length - 1);
      switch (data.consumeInt(0, 3)) {
        case 0 -> file[at] = data.consumeByte();
        case 1 -> file = Arrays.copyOf(file, at);
        case 2 -> file = splice(file, at, data.consumeBytes(8));
        default -> {
          if (file.length >= 4) { // a length or the magic, word-aligned
            ByteBuffer.wrap(file).putInt(Math.min(at & ~3, file.length - 4), data.consumeInt());
          }
        }
      }
    }
    if (data.consumeBoolean()) {
      file = data.consumeRemainingAsBytes(); // or bytes that were never an entry
    }

    EntryFormat.Header whole = check(file, file.length);
    EntryFormat.Header prefix = check(Arrays.copyOf(file, Math.min(file.length, EntryFormat.maxHeaderBytes())), file.length);
    if (file.length <= EntryFormat.maxHeaderBytes()) {
      assertThat(prefix == null).isEqualTo(whole == null);
    }
    if (whole == null) {
      return;
    }
    byte[] readBody = Arrays.copyOfRange(file, whole.bodyOffset(), whole.bodyOffset() + whole.bodyLength());
    assertThat(whole.bodyOffset() + (long) whole.bodyLength()).isEqualTo(file.length);
    assertThat(written(whole.key(), whole.storedAtMillis(), whole.head(), readBody)).isEqualTo(file);
  }

  /** The header of {@code bytes} holding the start of a file of {@code fileSize}, body checked; null if corrupt. */
  private static EntryFormat.Header check(byte[] bytes, long fileSize) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      EntryFormat.Header header = EntryFormat.parseHeader(buf, fileSize);
      assertThat(header.key().length).isLessThanOrEqualTo(EntryFormat.MAX_KEY_BYTES);
      assertThat(header.head().length).isLessThanOrEqualTo(EntryFormat.MAX_HEAD_BYTES);
      assertThat(header.bodyLength()).isNotNegative();
      if (bytes.length == fileSize) {
        EntryFormat.verifyBody(buf, header);
      }
      return header;
    } catch (CorruptFileException corrupt) {
      return null;
    } finally {
      buf.release();
    }
  }

  private static byte[] written(byte[] key, long storedAt, byte[] head, byte[] body) {
    ByteBuf bodyBuf = Unpooled.wrappedBuffer(body);
    try {
      ByteBuffer header = EntryFormat.header(key, storedAt, head, bodyBuf);
      byte[] file = new byte[header.remaining() + body.length];
      header.get(file, 0, header.remaining());
      System.arraycopy(body, 0, file, file.length - body.length, body.length);
      return file;
    } finally {
      bodyBuf.release();
    }
  }

  private static byte[] splice(byte[] file, int at, byte[] inserted) {
    byte[] out = new byte[file.length + inserted.length];
    System.arraycopy(file, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(file, at, out, at + inserted.length, file.length - at);
    return out;
  }
}
