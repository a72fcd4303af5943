package media.edge.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** Fixed keys for tests: the same bytes every run, so a failure reproduces. */
final class TestKeys {

  static final String HMAC_1 = "52a152a152a152a152a152a152a152a1";
  static final String HMAC_2 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  private TestKeys() {}

  /** An Ed25519 private key whose 32 seed bytes are all {@code seed}. */
  static Ed25519PrivateKeyParameters ed25519(int seed) {
    byte[] bytes = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    Arrays.fill(bytes, (byte) seed);
    return new Ed25519PrivateKeyParameters(bytes, 0);
  }

  static Ed25519PublicKeyParameters ed25519Public(int seed) {
    return ed25519(seed).generatePublicKey();
  }

  /** A test resource as text. */
  static String resource(String name) {
    try (InputStream in = TestKeys.class.getResourceAsStream("/token/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource token/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
