package media.edge.token;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * The keys an edge verifies tokens with: named HMAC secrets for EdgeAuth tokens and named Ed25519
 * public keys for Ed25519 tokens. The first HMAC key is the primary one, the one {@link #signer()}
 * signs with; every key verifies. That is how keys rotate without a failed request: add the new key
 * second, let every edge load it, make it first so new tokens use it, and remove the old one once
 * its last token has expired.
 *
 * <p>EdgeAuth tokens carry no key id, so the verifier tries each HMAC key in order; Ed25519 tokens
 * name theirs ({@code kid}). Ids are unique across both kinds and match
 * {@code [A-Za-z0-9._-]{1,64}}; HMAC secrets are hex, at least {@value #MIN_SECRET_BYTES} bytes
 * (Akamai's Property Manager takes any even number of hex digits, and documents 12-byte examples;
 * {@link TokenKeyGenerator} makes 32).
 *
 * <p>Each ring gets a process-unique {@link #generation()} when built: the verifier keys its cache of
 * checked signatures on it, so a reloaded ring never reuses a verdict reached under the old keys.
 *
 * <p>Immutable and thread-safe. {@link #toString()} lists ids, never key material.
 */
public final class KeyRing {

  /** Shorter HMAC secrets are refused: 64 bits is already weak, below it is a password. */
  public static final int MIN_SECRET_BYTES = 8;

  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final List<HmacKey> hmacKeys;
  private final Map<String, Ed25519PublicKeyParameters> ed25519Keys;
  private final long generation;

  private KeyRing(List<HmacKey> hmacKeys, Map<String, Ed25519PublicKeyParameters> ed25519Keys) {
    this.hmacKeys = List.copyOf(hmacKeys);
    this.ed25519Keys = Collections.unmodifiableMap(new LinkedHashMap<>(ed25519Keys));
    this.generation = GENERATIONS.incrementAndGet();
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The ring described by the YAML key file at {@code file}, in the file's order:
   *
   * <pre>
   * keys:
   *   - id: k2                          # [A-Za-z0-9._-]{1,64}, unique in the file
   *     hmac: "8f3e...64 hex digits"    # an HMAC secret in hex, quoted; "secret" is a synonym
   *   - id: k1                          #   (the name the server configuration uses)
   *     hmac: "52a1..."
   *   - id: e1
   *     ed25519-public: e1.pub.pem      # a PEM file, relative to this file's folder, or absolute
   *   - id: e2
   *     ed25519-public: |               # or the PEM text itself
   *       -----BEGIN PUBLIC KEY-----
   *       MCowBQYDK2VwAyEA...
   *       -----END PUBLIC KEY-----
   * </pre>
   *
   * Each entry has an {@code id} and exactly one of {@code hmac} (or {@code secret}) and
   * {@code ed25519-public}; any other field is refused, so a typo cannot silently drop a key. There
   * is no place for a private key: edges hold only public ones. Files over 256 KiB are refused.
   *
   * @throws KeyFileException when the file cannot be read or describes no valid ring; the message
   *     names the file and the entry, never a key
   */
  public static KeyRing load(Path file) throws KeyFileException {
    return KeyFile.read(file);
  }

  /** The ring described by {@code yaml}, the text of a key file; relative PEM paths resolve against {@code baseDirectory}. */
  public static KeyRing fromYaml(String yaml, Path baseDirectory) throws KeyFileException {
    return KeyFile.parse(yaml, baseDirectory, "key file");
  }

  /** The HMAC key ids, the primary one first. */
  public List<String> hmacKeyIds() {
    List<String> ids = new ArrayList<>(hmacKeys.size());
    for (HmacKey key : hmacKeys) {
      ids.add(key.id);
    }
    return List.copyOf(ids);
  }

  /** The Ed25519 public key ids. */
  public List<String> ed25519KeyIds() {
    return List.copyOf(ed25519Keys.keySet());
  }

  /** The id of the primary HMAC key, the one that signs; empty when the ring holds only Ed25519 keys. */
  public Optional<String> primaryHmacKeyId() {
    return hmacKeys.isEmpty() ? Optional.empty() : Optional.of(hmacKeys.get(0).id);
  }

  /** A signer builder preloaded with the primary HMAC key; set the algorithm and salt the edges use. */
  public EdgeAuthSigner.Builder signer() {
    if (hmacKeys.isEmpty()) {
      throw new IllegalStateException("keys: no HMAC key (expected: at least one to sign with)");
    }
    return hmacKeys.get(0).signer();
  }

  /** A signer builder preloaded with the HMAC key {@code keyId}. */
  public EdgeAuthSigner.Builder signer(String keyId) {
    for (HmacKey key : hmacKeys) {
      if (key.id.equals(keyId)) {
        return key.signer();
      }
    }
    throw new IllegalArgumentException("key id: " + keyId + " (expected one of the HMAC keys: " + hmacKeyIds() + ")");
  }

  /**
   * A new ring with this ring's keys followed by {@code more}'s: the server puts a key file's keys
   * before the inline ones, so the file (the part that rotates) names the signing key.
   *
   * @throws IllegalArgumentException when both rings have a key with the same id
   */
  public KeyRing with(KeyRing more) {
    List<HmacKey> hmac = new ArrayList<>(hmacKeys);
    Map<String, Ed25519PublicKeyParameters> ed25519 = new LinkedHashMap<>(ed25519Keys);
    for (HmacKey key : more.hmacKeys) {
      if (hmac.stream().anyMatch(k -> k.id.equals(key.id)) || ed25519.containsKey(key.id)) {
        throw new IllegalArgumentException("id: " + key.id + " (expected: an id that no other key has)");
      }
      hmac.add(key);
    }
    for (Map.Entry<String, Ed25519PublicKeyParameters> key : more.ed25519Keys.entrySet()) {
      if (ed25519.containsKey(key.getKey()) || hmac.stream().anyMatch(k -> k.id.equals(key.getKey()))) {
        throw new IllegalArgumentException("id: " + key.getKey() + " (expected: an id that no other key has)");
      }
      ed25519.put(key.getKey(), key.getValue());
    }
    return new KeyRing(hmac, ed25519);
  }

  /** This ring's process-unique number; a reload makes a new ring with a new number. */
  long generation() {
    return generation;
  }

  /** The HMAC keys in order, primary first. */
  List<HmacKey> hmacKeys() {
    return hmacKeys;
  }

  /** The Ed25519 public key named {@code keyId}, or null. */
  Ed25519PublicKeyParameters ed25519Key(String keyId) {
    return ed25519Keys.get(keyId);
  }

  @Override
  public String toString() {
    return "KeyRing[hmac=" + hmacKeyIds() + ", ed25519=" + ed25519KeyIds() + "]";
  }

  /** {@code id} if it is a valid key id; otherwise an exception naming what is expected. */
  static String requireKeyId(String id) {
    if (id == null || !id.matches(TokenFormat.KEY_ID_PATTERN)) {
      // The value is not echoed: a secret pasted into the wrong field must not reach a log.
      throw new IllegalArgumentException(
          "id: " + (id == null ? "missing" : "invalid") + " (expected: " + TokenFormat.KEY_ID_PATTERN + ")");
    }
    return id;
  }

  /** The bytes of a hex secret; the message names {@code what} but never the value. */
  static byte[] decodeSecret(String hex, String what) {
    if (hex == null) {
      throw new IllegalArgumentException(what + ": missing (expected: hex digits)");
    }
    String digits = hex.strip();
    if ((digits.length() & 1) != 0 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
      throw new IllegalArgumentException(what + ": not hex (expected: an even number of hex digits)");
    }
    if (digits.length() < 2 * MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          what + ": " + digits.length() / 2 + " bytes (expected: at least " + MIN_SECRET_BYTES + " bytes, "
              + 2 * MIN_SECRET_BYTES + " hex digits)");
    }
    return HexFormat.of().parseHex(digits);
  }

  /** A named HMAC secret, as one ready {@link SecretKeySpec} per algorithm. */
  static final class HmacKey {
    private final String id;
    private final SecretKeySpec[] specs;

    private HmacKey(String id, byte[] secret) {
      this.id = id;
      TokenAlgorithm[] algorithms = TokenAlgorithm.values();
      this.specs = new SecretKeySpec[algorithms.length];
      for (TokenAlgorithm algorithm : algorithms) {
        specs[algorithm.ordinal()] = new SecretKeySpec(secret, algorithm.macName());
      }
    }

    String id() {
      return id;
    }

    SecretKeySpec spec(TokenAlgorithm algorithm) {
      return specs[algorithm.ordinal()];
    }

    private EdgeAuthSigner.Builder signer() {
      return EdgeAuthSigner.builder().key(specs[0].getEncoded());
    }

    @Override
    public String toString() {
      return "HmacKey[" + id + "]";
    }
  }

  /** Collects keys in order. Not thread-safe; build once. */
  public static final class Builder {
    private final List<HmacKey> hmacKeys = new ArrayList<>();
    private final Map<String, Ed25519PublicKeyParameters> ed25519Keys = new LinkedHashMap<>();

    private Builder() {}

    /** Adds an HMAC secret given as hex; the first one added is the primary key. */
    public Builder hmacHex(String id, String hex) {
      return hmac(id, decodeSecret(hex, "key " + id + " secret"));
    }

    /** Adds an HMAC secret (copied); the first one added is the primary key. */
    public Builder hmac(String id, byte[] secret) {
      requireUnused(id);
      Objects.requireNonNull(secret, "secret");
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "key " + id + " secret: " + secret.length + " bytes (expected: at least " + MIN_SECRET_BYTES + ")");
      }
      hmacKeys.add(new HmacKey(id, secret));
      return this;
    }

    /** Adds an Ed25519 public key. */
    public Builder ed25519(String id, Ed25519PublicKeyParameters publicKey) {
      requireUnused(id);
      ed25519Keys.put(id, Objects.requireNonNull(publicKey, "publicKey"));
      return this;
    }

    /** Adds an Ed25519 public key given as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public Builder ed25519Pem(String id, String publicKeyPem) {
      requireKeyId(id);
      return ed25519(id, Pem.readPublic(publicKeyPem));
    }

    /** The ring; fails when it would hold no key at all. */
    public KeyRing build() {
      if (hmacKeys.isEmpty() && ed25519Keys.isEmpty()) {
        throw new IllegalStateException("keys: [] (expected: at least one HMAC or Ed25519 key)");
      }
      return new KeyRing(hmacKeys, ed25519Keys);
    }

    private void requireUnused(String id) {
      requireKeyId(id);
      boolean taken = ed25519Keys.containsKey(id) || hmacKeys.stream().anyMatch(key -> key.id.equals(id));
      if (taken) {
        throw new IllegalArgumentException("id: \"" + id + "\" (expected: unique key ids, this one is repeated)");
      }
    }
  }
}
