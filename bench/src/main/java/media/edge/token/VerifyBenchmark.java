package media.edge.token;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import media.edge.AbstractBenchmark;
import media.edge.token.TokenVerifier.Verdict;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The cost of {@link TokenVerifier#verify} on a segment request, as a player makes hundreds per
 * stream: one token, the paths of consecutive segments, the same client address.
 *
 * <ul>
 *   <li>{@link #hmacUncached}: an EdgeAuth (HMAC-SHA256) token with {@code ip}, {@code exp} and an
 *       ACL, cache off: parsing, one HMAC, time, address and glob checks.
 *   <li>{@link #ed25519Cold}: the same fields as an Ed25519 token, cache off: what the first request
 *       of a stream pays (and every request, were there no cache).
 *   <li>{@link #ed25519Cached}: the same token with the verdict cache on and warm: what every later
 *       request of the stream pays (a cache lookup, then time, address and glob checks).
 *   <li>{@link #hmacCached}: the HMAC token through the cache, for comparison.
 * </ul>
 *
 * Inputs: a key ring with two HMAC keys (the token is signed with the first, as in steady state)
 * and one Ed25519 key; the clock is fixed inside the tokens' validity so nothing expires mid-run.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar VerifyBenchmark -prof gc} (see
 * {@link AbstractBenchmark} for building the jar and the shared settings).
 */
public class VerifyBenchmark extends AbstractBenchmark {

  private static final long NOW = 1_767_225_600L;
  private static final String CLIENT = "203.0.113.7";
  private static final int SEGMENTS = 64;

  private final String[] paths = new String[SEGMENTS];
  private int next;

  private String hmacToken;
  private String ed25519Token;
  private TokenVerifier uncached;
  private TokenVerifier cached;

  @Setup
  public void setUp() {
    for (int i = 0; i < SEGMENTS; i++) {
      paths[i] = String.format("/vod/big-buck-bunny/720p/segment_%05d.m4s", i);
    }
    byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    seed[0] = 7;
    Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(seed, 0);
    KeyRing ring = KeyRing.builder()
        .hmacHex("k2", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        .hmacHex("k1", "52a152a152a152a152a152a152a152a1")
        .ed25519("e1", privateKey.generatePublicKey())
        .build();
    TokenClaims claims = TokenClaims.acl("/vod/big-buck-bunny/*").expires(NOW + 4 * 3600).ip(CLIENT).build();
    hmacToken = ring.signer().build().sign(claims);
    ed25519Token = Ed25519TokenSigner.of("e1", privateKey).sign(claims);

    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    uncached = TokenVerifier.builder(() -> ring).clock(clock).cacheSize(0).build();
    cached = TokenVerifier.builder(() -> ring).clock(clock).cacheSize(10_000).build();
    for (String token : new String[] {hmacToken, ed25519Token}) {
      for (TokenVerifier verifier : new TokenVerifier[] {uncached, cached}) {
        if (!verifier.verify(token, paths[0], CLIENT).accepted()) {
          throw new IllegalStateException("benchmark token refused: " + verifier.verify(token, paths[0], CLIENT));
        }
      }
    }
  }

  private String nextPath() {
    String path = paths[next];
    next = (next + 1) & (SEGMENTS - 1);
    return path;
  }

  @Benchmark
  public Verdict hmacUncached() {
    return uncached.verify(hmacToken, nextPath(), CLIENT);
  }

  @Benchmark
  public Verdict hmacCached() {
    return cached.verify(hmacToken, nextPath(), CLIENT);
  }

  @Benchmark
  public Verdict ed25519Cold() {
    return uncached.verify(ed25519Token, nextPath(), CLIENT);
  }

  @Benchmark
  public Verdict ed25519Cached() {
    return cached.verify(ed25519Token, nextPath(), CLIENT);
  }
}
