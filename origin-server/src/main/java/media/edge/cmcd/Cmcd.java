package media.edge.cmcd;

import java.util.Arrays;
import java.util.List;

/**
 * The CMCD one request carried, merged from its {@code CMCD} query parameter and its four {@code CMCD-*}
 * headers (a header's key wins over the query's). Values keep their Structured Field types (RFC 8941):
 * {@link Long} integers, {@link Double} decimals, {@link String} strings, {@link Token} tokens,
 * {@link Boolean} booleans, and {@link List}s of those for the inner lists of CMCD v2.
 *
 * <p>The keys of CTA-5004 (v1) were checked for their type and length by {@link CmcdReader}; a key of
 * another version or an unknown one is kept as sent, for the access log.
 *
 * <p>Immutable and thread-safe.
 */
public final class Cmcd {
  /** No CMCD: the request carried none, CMCD is switched off, or what it carried was unreadable. */
  public static final Cmcd NONE = new Cmcd(new String[0], new Object[0], 0);

  /** A Structured Field token ({@code ot=v}), apart from a string ({@code sid="v"}) for the log. */
  public record Token(String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  private final String[] keys;
  private final Object[] values;
  private final int size;

  Cmcd(String[] keys, Object[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  /** True when there is nothing. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** How many keys. */
  public int size() {
    return size;
  }

  /** The {@code i}-th key, in the order the player sent them (query first, then headers). */
  public String key(int i) {
    return keys[i];
  }

  /** The {@code i}-th value. */
  public Object value(int i) {
    return values[i];
  }

  /** The value of {@code key}, or null. */
  public Object get(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  /**
   * An integer key ({@code bl}, {@code br}, {@code mtp} ...), or -1 when absent; of a v2 inner list
   * ({@code bl=(21300 1200)}) the first item.
   */
  public long integer(String key) {
    Object value = first(get(key));
    return value instanceof Long n ? n : -1;
  }

  /** A string key ({@code sid}, {@code cid}, {@code nor} ...), or null; of an inner list the first item. */
  public String string(String key) {
    Object value = first(get(key));
    return value instanceof String s ? s : null;
  }

  /** A token key ({@code ot}, {@code sf}, {@code st}), or null. */
  public String token(String key) {
    Object value = first(get(key));
    return value instanceof Token t ? t.value() : null;
  }

  /** True when a boolean key ({@code bs}, {@code su}) is present and true. */
  public boolean flag(String key) {
    return Boolean.TRUE.equals(first(get(key)));
  }

  private static Object first(Object value) {
    return value instanceof List<?> list ? (list.isEmpty() ? null : list.get(0)) : value;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Cmcd{");
    for (int i = 0; i < size; i++) {
      text.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(values[i]);
    }
    return text.append('}').toString();
  }

  /** Collects keys in order; a key set again replaces its value in place. Not thread-safe. */
  static final class Builder {
    private String[] keys = new String[16];
    private Object[] values = new Object[16];
    private int size;

    void put(String key, Object value) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
    }

    boolean isEmpty() {
      return size == 0;
    }

    Cmcd build() {
      return size == 0 ? NONE : new Cmcd(keys, values, size);
    }
  }
}
