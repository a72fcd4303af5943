package media.edge.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.crypto.Mac;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Decides whether a token opens a request: {@link #verify(String, String, String)} takes the token
 * text (without its {@code hdnts=} name), the request path without its query, and the client address,
 * and returns a {@link Verdict}. It never throws for any input.
 *
 * <p>Checks, in this order, each failure answering with one {@link TokenRejection}:
 *
 * <ol>
 *   <li>shape ({@link TokenRejection#MISSING}, {@link TokenRejection#MALFORMED}): see
 *       {@code ParsedToken} for what is accepted;
 *   <li>key and signature ({@link TokenRejection#UNKNOWN_KEY}, {@link TokenRejection#BAD_SIGNATURE}).
 *       An EdgeAuth token names no key, so its HMAC is computed under each HMAC key of the ring in
 *       turn and compared in constant time ({@link MessageDigest#isEqual}); any key that matches
 *       accepts it, which is what lets keys rotate without a failed request. An Ed25519 token names
 *       its key ({@code kid}). In URL mode the request path is part of the signed string, so a URL
 *       token presented for another path fails here;
 *   <li>time against the injected {@link Clock}, with the clock-skew allowance on both sides:
 *       {@link TokenRejection#EXPIRED} once {@code now >= exp + skew}, and
 *       {@link TokenRejection#NOT_YET_VALID} while {@code now < st - skew};
 *   <li>{@link TokenRejection#IP_MISMATCH} when the token has an {@code ip} that is not the client's
 *       (compared as addresses, see {@code ClientAddress});
 *   <li>{@link TokenRejection#ACL_MISMATCH} when no ACL matches the path ({@code *} spans {@code /},
 *       {@code ?} is one character, {@code !} separates alternatives; see {@code AclMatcher}).
 * </ol>
 *
 * <p><b>Verdict cache.</b> A stream costs hundreds of requests with one token, so a token whose
 * signature verified is remembered, and the next request with the same text skips parsing and the
 * signature: only the clock, the address and the ACL are checked again, which are cheap and may
 * differ per request. The cache key is the token text plus the key ring's generation (plus the path,
 * for a URL-mode token, whose signature covers the path), so a token checked under a ring that has
 * since been reloaded is verified again under the new one: removing a key takes effect at once. An
 * entry lives until the token's {@code exp} plus skew (by the injected clock), and at most
 * {@code cacheSize} entries are kept. Only verified signatures are cached; a forged token costs a
 * signature check every time, as it must.
 *
 * <p>Thread-safe: immutable configuration, a concurrent cache, per-thread MACs and a fresh
 * {@link Ed25519Signer} per check. Nothing here logs, and no verdict holds the token text.
 */
public final class TokenVerifier {

  private static final Map<TokenRejection, Verdict> REJECTIONS = rejections();

  private final Supplier<KeyRing> keys;
  private final TokenAlgorithm algorithm;
  private final String salt;
  private final long skewSeconds;
  private final Clock clock;
  private final Cache<CacheKey, Verified> cache;
  private final LongAdder signatureChecks = new LongAdder();

  private TokenVerifier(Builder builder) {
    this.keys = builder.keys;
    this.algorithm = builder.algorithm;
    this.salt = builder.salt;
    this.skewSeconds = builder.clockSkew.toSeconds();
    this.clock = builder.clock;
    this.cache = builder.cacheSize == 0 ? null : Caffeine.newBuilder()
        .maximumSize(builder.cacheSize)
        .expireAfter(new UntilExpiry(clock, skewSeconds))
        // Maintenance on the verifying thread (an event loop), in small amortized steps, instead of a
        // task handed to the common pool for every few reads: that woke a thread per burst of requests.
        .executor(Runnable::run)
        .build();
  }

  /** A builder over the ring {@code keys} supplies (a {@link KeyFileWatcher}, or {@code () -> ring}). */
  public static Builder builder(Supplier<KeyRing> keys) {
    return new Builder(keys);
  }

  /**
   * The verdict for {@code token} on a request for {@code path} (without query) from {@code clientIp}.
   *
   * @param token the token text, null or empty when the request carried none
   * @param path the request path as on the request line, without the query
   * @param clientIp the client address as text, or null when unknown (then a token with {@code ip} fails)
   */
  public Verdict verify(String token, String path, String clientIp) {
    if (token == null || token.isEmpty()) {
      return REJECTIONS.get(TokenRejection.MISSING);
    }
    String requestPath = path == null ? "" : path;
    KeyRing ring = keys.get();
    Verified verified = cache == null ? null : cache.getIfPresent(new CacheKey(ring.generation(), token, null));
    if (verified == null) {
      ParsedToken parsed = ParsedToken.parse(token);
      if (parsed == null) {
        return REJECTIONS.get(TokenRejection.MALFORMED);
      }
      String url = parsed.urlMode() ? requestPath : null;
      CacheKey key = cache == null ? null : new CacheKey(ring.generation(), token, url);
      verified = url == null || cache == null ? null : cache.getIfPresent(key);
      if (verified == null) {
        TokenRejection rejection = checkSignature(parsed, ring, url);
        if (rejection != null) {
          return REJECTIONS.get(rejection);
        }
        verified = new Verified(parsed);
        if (cache != null && !expired(parsed, now())) {
          cache.put(key, verified);
        }
      }
    }
    return checkRequest(verified, requestPath, clientIp);
  }

  @Override
  public String toString() {
    return "TokenVerifier[" + algorithm.configName() + (salt == null ? "" : ", salted") + ", skew=" + skewSeconds
        + "s, cache=" + (cache == null ? "off" : "on") + "]";
  }

  /** Time, address and ACL: the checks that depend on the request, done on every call. */
  private Verdict checkRequest(Verified verified, String path, String clientIp) {
    ParsedToken token = verified.token;
    long now = now();
    if (expired(token, now)) {
      return REJECTIONS.get(TokenRejection.EXPIRED);
    }
    if (token.startTime() != 0 && now < token.startTime() - skewSeconds) {
      return REJECTIONS.get(TokenRejection.NOT_YET_VALID);
    }
    if (token.ip() != null && !ClientAddress.matches(token.ip(), clientIp)) {
      return REJECTIONS.get(TokenRejection.IP_MISMATCH);
    }
    if (!token.urlMode() && !AclMatcher.matchesAny(token.acls(), path)) {
      return REJECTIONS.get(TokenRejection.ACL_MISMATCH);
    }
    return verified.accepted;
  }

  private boolean expired(ParsedToken token, long now) {
    return now >= token.expires() + skewSeconds;
  }

  private long now() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  /** How many signature checks this verifier has run: what the cache saves, for tests and benchmarks. */
  long signatureChecks() {
    return signatureChecks.sum();
  }

  /** Null when the signature verifies under the ring; otherwise why not. */
  private TokenRejection checkSignature(ParsedToken token, KeyRing ring, String url) {
    signatureChecks.increment();
    return token.kind() == ParsedToken.Kind.HMAC ? checkHmac(token, ring, url) : checkEd25519(token, ring, url);
  }

  private TokenRejection checkHmac(ParsedToken token, KeyRing ring, String url) {
    List<KeyRing.HmacKey> hmacKeys = ring.hmacKeys();
    if (hmacKeys.isEmpty()) {
      return TokenRejection.UNKNOWN_KEY;
    }
    byte[] presented = token.signature();
    if (presented == null) {
      return TokenRejection.BAD_SIGNATURE;
    }
    byte[] message = TokenFormat.edgeAuthSigned(token.signedFields(), url, salt);
    Mac mac = algorithm.threadMac();
    for (int i = 0; i < hmacKeys.size(); i++) {
      try {
        mac.init(hmacKeys.get(i).spec(algorithm));
      } catch (InvalidKeyException e) {
        throw new IllegalStateException("HMAC refused a raw secret key", e); // not reachable with SecretKeySpec
      }
      // Constant time per key. Stopping at the first match reveals which key signed a valid token,
      // which its holder may know anyway; it never reveals anything about a forged one.
      if (MessageDigest.isEqual(mac.doFinal(message), presented)) {
        return null;
      }
    }
    return TokenRejection.BAD_SIGNATURE;
  }

  private static TokenRejection checkEd25519(ParsedToken token, KeyRing ring, String url) {
    Ed25519PublicKeyParameters key = ring.ed25519Key(token.keyId());
    if (key == null) {
      return TokenRejection.UNKNOWN_KEY;
    }
    byte[] signature = token.signature();
    if (signature == null) {
      return TokenRejection.BAD_SIGNATURE;
    }
    byte[] message = TokenFormat.ed25519Signed(token.signedFields(), url);
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature) ? null : TokenRejection.BAD_SIGNATURE;
  }

  private static Map<TokenRejection, Verdict> rejections() {
    Map<TokenRejection, Verdict> verdicts = new EnumMap<>(TokenRejection.class);
    for (TokenRejection rejection : TokenRejection.values()) {
      verdicts.put(rejection, new Verdict(rejection, 0, List.of()));
    }
    return verdicts;
  }

  /**
   * The outcome of one check.
   *
   * @param rejection why the token was refused, or null when it was accepted
   * @param expiresEpochSeconds the token's {@code exp} when accepted (to bound a cookie's lifetime), else 0
   * @param acls the token's ACL patterns when accepted (to scope a cookie); empty in URL mode, where
   *     the token opens only the path it was presented with, and when refused
   */
  public record Verdict(TokenRejection rejection, long expiresEpochSeconds, List<String> acls) {

    public Verdict {
      acls = List.copyOf(acls);
    }

    /** True when the token opens the request. */
    public boolean accepted() {
      return rejection == null;
    }
  }

  /** A token whose signature verified, with its accepted verdict made once. */
  private static final class Verified {
    final ParsedToken token;
    final Verdict accepted;

    Verified(ParsedToken token) {
      this.token = token;
      this.accepted = new Verdict(null, token.expires(), token.acls());
    }
  }

  /** The cache key: token text, ring generation, and the path for a URL-mode token (else null). */
  private record CacheKey(long generation, String token, String url) {
    // Written out: a record's generated equals and hashCode go through method handles, which showed
    // in the profile of every tokened request.
    @Override
    public boolean equals(Object other) {
      return other instanceof CacheKey that
          && generation == that.generation
          && token.equals(that.token)
          && java.util.Objects.equals(url, that.url);
    }

    @Override
    public int hashCode() {
      return (31 * Long.hashCode(generation) + token.hashCode()) * 31 + (url == null ? 0 : url.hashCode());
    }

    @Override
    public String toString() {
      return "CacheKey[generation=" + generation + "]"; // never the token
    }
  }

  /** Keeps an entry until its token's {@code exp} plus skew, by the verifier's clock. */
  private static final class UntilExpiry implements Expiry<CacheKey, Verified> {
    private final Clock clock;
    private final long skewSeconds;

    UntilExpiry(Clock clock, long skewSeconds) {
      this.clock = clock;
      this.skewSeconds = skewSeconds;
    }

    @Override
    public long expireAfterCreate(CacheKey key, Verified value, long currentTime) {
      long millisLeft = (value.token.expires() + skewSeconds) * 1000L - clock.millis();
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millisLeft));
    }

    @Override
    public long expireAfterUpdate(CacheKey key, Verified value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(CacheKey key, Verified value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** Collects the verifier's settings. Not thread-safe; build once. */
  public static final class Builder {
    private static final Duration MAX_SKEW = Duration.ofHours(1);

    private final Supplier<KeyRing> keys;
    private TokenAlgorithm algorithm = TokenAlgorithm.SHA256;
    private String salt;
    private Duration clockSkew = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private long cacheSize = 10_000;

    private Builder(Supplier<KeyRing> keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The HMAC algorithm of EdgeAuth tokens; SHA-256 by default. */
    public Builder algorithm(TokenAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** The salt EdgeAuth tokens were signed with, or null (the default) for none. */
    public Builder salt(String salt) {
      if (salt != null && salt.isEmpty()) {
        throw new IllegalArgumentException("salt: \"\" (expected: a non-empty salt, or none)");
      }
      this.salt = salt;
      return this;
    }

    /** How far the minter's clock may be from ours, applied to {@code exp} and {@code st}; zero by default. */
    public Builder clockSkew(Duration clockSkew) {
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (clockSkew.isNegative() || clockSkew.compareTo(MAX_SKEW) > 0) {
        throw new IllegalArgumentException("clockSkew: " + clockSkew + " (expected: 0 to " + MAX_SKEW + ")");
      }
      this.clockSkew = clockSkew;
      return this;
    }

    /** The clock time checks use; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How many verified tokens to remember; 0 turns the cache off. 10,000 by default: an entry holds
     * the token text (about 200 bytes for a real token, at most {@value TokenFormat#MAX_TOKEN_CHARS}
     * characters), and only tokens whose signature verified get one.
     */
    public Builder cacheSize(long cacheSize) {
      if (cacheSize < 0) {
        throw new IllegalArgumentException("cacheSize: " + cacheSize + " (expected: 0 or more)");
      }
      this.cacheSize = cacheSize;
      return this;
    }

    /** The verifier; it keeps no reference to this builder. */
    public TokenVerifier build() {
      return new TokenVerifier(this);
    }
  }
}
