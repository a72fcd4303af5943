package media.edge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Signed URLs: whether a token is required, how it is found and with which keys it is checked. A key
 * ring is {@link #keys()} plus, if set, the keys of {@link #keysFile()}; the first HMAC key signs, every
 * key verifies, so a key can be rotated without a failed request.
 *
 * <p>{@link #toString()} redacts the salt, and {@link TokenKey#toString()} the secrets.
 *
 * @param required refuse requests without a valid token, except under {@code exemptPrefixes}
 *     ({@code tokens.required})
 * @param name query parameter, cookie and header name of the token; 1-64 of {@code A-Z a-z 0-9 _ -}
 *     ({@code tokens.name})
 * @param algorithm HMAC digest: {@code sha256}, {@code sha1} or {@code md5} ({@code tokens.algorithm})
 * @param keys inline keys, in order; the first HMAC key signs, all verify ({@code tokens.keys})
 * @param keysFile a key file, reloaded when it changes, or {@code null} for none; it existed and was
 *     readable at start-up ({@code tokens.keys-file})
 * @param salt mixed into every HMAC; {@code ""} for none ({@code tokens.salt})
 * @param clockSkew allowance when checking {@code st} and {@code exp} against the clock ({@code tokens.clock-skew})
 * @param sources where a token is looked for, in order: {@code query}, {@code cookie}, {@code header};
 *     non-empty, each at most once ({@code tokens.sources})
 * @param exemptPrefixes request path prefixes served without a token, each starting with {@code /}
 *     ({@code tokens.exempt-prefixes})
 * @param setCookie on the first successful playlist request whose token came in the query string, set
 *     it as a cookie scoped to the token's ACL path ({@code tokens.set-cookie})
 */
public record TokenConfig(
    boolean required,
    String name,
    String algorithm,
    List<TokenKey> keys,
    Path keysFile,
    String salt,
    Duration clockSkew,
    List<String> sources,
    List<String> exemptPrefixes,
    boolean setCookie) {

  public TokenConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    keys = List.copyOf(keys);
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(clockSkew, "clockSkew");
    sources = List.copyOf(sources);
    exemptPrefixes = List.copyOf(exemptPrefixes);
  }

  /** Returns a copy that does or does not require tokens (tests and the demo use this). */
  public TokenConfig withRequired(boolean required) {
    return new TokenConfig(
        required, name, algorithm, keys, keysFile, salt, clockSkew, sources, exemptPrefixes, setCookie);
  }

  /** Returns a copy with other inline keys (tests and the demo use this). */
  public TokenConfig withKeys(List<TokenKey> keys) {
    return new TokenConfig(
        required, name, algorithm, keys, keysFile, salt, clockSkew, sources, exemptPrefixes, setCookie);
  }

  /** Like the record's own, with the salt redacted. */
  @Override
  public String toString() {
    return "TokenConfig[required=" + required + ", name=" + name + ", algorithm=" + algorithm
        + ", keys=" + keys + ", keysFile=" + keysFile
        + ", salt=" + (salt.isEmpty() ? "" : RawValue.REDACTED) + ", clockSkew=" + clockSkew
        + ", sources=" + sources + ", exemptPrefixes=" + exemptPrefixes + ", setCookie=" + setCookie + "]";
  }
}
