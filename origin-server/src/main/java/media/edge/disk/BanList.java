package media.edge.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Prefix purges ("bans"), applied lazily. The index knows hashes, not keys, so a ban cannot find
 * its entries without reading every file; instead each read checks the key it has just read: an
 * entry stored at or before a ban of a prefix of its key is deleted and reported absent. An entry
 * stored in the same millisecond as a ban counts as banned, which errs on the safe side. Writes still
 * in flight when a ban is made are caught the same way, since their time is taken when they are
 * handed to the tier.
 *
 * <p>Bounded: at most {@code maxBans}, none older than {@code horizon} (1,000 and 30 days by
 * default); the oldest go first. A ban is never simply forgotten, though: dropping one raises a
 * <em>floor</em>, and every entry stored at or before the floor counts as banned. So nothing a
 * dropped ban covered can come back; the price is that older, innocent entries are refetched once
 * (all of them after a burst of more than {@code maxBans} bans, and those that outlive the horizon).
 * A newer ban of the same prefix replaces the older one, so repeated purges of one path take one
 * slot.
 *
 * <p>Persisted in {@code dir/bans}, replaced crash-safely: magic {@code "EDGB"}, version, floor,
 * count, then per ban its time, prefix length and UTF-8 prefix, and a CRC32C of all of it. A file
 * that cannot be read or verified makes the floor the time of opening: everything stored before is
 * treated as banned, because losing a purge would serve purged content, whereas losing the cache only
 * costs refetches.
 *
 * <p>Thread-safe: readers see an immutable snapshot through a volatile field; changes synchronize on
 * this object.
 */
final class BanList {
  static final String FILE_NAME = "bans";
  static final int DEFAULT_MAX_BANS = 1_000;
  static final Duration DEFAULT_HORIZON = Duration.ofDays(30);

  private static final int MAGIC = 0x45444742;
  private static final int VERSION = 1;
  /** Bounds a corrupt count or a file from a configuration that allowed many more bans. */
  private static final int MAX_STORED_BANS = 100_000;
  private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  record Ban(String prefix, long atMillis) {}

  /** Oldest first. */
  private record State(List<Ban> bans, long floorMillis) {}

  private final int maxBans;
  private final long horizonMillis;
  private volatile State state;

  private BanList(int maxBans, Duration horizon, State state) {
    this.maxBans = maxBans;
    this.horizonMillis = horizon.toMillis();
    this.state = state;
  }

  static BanList empty(int maxBans, Duration horizon) {
    return new BanList(maxBans, horizon, new State(List.of(), Long.MIN_VALUE));
  }

  /** The list that treats everything stored up to {@code floorMillis} as banned. */
  static BanList everythingUpTo(long floorMillis, int maxBans, Duration horizon) {
    return new BanList(maxBans, horizon, new State(List.of(), floorMillis));
  }

  /** Reads {@code file}; a missing file is an empty list. */
  static BanList load(Path file, int maxBans, Duration horizon, long nowMillis)
      throws IOException, CorruptFileException {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new CorruptFileException("ban list larger than " + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return empty(maxBans, horizon);
    }
    State stored = decode(ByteBuffer.wrap(bytes));
    BanList list = empty(maxBans, horizon);
    list.state = list.trimmed(stored.bans(), stored.floorMillis(), nowMillis);
    return list;
  }

  /** Bans every key starting with {@code prefix} stored at or before {@code nowMillis}. */
  synchronized void add(String prefix, long nowMillis) {
    State current = state;
    List<Ban> next = new ArrayList<>(current.bans().size() + 1);
    for (Ban ban : current.bans()) {
      if (!ban.prefix().equals(prefix)) {
        next.add(ban);
      }
    }
    next.add(new Ban(prefix, nowMillis));
    state = trimmed(next, current.floorMillis(), nowMillis);
  }

  boolean bans(String key, long storedAtMillis) {
    State current = state;
    if (storedAtMillis <= current.floorMillis()) {
      return true;
    }
    for (Ban ban : current.bans()) {
      if (storedAtMillis <= ban.atMillis() && key.startsWith(ban.prefix())) {
        return true;
      }
    }
    return false;
  }

  List<Ban> bans() {
    return state.bans();
  }

  long floorMillis() {
    return state.floorMillis();
  }

  /** The current list in its file format. */
  ByteBuffer encode() {
    State current = state;
    List<byte[]> prefixes = new ArrayList<>(current.bans().size());
    int size = 4 + 4 + 8 + 4 + 4;
    for (Ban ban : current.bans()) {
      byte[] prefix = ban.prefix().getBytes(StandardCharsets.UTF_8);
      prefixes.add(prefix);
      size += 8 + 4 + prefix.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(MAGIC).putInt(VERSION).putLong(current.floorMillis()).putInt(current.bans().size());
    for (int i = 0; i < prefixes.size(); i++) {
      out.putLong(current.bans().get(i).atMillis()).putInt(prefixes.get(i).length).put(prefixes.get(i));
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.flip();
  }

  private static State decode(ByteBuffer in) throws CorruptFileException {
    if (in.remaining() < 4 + 4 + 8 + 4 + 4) {
      throw new CorruptFileException("ban list shorter than its header");
    }
    CRC32C crc = new CRC32C();
    crc.update(in.array(), 0, in.limit() - 4);
    if ((int) crc.getValue() != in.getInt(in.limit() - 4)) {
      throw new CorruptFileException("ban list checksum mismatch");
    }
    if (in.getInt() != MAGIC || in.getInt() != VERSION) {
      throw new CorruptFileException("ban list: bad magic or version");
    }
    long floor = in.getLong();
    int count = in.getInt();
    if (count < 0 || count > MAX_STORED_BANS) {
      throw new CorruptFileException("ban count out of bounds: " + count);
    }
    List<Ban> bans = new ArrayList<>(Math.min(count, 1024));
    for (int i = 0; i < count; i++) {
      if (in.remaining() < 4 + 8 + 4) {
        throw new CorruptFileException("ban list truncated");
      }
      long at = in.getLong();
      int length = in.getInt();
      if (length < 0 || length > EntryFormat.MAX_KEY_BYTES || length > in.remaining() - 4) {
        throw new CorruptFileException("ban prefix length out of bounds: " + length);
      }
      byte[] prefix = new byte[length];
      in.get(prefix);
      bans.add(new Ban(new String(prefix, StandardCharsets.UTF_8), at));
    }
    if (in.remaining() != 4) {
      throw new CorruptFileException("ban list has trailing bytes");
    }
    return new State(List.copyOf(bans), floor);
  }

  /** Drops the bans over the count or past the horizon, raising the floor to the newest dropped. */
  private State trimmed(List<Ban> bans, long floorMillis, long nowMillis) {
    long floor = floorMillis;
    long oldestKept = nowMillis - horizonMillis;
    int drop = 0;
    while (drop < bans.size() && (bans.size() - drop > maxBans || bans.get(drop).atMillis() < oldestKept)) {
      floor = Math.max(floor, bans.get(drop).atMillis());
      drop++;
    }
    return new State(List.copyOf(bans.subList(drop, bans.size())), floor);
  }
}
