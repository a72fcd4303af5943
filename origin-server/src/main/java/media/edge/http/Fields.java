package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An ordered, immutable list of response header fields, encoded for HTTP/1.1 once ({@code name: value\r\n}
 * each, names in lower case) and then copied into every answer that carries them. This is how a cached
 * representation pays for its headers once per version rather than once per request: only {@code Date},
 * {@code Age}, {@code Content-Length} and per-viewer fields are written per answer.
 *
 * <p>Values are written byte for byte ({@code char & 0xff}): fields received from an upstream were
 * decoded as ISO-8859-1, so obs-text survives unchanged.
 *
 * <p>Immutable and thread-safe; the encoding is computed at most a few times (identically) and
 * published through a volatile field.
 */
public final class Fields {
  /** No fields. */
  public static final Fields NONE = new Fields(new AsciiString[0], new String[0]);

  private final AsciiString[] names;
  private final String[] values;
  private volatile byte[] encoded;

  private Fields(AsciiString[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  /** A builder, for fields assembled by hand. */
  public static Builder builder() {
    return new Builder();
  }

  /** A copy of {@code headers}, names lower-cased, in their order. */
  public static Fields of(HttpHeaders headers) {
    Builder builder = new Builder();
    Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
    while (fields.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      builder.add(field.getKey(), field.getValue().toString());
    }
    return builder.build();
  }

  /** The number of fields. */
  public int size() {
    return names.length;
  }

  /** The name of field {@code i}, lower case. */
  public AsciiString name(int i) {
    return names[i];
  }

  /** The value of field {@code i}. */
  public String value(int i) {
    return values[i];
  }

  /** The first value of {@code name}, or null. */
  public String get(CharSequence name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].contentEqualsIgnoreCase(name)) {
        return values[i];
      }
    }
    return null;
  }

  /** True when a field called {@code name} is present. */
  public boolean contains(CharSequence name) {
    return get(name) != null;
  }

  /** These fields without any called one of {@code removed}. */
  public Fields without(CharSequence... removed) {
    Builder builder = new Builder();
    outer:
    for (int i = 0; i < names.length; i++) {
      for (CharSequence name : removed) {
        if (names[i].contentEqualsIgnoreCase(name)) {
          continue outer;
        }
      }
      builder.add(names[i], values[i]);
    }
    return builder.build();
  }

  /** A builder that starts with these fields. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    for (int i = 0; i < names.length; i++) {
      builder.add(names[i], values[i]);
    }
    return builder;
  }

  /** Adds every field to {@code target} (HTTP/2 answers, which Netty encodes itself). */
  public void addTo(HttpHeaders target) {
    for (int i = 0; i < names.length; i++) {
      target.add(names[i], values[i]);
    }
  }

  /** The HTTP/1.1 encoding of every field, {@code name: value\r\n} each. Callers must not change it. */
  public byte[] encoded() {
    byte[] bytes = encoded;
    if (bytes == null) {
      bytes = encode();
      encoded = bytes;
    }
    return bytes;
  }

  private byte[] encode() {
    int size = 0;
    for (int i = 0; i < names.length; i++) {
      size += names[i].length() + 2 + values[i].length() + 2;
    }
    byte[] out = new byte[size];
    int at = 0;
    for (int i = 0; i < names.length; i++) {
      at = put(out, at, names[i]);
      out[at++] = ':';
      out[at++] = ' ';
      at = put(out, at, values[i]);
      out[at++] = '\r';
      out[at++] = '\n';
    }
    return out;
  }

  private static int put(byte[] out, int at, CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      out[at++] = (byte) text.charAt(i);
    }
    return at;
  }

  /** Writes {@code name: value\r\n} into {@code out}, for fields assembled per answer. */
  static void write(ByteBuf out, AsciiString name, CharSequence value) {
    out.writeBytes(name.array(), name.arrayOffset(), name.length());
    out.writeByte(':').writeByte(' ');
    for (int i = 0; i < value.length(); i++) {
      out.writeByte((byte) value.charAt(i));
    }
    out.writeByte('\r').writeByte('\n');
  }

  /** The bytes {@link #write} takes for one field. */
  static int size(AsciiString name, CharSequence value) {
    return name.length() + 2 + value.length() + 2;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      text.append(names[i]).append(": ").append(values[i]).append('\n');
    }
    return text.toString();
  }

  /** Collects fields in order. Not thread-safe; {@link #build} once. */
  public static final class Builder {
    private final List<AsciiString> names = new ArrayList<>(12);
    private final List<String> values = new ArrayList<>(12);

    private Builder() {}

    /** Appends a field; the name is lower-cased. */
    public Builder add(CharSequence name, String value) {
      names.add(AsciiString.of(name).toLowerCase());
      values.add(value);
      return this;
    }

    /** Replaces every field called {@code name} with one of {@code value}, kept at the first one's place. */
    public Builder set(CharSequence name, String value) {
      int first = -1;
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).contentEqualsIgnoreCase(name)) {
          if (first >= 0) {
            names.remove(first);
            values.remove(first);
          }
          first = i;
        }
      }
      if (first < 0) {
        return add(name, value);
      }
      values.set(first, value);
      return this;
    }

    /** Removes every field called {@code name}. */
    public Builder remove(CharSequence name) {
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).contentEqualsIgnoreCase(name)) {
          names.remove(i);
          values.remove(i);
        }
      }
      return this;
    }

    /** The first value of {@code name} so far, or null. */
    public String get(CharSequence name) {
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).contentEqualsIgnoreCase(name)) {
          return values.get(i);
        }
      }
      return null;
    }

    public Fields build() {
      return names.isEmpty()
          ? NONE
          : new Fields(names.toArray(new AsciiString[0]), Arrays.copyOf(values.toArray(new String[0]), values.size()));
    }
  }
}
