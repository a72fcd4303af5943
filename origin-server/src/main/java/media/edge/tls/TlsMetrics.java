package media.edge.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The TLS meters: which engine serves ({@code edge_tls_info{provider}}, always 1), certificate
 * reloads by result, handshakes that failed, and when the certificate in force expires, for an alert
 * well before it does. Registered once at start-up; thread-safe as Micrometer's meters are.
 */
final class TlsMetrics {
  private final Counter reloaded;
  private final Counter reloadFailed;
  private final Counter handshakeFailed;

  TlsMetrics(MeterRegistry registry, String provider, Supplier<PemFiles.Credentials> current) {
    Gauge.builder("edge.tls.info", () -> 1)
        .description("TLS on the data port, tagged with the engine in use: openssl (BoringSSL) or jdk")
        .tag("provider", provider)
        .register(registry);
    Gauge.builder("edge.tls.certificate.expiry", current, c -> c.get().leaf().getNotAfter().getTime() / 1000.0)
        .description("When the certificate in force expires, as a Unix time")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    this.reloaded = reloads(registry, "success");
    this.reloadFailed = reloads(registry, "failure");
    this.handshakeFailed =
        Counter.builder("edge.tls.handshake.failures")
            .description("TLS handshakes on the data port that failed (bad client, scanner, unsupported version)")
            .register(registry);
  }

  private static Counter reloads(MeterRegistry registry, String result) {
    return Counter.builder("edge.tls.reloads")
        .description("Certificate reloads after the files changed; a failure keeps the certificate in force")
        .tag("result", result)
        .register(registry);
  }

  void reloaded(boolean success) {
    (success ? reloaded : reloadFailed).increment();
  }

  void handshakeFailed() {
    handshakeFailed.increment();
  }
}
