package media.edge.http;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A growable byte array that JSON text is written into directly, UTF-8 encoded and escaped, without
 * building strings: the access log assembles each line here. Request data is hostile, so every
 * control character (C0, DEL, C1, U+2028/2029) is escaped (RFC 8259 section 7).
 *
 * <p>Not thread-safe: one per thread.
 */
final class JsonBytes {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private byte[] bytes;
  private int length;

  JsonBytes(int capacity) {
    this.bytes = new byte[capacity];
  }

  int length() {
    return length;
  }

  byte[] array() {
    return bytes;
  }

  void clear() {
    length = 0;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  /** Appends ASCII text as it is (no escaping): for keys and punctuation. */
  JsonBytes raw(String ascii) {
    ensure(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      bytes[length++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  JsonBytes raw(byte[] ascii) {
    ensure(ascii.length);
    System.arraycopy(ascii, 0, bytes, length, ascii.length);
    length += ascii.length;
    return this;
  }

  JsonBytes raw(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Appends a decimal number. */
  JsonBytes number(long value) {
    if (value == Long.MIN_VALUE) {
      return raw("-9223372036854775808");
    }
    ensure(20);
    if (value < 0) {
      bytes[length++] = '-';
      value = -value;
    }
    int start = length;
    do {
      bytes[length++] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    for (int i = start, j = length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
    return this;
  }

  /**
   * Appends a Structured Field value as JSON: integers and decimals as numbers, booleans as booleans,
   * strings and tokens as strings, inner lists as arrays.
   */
  JsonBytes structured(Object value) {
    if (value instanceof Long n) {
      return number(n);
    }
    if (value instanceof Double d) {
      return raw(Double.isFinite(d) ? Double.toString(d) : "null");
    }
    if (value instanceof Boolean b) {
      return raw(b ? "true" : "false");
    }
    if (value instanceof java.util.List<?> list) {
      raw('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          raw(',');
        }
        structured(list.get(i));
      }
      return raw(']');
    }
    return string(value == null ? null : value.toString());
  }

  /** Appends {@code value} as a quoted JSON string, or {@code null}. */
  JsonBytes string(CharSequence value) {
    if (value == null) {
      return raw("null");
    }
    raw('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        codePoint(Character.toCodePoint(c, value.charAt(++i)));
      } else if (Character.isSurrogate(c)) {
        escaped(0xfffd);
      } else {
        character(c);
      }
    }
    return raw('"');
  }

  /** Appends bytes read as ISO-8859-1 (a header value as received) as a quoted JSON string. */
  JsonBytes latin1(ByteBuf from, int index, int count) {
    raw('"');
    for (int i = index; i < index + count; i++) {
      character((char) (from.getByte(i) & 0xff));
    }
    return raw('"');
  }

  private void character(char c) {
    switch (c) {
      case '"' -> raw("\\\"");
      case '\\' -> raw("\\\\");
      case '\n' -> raw("\\n");
      case '\r' -> raw("\\r");
      case '\t' -> raw("\\t");
      default -> {
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
          escaped(c);
        } else if (c < 0x80) {
          ensure(1);
          bytes[length++] = (byte) c;
        } else {
          codePoint(c);
        }
      }
    }
  }

  private void escaped(int c) {
    ensure(6);
    bytes[length++] = '\\';
    bytes[length++] = 'u';
    bytes[length++] = HEX[(c >> 12) & 0xf];
    bytes[length++] = HEX[(c >> 8) & 0xf];
    bytes[length++] = HEX[(c >> 4) & 0xf];
    bytes[length++] = HEX[c & 0xf];
  }

  private void codePoint(int cp) {
    ensure(4);
    if (cp < 0x800) {
      bytes[length++] = (byte) (0xc0 | (cp >> 6));
      bytes[length++] = (byte) (0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      bytes[length++] = (byte) (0xe0 | (cp >> 12));
      bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      bytes[length++] = (byte) (0x80 | (cp & 0x3f));
    } else {
      bytes[length++] = (byte) (0xf0 | (cp >> 18));
      bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
      bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      bytes[length++] = (byte) (0x80 | (cp & 0x3f));
    }
  }
}
