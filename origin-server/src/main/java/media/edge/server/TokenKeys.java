package media.edge.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import media.edge.config.TokenConfig;
import media.edge.config.TokenKey;
import media.edge.token.KeyFileException;
import media.edge.token.KeyFileWatcher;
import media.edge.token.KeyRing;
import media.edge.token.TokenAlgorithm;
import media.edge.token.TokenVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the token verifier from configuration: inline keys ({@code tokens.keys}), fixed for the
 * process, and a key file ({@code tokens.keys-file}) checked for changes every two seconds and on
 * SIGHUP, swapped in atomically, and kept as it was when a new version is bad. With both, the file's
 * keys come first (so its first HMAC key signs) and the inline ones after.
 */
final class TokenKeys implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenKeys.class);
  private static final Duration POLL = Duration.ofSeconds(2);
  /** Verdicts remembered: one per active token, so one per viewer session. */
  private static final long VERDICT_CACHE = 200_000;

  private final Supplier<KeyRing> ring;
  private final KeyFileWatcher watcher;
  private final TokenVerifier verifier;

  private TokenKeys(Supplier<KeyRing> ring, KeyFileWatcher watcher, TokenConfig config, Clock clock) {
    this.ring = ring;
    this.watcher = watcher;
    this.verifier = ring == null ? null :
        TokenVerifier.builder(ring)
            .algorithm(TokenAlgorithm.fromName(config.algorithm()).orElseThrow())
            .salt(config.salt().isEmpty() ? null : config.salt())
            .clockSkew(config.clockSkew())
            .clock(clock)
            .cacheSize(VERDICT_CACHE)
            .build();
  }

  /**
   * Loads the keys; a key that cannot be used is a start-up error naming its key.
   *
   * @param scheduler polls the key file for changes; null for a one-off use such as {@code sign}
   */
  static TokenKeys open(TokenConfig config, Clock clock, ScheduledExecutorService scheduler)
      throws StartupException {
    KeyRing inline = config.keys().isEmpty() ? null : inlineRing(config);
    if (config.keysFile() == null) {
      return new TokenKeys(inline == null ? null : () -> inline, null, config, clock);
    }
    KeyFileWatcher watcher;
    try {
      watcher = KeyFileWatcher.open(config.keysFile());
    } catch (KeyFileException e) {
      throw new StartupException(
          "tokens.keys-file: " + config.keysFile() + " (expected: a valid key file; " + e.getMessage() + ")", e);
    }
    Merged merged = new Merged(watcher, inline);
    try {
      merged.get();
    } catch (IllegalArgumentException e) {
      throw new StartupException("tokens.keys-file: " + config.keysFile() + " (expected: key " + e.getMessage()
          + " between the file and tokens.keys)", e);
    }
    if (scheduler != null) {
      watcher.watch(scheduler, POLL);
    }
    return new TokenKeys(merged, watcher, config, clock);
  }

  private static KeyRing inlineRing(TokenConfig config) throws StartupException {
    KeyRing.Builder builder = KeyRing.builder();
    for (TokenKey key : config.keys()) {
      try {
        if (key.isHmac()) {
          builder.hmacHex(key.id(), key.secret());
        } else {
          builder.ed25519Pem(key.id(), Files.readString(key.publicKey(), StandardCharsets.US_ASCII));
        }
      } catch (IOException | RuntimeException e) {
        throw new StartupException(
            "tokens.keys: key " + key.id() + " (expected: a readable Ed25519 public key in PEM)", e);
      }
    }
    return builder.build();
  }

  /**
   * The key file's ring followed by the inline keys, rebuilt only when the file's ring changes. A
   * reloaded file that reuses an inline key's id keeps the previous merged ring (and says so).
   * Thread-safe: one volatile snapshot; two threads may rebuild the same merge, which is harmless.
   */
  private static final class Merged implements Supplier<KeyRing> {
    private record Snapshot(KeyRing file, KeyRing merged) {}

    private final KeyFileWatcher watcher;
    private final KeyRing inline;
    private volatile Snapshot snapshot;

    Merged(KeyFileWatcher watcher, KeyRing inline) {
      this.watcher = watcher;
      this.inline = inline;
    }

    @Override
    public KeyRing get() {
      KeyRing file = watcher.get();
      Snapshot current = snapshot;
      if (current != null && current.file == file) {
        return current.merged;
      }
      if (inline == null) {
        snapshot = new Snapshot(file, file);
        return file;
      }
      try {
        KeyRing merged = file.with(inline);
        snapshot = new Snapshot(file, merged);
        return merged;
      } catch (IllegalArgumentException e) {
        if (current == null) {
          throw e;
        }
        LOG.warn("key file and tokens.keys share a key id ({}); keeping the previous keys", e.getMessage());
        snapshot = new Snapshot(file, current.merged);
        return current.merged;
      }
    }
  }

  /** The verifier over these keys; null when there are none (tokens not required). */
  TokenVerifier verifier() {
    return verifier;
  }

  /** The keys in force, for signing; null when there are none. */
  KeyRing ring() {
    return ring == null ? null : ring.get();
  }

  /** Re-reads the key file now (SIGHUP); a no-op for inline keys. */
  void reload() {
    if (watcher != null) {
      watcher.reload();
    }
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
