package media.edge.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS on the data port. Both files set turn TLS on (ALPN offering {@code h2} and {@code http/1.1});
 * neither leaves the port plaintext. That they come as a pair, and what is inside them, is checked
 * when the server starts, since only then are the PEM files parsed.
 *
 * @param certFile PEM certificate chain, leaf first, or {@code null} for none; it existed and was
 *     readable at start-up ({@code server.tls.cert-file})
 * @param keyFile PEM private key of the leaf (PKCS#8, or PKCS#1 RSA, or SEC1 EC), unencrypted, or
 *     {@code null} for none ({@code server.tls.key-file})
 * @param reloadInterval how often both files are checked for new contents; new connections then get
 *     the new certificate. {@link Duration#ZERO} checks only on SIGHUP ({@code server.tls.reload-interval})
 */
public record TlsConfig(Path certFile, Path keyFile, Duration reloadInterval) {

  /** TLS off, with the default reload interval. */
  public static final TlsConfig NONE = new TlsConfig(null, null, Duration.ofSeconds(10));

  /** True when either file is set: the server then serves HTTPS, or refuses to start if one is missing. */
  public boolean enabled() {
    return certFile != null || keyFile != null;
  }

  /** Returns a copy serving these files. */
  public TlsConfig withFiles(Path certFile, Path keyFile) {
    return new TlsConfig(certFile, keyFile, reloadInterval);
  }
}
