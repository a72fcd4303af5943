package media.edge.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a token grants, before it is signed: an expiry, either a list of ACL patterns or one URL path,
 * and the optional fields of EdgeAuth 2.0 ({@code ip}, {@code st}, {@code id}, {@code data}). The same
 * claims can be signed by {@link EdgeAuthSigner} or {@link Ed25519TokenSigner}.
 *
 * <p>{@link Builder#build()} refuses what would make a token that does not parse back: a {@code ~} in a
 * field (the field delimiter; Akamai's generators would emit it unescaped, since {@code escapeEarly}
 * is off by default) or a {@code !} inside one ACL (the ACL delimiter). A URL path is signed but never
 * written into the token, so only emptiness is refused there.
 *
 * <p>Immutable and thread-safe.
 */
public final class TokenClaims {

  private final List<String> acls;
  private final String url;
  private final long expires;
  private final long startTime;
  private final String ip;
  private final String id;
  private final String data;

  private TokenClaims(Builder builder) {
    this.acls = builder.acls;
    this.url = builder.url;
    this.expires = builder.expires;
    this.startTime = builder.startTime;
    this.ip = builder.ip;
    this.id = builder.id;
    this.data = builder.data;
  }

  /**
   * Claims in ACL mode: the token opens every path that one of {@code acls} matches ({@code *} spans
   * any characters including {@code /}, {@code ?} is one character). The ACLs are written into the
   * token joined by {@code !}, in the given order.
   */
  public static Builder acl(List<String> acls) {
    Objects.requireNonNull(acls, "acls");
    if (acls.isEmpty()) {
      throw new IllegalArgumentException("acl: [] (expected: at least one ACL pattern)");
    }
    for (String acl : acls) {
      requireField("acl", acl);
      if (acl.indexOf('!') >= 0) {
        throw new IllegalArgumentException("acl: contains '!' (expected: '!' only between ACLs)");
      }
    }
    return new Builder(List.copyOf(acls), null);
  }

  /** Claims in ACL mode with the given patterns. */
  public static Builder acl(String... acls) {
    return acl(List.of(acls));
  }

  /**
   * Claims in URL mode: the token opens exactly {@code path} (the request path without its query).
   * The path is signed but not written into the token, as Akamai's {@code generateURLToken} does.
   */
  public static Builder url(String path) {
    Objects.requireNonNull(path, "url");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("url: \"\" (expected: the request path to sign)");
    }
    return new Builder(List.of(), path);
  }

  /** The ACL patterns; empty in URL mode. */
  public List<String> acls() {
    return acls;
  }

  /** The signed URL path in URL mode; empty in ACL mode. */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }

  /** The expiry ({@code exp}), in epoch seconds. */
  public long expires() {
    return expires;
  }

  /** The start of validity ({@code st}), in epoch seconds, when the token has one. */
  public OptionalLong startTime() {
    return startTime == 0 ? OptionalLong.empty() : OptionalLong.of(startTime);
  }

  /** The client address the token is bound to ({@code ip}). */
  public Optional<String> ip() {
    return Optional.ofNullable(ip);
  }

  /** The session id ({@code id}). */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The opaque payload ({@code data}). */
  public Optional<String> data() {
    return Optional.ofNullable(data);
  }

  /**
   * The token's fields without any signature, in the generators' order
   * {@code ip~st~exp~acl~id~data}, each present one followed by nothing but the next.
   */
  String fieldsText() {
    StringBuilder text = new StringBuilder(64 + (acls.isEmpty() ? 0 : 16 * acls.size()));
    if (ip != null) {
      text.append("ip=").append(ip).append(TokenFormat.FIELD_DELIMITER);
    }
    if (startTime != 0) {
      text.append("st=").append(startTime).append(TokenFormat.FIELD_DELIMITER);
    }
    text.append("exp=").append(expires);
    if (url == null) {
      text.append(TokenFormat.FIELD_DELIMITER).append("acl=").append(String.join(TokenFormat.ACL_DELIMITER_TEXT, acls));
    }
    if (id != null) {
      text.append(TokenFormat.FIELD_DELIMITER).append("id=").append(id);
    }
    if (data != null) {
      text.append(TokenFormat.FIELD_DELIMITER).append("data=").append(data);
    }
    return text.toString();
  }

  /** The URL path in URL mode, or null: what {@link TokenFormat} appends as {@code ~url=}. */
  String urlOrNull() {
    return url;
  }

  @Override
  public String toString() {
    // No values: claims become a bearer token, and toString ends up in logs.
    return "TokenClaims[" + (url == null ? acls.size() + " acl(s)" : "url") + ", exp=" + expires + "]";
  }

  private static String requireField(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + ": \"\" (expected: a non-empty value, or leave it out)");
    }
    if (value.indexOf(TokenFormat.FIELD_DELIMITER) >= 0) {
      throw new IllegalArgumentException(name + ": contains '~' (expected: no field delimiter)");
    }
    return value;
  }

  /** Collects the optional fields; {@link #expires} is required. Not thread-safe; build once. */
  public static final class Builder {
    private final List<String> acls;
    private final String url;
    private long expires;
    private long startTime;
    private String ip;
    private String id;
    private String data;

    private Builder(List<String> acls, String url) {
      this.acls = acls;
      this.url = url;
    }

    /** The expiry ({@code exp}) in epoch seconds; required. */
    public Builder expires(long epochSeconds) {
      this.expires = epochSeconds;
      return this;
    }

    /** The expiry ({@code exp}); sub-second parts are dropped. */
    public Builder expires(Instant instant) {
      return expires(instant.getEpochSecond());
    }

    /** The start of validity ({@code st}) in epoch seconds; optional. */
    public Builder startTime(long epochSeconds) {
      if (epochSeconds <= 0) {
        throw new IllegalArgumentException("st: " + epochSeconds + " (expected: epoch seconds > 0)");
      }
      this.startTime = epochSeconds;
      return this;
    }

    /** Binds the token to one client address ({@code ip}); optional. */
    public Builder ip(String ip) {
      this.ip = requireField("ip", ip);
      return this;
    }

    /** A session id ({@code id}); optional. */
    public Builder id(String id) {
      this.id = requireField("id", id);
      return this;
    }

    /** An opaque payload ({@code data}); optional. */
    public Builder data(String data) {
      this.data = requireField("data", data);
      return this;
    }

    /** The claims; fails when the expiry is missing or not after the start time. */
    public TokenClaims build() {
      if (expires <= 0 || expires > TokenFormat.MAX_EPOCH_SECONDS) {
        throw new IllegalArgumentException(
            "exp: " + expires + " (expected: epoch seconds in 1.." + TokenFormat.MAX_EPOCH_SECONDS + ")");
      }
      if (startTime != 0 && startTime >= expires) {
        throw new IllegalArgumentException(
            "st: " + startTime + " (expected: before exp " + expires + ")");
      }
      return new TokenClaims(this);
    }
  }
}
