package media.edge.upstream;

import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: every node gets a pseudo-random weight per key, and the key
 * goes to the heaviest. Unlike {@code hash % n}, removing a node moves only the keys it held (about 1/n),
 * and they come back when it returns, so parents keep their caches warm across each other's outages.
 *
 * <p>Weights come from a 64-bit MurmurHash3-style hash of each string, combined with the finalizer of
 * MurmurHash3; {@link String#hashCode} alone is too weak (similar keys get similar hashes). The order of the
 * nodes given to the constructor does not matter.
 *
 * <p>Immutable and thread-safe.
 */
final class Rendezvous {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  private static final long SEED = 0x9e3779b97f4a7c15L;

  private final long[] nodes;

  /** Nodes by name; their indexes in {@code names} are what {@link #order} returns. */
  Rendezvous(List<String> names) {
    this.nodes = new long[names.size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = hash(names.get(i));
    }
  }

  /** Node indexes for {@code key}, heaviest first. */
  int[] order(String key) {
    long keyHash = hash(key);
    int n = nodes.length;
    int[] order = new int[n];
    long[] weights = new long[n];
    // Insertion sort: there are a handful of parents, and this allocates nothing else.
    for (int i = 0; i < n; i++) {
      long weight = fmix64(keyHash ^ nodes[i]);
      int j = i;
      while (j > 0 && Long.compareUnsigned(weights[j - 1], weight) < 0) {
        weights[j] = weights[j - 1];
        order[j] = order[j - 1];
        j--;
      }
      weights[j] = weight;
      order[j] = i;
    }
    return order;
  }

  /** A 64-bit hash of the UTF-16 code units, four to a 64-bit block, MurmurHash3 x64 style. */
  static long hash(String s) {
    int length = s.length();
    long h = SEED ^ length;
    int i = 0;
    for (; i + 4 <= length; i += 4) {
      long block =
          s.charAt(i)
              | (long) s.charAt(i + 1) << 16
              | (long) s.charAt(i + 2) << 32
              | (long) s.charAt(i + 3) << 48;
      h ^= mixBlock(block);
      h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }
    long tail = 0;
    for (int shift = 0; i < length; i++, shift += 16) {
      tail |= (long) s.charAt(i) << shift;
    }
    h ^= mixBlock(tail);
    return fmix64(h ^ length);
  }

  private static long mixBlock(long block) {
    return Long.rotateLeft(block * C1, 31) * C2;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
