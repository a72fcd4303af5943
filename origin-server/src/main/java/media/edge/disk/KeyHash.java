package media.edge.disk;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a cache key, which names the entry's file ({@code ab/cd/abcd...}, 64 hex digits):
 * keys are arbitrary strings while file names must be short and safe, and a hash spreads entries
 * evenly over the shard folders. Held as four longs rather than as its hex text because the index
 * keeps one per entry.
 *
 * <p>Immutable. Hashing uses one {@link MessageDigest} per thread, so {@link #of} is safe from any
 * thread and allocates nothing but the result.
 */
record KeyHash(long a, long b, long c, long d) {
  static final int HEX_LENGTH = 64;

  private static final HexFormat HEX = HexFormat.of();
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final FastThreadLocal<Sha256> SHA_256 =
      new FastThreadLocal<>() {
        @Override
        protected Sha256 initialValue() {
          return new Sha256();
        }
      };

  /** A digest and the array it writes into, reused by one thread. */
  private static final class Sha256 {
    final MessageDigest digest;
    final byte[] out = new byte[32];

    Sha256() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }
  }

  static KeyHash of(String key) {
    return of(key.getBytes(StandardCharsets.UTF_8));
  }

  static KeyHash of(byte[] utf8Key) {
    Sha256 sha = SHA_256.get();
    sha.digest.update(utf8Key);
    try {
      sha.digest.digest(sha.out, 0, sha.out.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output is 32 bytes", e);
    }
    byte[] out = sha.out;
    return new KeyHash((long) LONGS.get(out, 0), (long) LONGS.get(out, 8), (long) LONGS.get(out, 16), (long) LONGS.get(out, 24));
  }

  /** The hash a file is named after, or null when the name is not 64 lowercase hex digits. */
  static KeyHash parse(String hex) {
    if (hex.length() != HEX_LENGTH) {
      return null;
    }
    for (int i = 0; i < HEX_LENGTH; i++) {
      char ch = hex.charAt(i);
      if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'f')) {
        return null;
      }
    }
    return new KeyHash(
        HexFormat.fromHexDigitsToLong(hex, 0, 16),
        HexFormat.fromHexDigitsToLong(hex, 16, 32),
        HexFormat.fromHexDigitsToLong(hex, 32, 48),
        HexFormat.fromHexDigitsToLong(hex, 48, 64));
  }

  String hex() {
    return HEX.toHexDigits(a) + HEX.toHexDigits(b) + HEX.toHexDigits(c) + HEX.toHexDigits(d);
  }

  /** {@code root/ab/cd/abcd...}: two levels of 256 folders keep every folder small. */
  Path file(Path root) {
    String hex = hex();
    return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  /** The first 32 bits of a uniformly distributed hash are as good a hash code as any. */
  @Override
  public int hashCode() {
    return (int) (a >>> 32);
  }
}
