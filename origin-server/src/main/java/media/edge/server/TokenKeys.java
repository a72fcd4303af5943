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
 * Builds the token verifier from configuration: inline keys ({@code tokens.keys}) fixed for the
 * process, or a key file ({@code tokens.keys-file}) checked for changes every two seconds and on
 * SIGHUP, swapped in atomically, and kept as it was when a new version is bad.
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
    if (config.keysFile() != null) {
      if (!config.keys().isEmpty()) {
        LOG.warn("tokens.keys-file is set, so the {} keys of tokens.keys are not used", config.keys().size());
      }
      try {
        KeyFileWatcher watcher = KeyFileWatcher.open(config.keysFile());
        if (scheduler != null) {
          watcher.watch(scheduler, POLL);
        }
        return new TokenKeys(watcher, watcher, config, clock);
      } catch (KeyFileException e) {
        throw new StartupException("tokens.keys-file: " + config.keysFile() + " (expected: a valid key file; "
            + e.getMessage() + ")", e);
      }
    }
    if (config.keys().isEmpty()) {
      return new TokenKeys(null, null, config, clock); // tokens not required (the configuration checked)
    }
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
    KeyRing fixed = builder.build();
    return new TokenKeys(() -> fixed, null, config, clock);
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
