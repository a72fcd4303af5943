package media.edge.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The credential of state-changing admin calls: {@code Authorization: Bearer <token>}, compared in
 * constant time (both sides hashed first, so that not even the length shows in the timing). Without a
 * configured token every such call is refused: an admin port is never open by accident. A request a
 * browser could send cross-site without a preflight (a form's content types) is refused whatever it
 * carries, so that no web page can purge through a browser on the operator's network.
 *
 * <p>Immutable and thread-safe; the refusal counters are Micrometer's.
 */
public final class AdminToken {
  /** Why a call was refused, and how it is answered. */
  public record Refusal(HttpResponseStatus status, String message) {}

  private static final Refusal NOT_CONFIGURED = new Refusal(HttpResponseStatus.FORBIDDEN,
      "state-changing admin calls are off: set admin.token-file (or EDGE_ADMIN_TOKEN)\n");
  private static final Refusal MISSING = new Refusal(HttpResponseStatus.UNAUTHORIZED, "expected Authorization: Bearer <admin token>\n");
  private static final Refusal WRONG = new Refusal(HttpResponseStatus.FORBIDDEN, "wrong admin token\n");
  private static final Refusal FORM = new Refusal(HttpResponseStatus.FORBIDDEN, "no state change from a form post\n");

  private final byte[] expectedHash;
  private final Counter missing;
  private final Counter wrong;
  private final Counter form;
  private final Counter off;

  /** @param token the configured token, or "" for none (every state-changing call refused) */
  public AdminToken(String token, MeterRegistry registry) {
    this.expectedHash = token.isEmpty() ? null : sha256(token);
    this.missing = counter(registry, "missing");
    this.wrong = counter(registry, "wrong");
    this.form = counter(registry, "form");
    this.off = counter(registry, "not_configured");
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("edge.admin.refused")
        .description("State-changing admin calls refused, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /** True when a token is configured. */
  public boolean configured() {
    return expectedHash != null;
  }

  /** Null when {@code headers} carry the token; else why not. */
  public Refusal check(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type != null && isFormType(type)) {
      form.increment();
      return FORM;
    }
    if (expectedHash == null) {
      off.increment();
      return NOT_CONFIGURED;
    }
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      missing.increment();
      return MISSING;
    }
    if (!MessageDigest.isEqual(expectedHash, sha256(authorization.substring(7).strip()))) {
      wrong.increment();
      return WRONG;
    }
    return null;
  }

  /** The content types a cross-site form (or a no-cors fetch) may send without a preflight. */
  private static boolean isFormType(String type) {
    String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return media.equals("application/x-www-form-urlencoded") || media.equals("multipart/form-data")
        || media.equals("text/plain");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
