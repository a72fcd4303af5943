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
  public static final Cmcd NONE = new Cmcd(new String[0], new Object[0], new long[0], 0);
  /** Stands in {@link #values} for an integer, kept unboxed in {@link #numbers}. */
  static final Object INTEGER = new Object();

  /** A Structured Field token ({@code ot=v}), apart from a string ({@code sid="v"}) for the log. */
  public record Token(String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  private final String[] keys;
  private final Object[] values;
  private final long[] numbers;
  private final int size;

  private Cmcd(String[] keys, Object[] values, long[] numbers, int size) {
    this.keys = keys;
    this.values = values;
    this.numbers = numbers;
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

  /** The {@code i}-th value (an integer boxed now: the values are kept unboxed, since most are integers). */
  public Object value(int i) {
    return values[i] == INTEGER ? Long.valueOf(numbers[i]) : values[i];
  }

  /** True when the {@code i}-th value is an integer, read unboxed with {@link #number(int)}. */
  public boolean isInteger(int i) {
    return values[i] == INTEGER;
  }

  /** The {@code i}-th value when {@link #isInteger(int)}. */
  public long number(int i) {
    return numbers[i];
  }

  /**
   * Keys of CTA-5004 come from the parser's constants and callers ask with string literals, which the JVM
   * interns: an identity pass finds them without comparing characters.
   */
  private int indexOf(String key) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /** The value of {@code key}, or null. */
  public Object get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : value(i);
  }

  /**
   * An integer key ({@code bl}, {@code br}, {@code mtp} ...), or -1 when absent; of a v2 inner list
   * ({@code bl=(21300 1200)}) the first item.
   */
  public long integer(String key) {
    int i = indexOf(key);
    if (i < 0) {
      return -1;
    }
    if (values[i] == INTEGER) {
      return numbers[i];
    }
    return first(values[i]) instanceof Long n ? n : -1;
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
      text.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(value(i));
    }
    return text.append('}').toString();
  }

  /** Collects keys in order; a key set again replaces its value in place. Not thread-safe. */
  static final class Builder {
    private String[] keys = new String[20];
    private Object[] values = new Object[20];
    private long[] numbers = new long[20];
    private int size;

    // The slot is found before an array is indexed: slot() may grow the arrays, and in
    // "numbers[slot(key)] = x" Java reads the field numbers first, so the 21st key was written past
    // the end of the old array (ArrayIndexOutOfBoundsException from a player's CMCD, issue 15).
    void put(String key, Object value) {
      int i = slot(key);
      numbers[i] = 0;
      values[i] = value;
    }

    void putInteger(String key, long value) {
      int i = slot(key);
      numbers[i] = value;
      values[i] = INTEGER;
    }

    /** The index of {@code key}, added when new. */
    private int slot(String key) {
      for (int i = 0; i < size; i++) {
        if (keys[i] == key || keys[i].equals(key)) {
          return i;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
        numbers = Arrays.copyOf(numbers, size * 2);
      }
      keys[size] = key;
      return size++;
    }

    boolean isEmpty() {
      return size == 0;
    }

    Cmcd build() {
      return size == 0 ? NONE : new Cmcd(keys, values, numbers, size);
    }
  }
}
