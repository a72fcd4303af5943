package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.SECOND;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The persisted form of a stored head: round trips exactly, refuses anything else cleanly. */
class HeadCodecTest {

  static void assertSameHead(StoredHead actual, StoredHead expected) {
    assertThat(actual.status()).isEqualTo(expected.status());
    assertThat(actual.requestMillis()).isEqualTo(expected.requestMillis());
    assertThat(actual.responseMillis()).isEqualTo(expected.responseMillis());
    assertThat(actual.lifetimeMillis()).isEqualTo(expected.lifetimeMillis());
    assertThat(actual.headers().entries()).isEqualTo(expected.headers().entries());
  }

  private static StoredHead sample() {
    return StoredHead.of(200, headers(
        "Date", date(T0 - 5 * SECOND),
        "Cache-Control", "max-age=60, stale-while-revalidate=30",
        "ETag", "\"5f1e-4e20\"",
        "Content-Type", "application/vnd.apple.mpegurl",
        "Set-Cookie", "a=1",
        "Set-Cookie", "b=2",
        "X-Unicode", "caf\u00e9 \u2603",
        "Age", "3"), T0 - SECOND, T0, HOUR);
  }

  @Test
  void decode_ofEncode_isTheSameHead() {
    StoredHead head = sample();
    StoredHead decoded = StoredHead.decode(head.encode());
    assertSameHead(decoded, head);
    assertThat(decoded.cacheControl().staleWhileRevalidate()).isEqualTo(30);
    assertThat(decoded.ageMillis(T0 + 10 * SECOND)).isEqualTo(head.ageMillis(T0 + 10 * SECOND));
    assertThat(decoded.encode()).isEqualTo(head.encode());
  }

  @Test
  void decode_keepsTheStoredLifetimeRatherThanRecomputingIt() {
    StoredHead heuristic = StoredHead.of(200, headers("Last-Modified", date(T0 - 100 * HOUR)), T0, T0, 7 * HOUR);
    assertThat(StoredHead.decode(heuristic.encode()).lifetimeMillis()).isEqualTo(7 * HOUR);
  }

  @Test
  void decode_emptyHeadersAndOddStatus_roundTrip() {
    StoredHead head = StoredHead.restore(599, headers(), 0, StoredHead.MAX_MILLIS, 0);
    assertSameHead(StoredHead.decode(head.encode()), head);
  }

  @Test
  void encode_isCompact() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Cache-Control", "max-age=60"), T0, T0, -1);
    int headerBytes = "Date".length() + date(T0).length() + "Cache-Control".length() + "max-age=60".length();
    assertThat(head.encode().length).isLessThanOrEqualTo(3 + 2 + 24 + 1 + 4 + 4 + headerBytes);
  }

  // ---- refusals -----------------------------------------------------------------------------

  @Test
  void decode_everyTruncation_isRefused() {
    byte[] bytes = sample().encode();
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> StoredHead.decode(truncated)).as("length %d", length)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void decode_anyFlippedBit_isRefused() {
    byte[] bytes = sample().encode();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> StoredHead.decode(flipped)).as("bit %d", bit)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void decode_null_isRefused() {
    assertThatThrownBy(() -> StoredHead.decode(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_unknownVersion_isRefusedByName() {
    byte[] body = body(sample().encode());
    body[2] = 2;
    assertThatThrownBy(() -> StoredHead.decode(sealed(body))).hasMessageContaining("version: 2");
  }

  @Test
  void decode_hugeLengthField_isRefusedWithoutAllocating() {
    Writer out = header(200, T0, T0, 0);
    out.varint(1);
    out.varint(Integer.MAX_VALUE);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  /** Issue 15 (fuzzing): {@code 80 00} is 0 in LEB128 too, but not as we write it, so it is refused. */
  @Test
  void decode_nonMinimalVarint_isRefused() {
    Writer out = header(200, T0, T0, 0);
    out.raw(0x80);
    out.raw(0x00);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad length");
  }

  @Test
  void decode_hugeHeaderCount_isRefused() {
    Writer out = header(200, T0, T0, 0);
    out.varint(Integer.MAX_VALUE);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decode_overlongVarint_isRefused() {
    Writer out = header(200, T0, T0, 0);
    for (int i = 0; i < 6; i++) {
      out.raw(0xFF);
    }
    out.raw(0);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).hasMessageContaining("bad length");
  }

  @Test
  void decode_trailingBytes_areRefused() {
    Writer out = header(200, T0, T0, 0);
    out.varint(0);
    out.raw(0);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).hasMessageContaining("trailing");
  }

  @Test
  void decode_impossibleValues_areRefusedByName() {
    assertThatThrownBy(() -> decodeWith(header(42, T0, T0, 0))).hasMessageStartingWith("status: 42");
    assertThatThrownBy(() -> decodeWith(header(200, -1, T0, 0))).hasMessageStartingWith("requestMillis: -1");
    assertThatThrownBy(() -> decodeWith(header(200, T0, Long.MAX_VALUE, 0))).hasMessageStartingWith("responseMillis");
    assertThatThrownBy(() -> decodeWith(header(200, T0, T0, -5))).hasMessageStartingWith("lifetimeMillis: -5");
  }

  @Test
  void decode_malformedUtf8_isRefused() {
    Writer out = header(200, T0, T0, 0);
    out.varint(1);
    out.varint(1);
    out.raw('X');
    out.varint(1);
    out.raw(0xC3);
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).hasMessageContaining("UTF-8");
  }

  @Test
  void decode_headerThatCouldSplitAResponse_isRefused() {
    Writer out = header(200, T0, T0, 0);
    out.varint(1);
    out.string("X-A");
    out.string("1\r\nSet-Cookie: evil=1");
    assertThatThrownBy(() -> StoredHead.decode(sealed(out.bytes()))).hasMessageContaining("CR, LF or NUL");
    Writer badName = header(200, T0, T0, 0);
    badName.varint(1);
    badName.string("X A");
    badName.string("1");
    assertThatThrownBy(() -> StoredHead.decode(sealed(badName.bytes()))).hasMessageStartingWith("header name");
  }

  @Test
  void of_headerThatCouldSplitAResponse_isRefused() {
    HttpHeaders headers = headers("X-A", "1\nX-B: 2");
    assertThatThrownBy(() -> StoredHead.of(200, headers, T0, T0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void decodeWith(Writer headerOnly) {
    headerOnly.varint(0);
    StoredHead.decode(sealed(headerOnly.bytes()));
  }

  // ---- a hand-written encoder, to build well-sealed but wrong content -----------------------

  static Writer header(int status, long requestMillis, long responseMillis, long lifetimeMillis) {
    Writer out = new Writer();
    out.raw('S');
    out.raw('H');
    out.raw(HeadCodec.VERSION);
    out.raw(status >>> 8);
    out.raw(status);
    out.longValue(requestMillis);
    out.longValue(responseMillis);
    out.longValue(lifetimeMillis);
    return out;
  }

  /** Appends the checksum, so that decoding gets past it to the content. */
  static byte[] sealed(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
  }

  private static byte[] body(byte[] encoded) {
    return Arrays.copyOf(encoded, encoded.length - 4);
  }

  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void raw(int b) {
      out.write(b);
    }

    void longValue(long value) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
    }

    void varint(int value) {
      while ((value & ~0x7F) != 0) {
        out.write((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      out.write(value);
    }

    void string(String value) {
      byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      varint(bytes.length);
      out.writeBytes(bytes);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
