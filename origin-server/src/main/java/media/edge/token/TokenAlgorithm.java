package media.edge.token;

import io.netty.util.concurrent.FastThreadLocal;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * The HMAC of an EdgeAuth token: the three that Akamai's generators offer, SHA-256 being their
 * default. MD5 and SHA-1 are here for compatibility with tokens minted elsewhere, not as a choice
 * for new deployments.
 *
 * <p>Each thread keeps one {@link Mac} per algorithm ({@link #threadMac()}): {@code Mac.getInstance}
 * is a provider lookup, far costlier than the MAC of a 200-byte token, and a {@code Mac} is not
 * thread-safe. A {@link FastThreadLocal} because the callers are Netty event-loop threads.
 */
public enum TokenAlgorithm {
  /** HMAC-SHA256, the generators' default. */
  SHA256("sha256", "HmacSHA256"),
  /** HMAC-SHA1. */
  SHA1("sha1", "HmacSHA1"),
  /** HMAC-MD5. */
  MD5("md5", "HmacMD5");

  private final String configName;
  private final String macName;
  private final FastThreadLocal<Mac> macs;

  TokenAlgorithm(String configName, String macName) {
    this.configName = configName;
    this.macName = macName;
    this.macs = new FastThreadLocal<>() {
      @Override
      protected Mac initialValue() throws NoSuchAlgorithmException {
        return Mac.getInstance(macName);
      }
    };
  }

  /** The name used in configuration and by the generators' {@code algorithm} option: {@code sha256}. */
  public String configName() {
    return configName;
  }

  /** The JCA name of the MAC: {@code HmacSHA256}. */
  public String macName() {
    return macName;
  }

  /** The algorithm named {@code name} ({@code sha256}, {@code SHA1}, ...), or empty when there is none. */
  public static Optional<TokenAlgorithm> fromName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (TokenAlgorithm algorithm : values()) {
      if (algorithm.configName.equals(lower)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  /**
   * This thread's {@link Mac} for the algorithm; the caller must {@code init} it before use, and must
   * not hand it to another thread. Every JRE ships these three, so a missing one is a broken runtime.
   */
  Mac threadMac() {
    return macs.get();
  }
}
