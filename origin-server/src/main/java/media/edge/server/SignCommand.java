package media.edge.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import media.edge.config.ConfigException;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.token.Ed25519TokenSigner;
import media.edge.token.KeyRing;
import media.edge.token.TokenAlgorithm;
import media.edge.token.TokenClaims;
import media.edge.token.TokenQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sign}: mints a token with the configured keys, as the platform's backend would, for tests
 * and operators. HMAC tokens are EdgeAuth 2.0 (Akamai's format); with {@code --private-key} an
 * Ed25519 token is minted instead.
 */
@Command(name = "sign", mixinStandardHelpOptions = true, description = "Print a signed token (and URL).")
final class SignCommand implements Callable<Integer> {
  Map<String, String> env = Map.of();

  @Option(names = "--acl", required = true, paramLabel = "PATTERN",
      description = "Path pattern the token opens (* spans /, ? is one character); repeat for several.")
  List<String> acls;

  @Option(names = "--ttl", defaultValue = "1h", paramLabel = "DURATION",
      description = "How long the token is valid: 30s, 10m, 1h, 1d (default ${DEFAULT-VALUE}).")
  String ttl;

  @Option(names = "--ip", paramLabel = "ADDRESS", description = "Only this client address may use it.")
  String ip;

  @Option(names = "--id", paramLabel = "TEXT", description = "A session id carried in the token.")
  String id;

  @Option(names = "--key-id", paramLabel = "K", description = "HMAC key to sign with (default: the first).")
  String keyId;

  @Option(names = "--private-key", paramLabel = "FILE",
      description = "Sign with this Ed25519 private key (PEM) instead; --key-id names it in the token.")
  Path privateKey;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration with tokens.keys or tokens.keys-file.")
  Path config;

  @Option(names = "--url", paramLabel = "BASE", description = "Also print BASE with the token in its query.")
  String url;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration lifetime = parseTtl(ttl);
    if (lifetime == null) {
      return Main.fail(err, "--ttl: \"" + ttl + "\" (expected: a duration such as 30s, 10m, 1h or 1d)");
    }
    TokenClaims.Builder claims = TokenClaims.acl(acls).expires(Instant.now().plus(lifetime));
    if (ip != null) {
      claims.ip(ip);
    }
    if (id != null) {
      claims.id(id);
    }
    String token;
    String name;
    try {
      Map<String, String> overrides = new LinkedHashMap<>();
      overrides.put("library.root", "."); // signing needs no library
      EdgeConfig edge = ConfigLoader.load(config, env, privateKey == null ? overrides : withoutRequiredKeys(overrides));
      name = edge.tokens().name();
      token = privateKey == null ? signHmac(edge, claims.build()) : signEd25519(claims.build());
    } catch (ConfigException | StartupException e) {
      return Main.fail(err, e.getMessage());
    } catch (IOException e) {
      return Main.fail(err, "--private-key: " + privateKey + " (expected: a readable Ed25519 private key in PEM)");
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Main.fail(err, e.getMessage());
    }
    out.println(token);
    if (url != null) {
      out.println(TokenQuery.url(url, name, token));
    }
    out.flush();
    return 0;
  }

  private static Map<String, String> withoutRequiredKeys(Map<String, String> overrides) {
    overrides.put("tokens.required", "false");
    return overrides;
  }

  private String signHmac(EdgeConfig edge, TokenClaims claims) throws StartupException {
    try (TokenKeys keys = TokenKeys.open(edge.tokens(), Clock.systemUTC(), null)) {
      KeyRing ring = keys.ring();
      if (ring == null || ring.primaryHmacKeyId().isEmpty()) {
        throw new IllegalStateException("tokens.keys: no HMAC key (expected: an HMAC key to sign with)");
      }
      String salt = edge.tokens().salt();
      return (keyId == null ? ring.signer() : ring.signer(keyId))
          .algorithm(TokenAlgorithm.fromName(edge.tokens().algorithm()).orElseThrow())
          .salt(salt.isEmpty() ? null : salt)
          .build()
          .sign(claims);
    }
  }

  private String signEd25519(TokenClaims claims) throws IOException {
    String pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
    return Ed25519TokenSigner.fromPem(keyId == null ? "k1" : keyId, pem).sign(claims);
  }

  /** 30s, 10m, 1h, 1d, or bare seconds; null when malformed. */
  static Duration parseTtl(String text) {
    if (text == null || !text.matches("[0-9]{1,9}[smhd]?")) {
      return null;
    }
    char unit = text.charAt(text.length() - 1);
    long n = Long.parseLong(Character.isDigit(unit) ? text : text.substring(0, text.length() - 1));
    switch (unit) {
      case 'm':
        return Duration.ofMinutes(n);
      case 'h':
        return Duration.ofHours(n);
      case 'd':
        return Duration.ofDays(n);
      default:
        return Duration.ofSeconds(n);
    }
  }
}
