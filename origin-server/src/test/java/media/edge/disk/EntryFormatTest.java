package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The file format over generated entries: what is written parses back, and no damage gets through:
 * any changed byte, any truncation, any garbage is reported as corrupt, never thrown as anything else.
 */
class EntryFormatTest {

  /** A whole file as the tier writes it. */
  private static byte[] file(byte[] key, long storedAt, byte[] head, byte[] body) {
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

  private static EntryFormat.Header parseAndVerify(byte[] file) throws CorruptFileException {
    ByteBuf buf = Unpooled.wrappedBuffer(file);
    try {
      EntryFormat.Header header = EntryFormat.parseHeader(buf);
      EntryFormat.verifyBody(buf, header);
      return header;
    } finally {
      buf.release();
    }
  }

  @Property(edgeCases = EdgeCasesMode.NONE) // the edge cases of several arrays multiply past the tries
  void parse_ofWhatWasWritten_givesEveryFieldBack(
      @ForAll @Size(max = 300) byte[] key,
      @ForAll long storedAt,
      @ForAll @Size(max = 300) byte[] head,
      @ForAll @Size(max = 3000) byte[] body)
      throws CorruptFileException {
    byte[] file = file(key, storedAt, head, body);

    EntryFormat.Header header = parseAndVerify(file);

    assertThat(file.length).isEqualTo(EntryFormat.fileSize(key.length, head.length, body.length));
    assertThat(header.key()).isEqualTo(key);
    assertThat(header.storedAtMillis()).isEqualTo(storedAt);
    assertThat(header.head()).isEqualTo(head);
    assertThat(header.bodyLength()).isEqualTo(body.length);
    byte[] stored = new byte[body.length];
    System.arraycopy(file, header.bodyOffset(), stored, 0, body.length);
    assertThat(stored).isEqualTo(body);
  }

  @Example
  void parse_emptyKeyHeadAndBody_givesThemBack() throws CorruptFileException {
    EntryFormat.Header header = parseAndVerify(file(new byte[0], 0, new byte[0], new byte[0]));

    assertThat(header.key()).isEmpty();
    assertThat(header.head()).isEmpty();
    assertThat(header.bodyLength()).isZero();
  }

  @Property(edgeCases = EdgeCasesMode.NONE) // the edge cases of several arrays multiply past the tries
  void parse_anyChangedByte_isCorrupt(
      @ForAll @Size(max = 100) byte[] key,
      @ForAll @Size(max = 100) byte[] head,
      @ForAll @Size(max = 1000) byte[] body,
      @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll byte change) {
    Assume.that(change != 0);
    byte[] file = file(key, 42, head, body);
    file[where % file.length] ^= change;

    assertThatThrownBy(() -> parseAndVerify(file)).isInstanceOf(CorruptFileException.class);
  }

  @Property(edgeCases = EdgeCasesMode.NONE) // the edge cases of several arrays multiply past the tries
  void parse_anyTruncation_isCorrupt(
      @ForAll @Size(max = 100) byte[] key,
      @ForAll @Size(max = 100) byte[] head,
      @ForAll @Size(max = 1000) byte[] body,
      @ForAll @IntRange(min = 0, max = 100_000) int cut) {
    byte[] file = file(key, 42, head, body);
    byte[] truncated = Arrays.copyOf(file, cut % file.length);

    assertThatThrownBy(() -> parseAndVerify(truncated)).isInstanceOf(CorruptFileException.class);
  }

  @Property
  void parse_garbage_isCorruptAndNeverThrowsAnythingElse(@ForAll @Size(max = 200) byte[] garbage) {
    assertThatThrownBy(() -> parseAndVerify(garbage)).isInstanceOf(CorruptFileException.class);
  }

  @Property
  void parse_garbageAfterAValidMagicAndVersion_isCorrupt(@ForAll @Size(max = 200) byte[] rest) {
    ByteBuffer file = ByteBuffer.allocate(8 + rest.length).putInt(EntryFormat.MAGIC).putInt(EntryFormat.VERSION).put(rest);

    assertThatThrownBy(() -> parseAndVerify(file.array())).isInstanceOf(CorruptFileException.class);
  }
}
