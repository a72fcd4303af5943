package media.edge.config;

import java.nio.file.Path;

/**
 * TLS to {@code https://} upstreams ({@code upstream.tls.*}). Certificates are verified, host name
 * included, against the system trust store, or against {@code caFile} alone when it is set (a private
 * CA). What is inside the files is checked when the server starts, since only then are they parsed.
 *
 * @param caFile PEM certificates to trust instead of the system trust store, or {@code null}
 *     ({@code upstream.tls.ca-file})
 * @param certFile PEM client certificate chain, leaf first, for origins that require mutual TLS, or
 *     {@code null} ({@code upstream.tls.cert-file})
 * @param keyFile the client certificate's PEM private key, unencrypted, or {@code null}
 *     ({@code upstream.tls.key-file})
 * @param insecure accept any certificate for any name: for development only, logged at start-up
 *     ({@code upstream.tls.insecure})
 */
public record UpstreamTlsConfig(Path caFile, Path certFile, Path keyFile, boolean insecure) {

  /** Checks what the configuration's cross-key rules check, for records built in code. */
  public UpstreamTlsConfig {
    if (insecure && caFile != null) {
      throw new IllegalArgumentException(
          "upstream.tls.insecure: true (expected: false when upstream.tls.ca-file is set; a CA to verify"
              + " against and no verification contradict each other)");
    }
  }

  /** True when any file is set: then they are read at start-up even if no upstream is https yet. */
  public boolean hasFiles() {
    return caFile != null || certFile != null || keyFile != null;
  }

  /** Returns a copy trusting only the certificates in {@code caFile}. */
  public UpstreamTlsConfig withCaFile(Path caFile) {
    return new UpstreamTlsConfig(caFile, certFile, keyFile, insecure);
  }

  /** Returns a copy presenting this client certificate. */
  public UpstreamTlsConfig withClientCertificate(Path certFile, Path keyFile) {
    return new UpstreamTlsConfig(caFile, certFile, keyFile, insecure);
  }

  /** Returns a copy that verifies nothing, or verifies again. */
  public UpstreamTlsConfig withInsecure(boolean insecure) {
    return new UpstreamTlsConfig(caFile, certFile, keyFile, insecure);
  }
}
