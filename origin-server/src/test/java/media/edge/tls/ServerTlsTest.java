package media.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import media.edge.config.TlsConfig;
import media.edge.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload without a server: on demand, on a schedule, and refusing bad files. */
class ServerTlsTest {
  @TempDir Path dir;

  private DevelopmentCertificate make(String name) throws Exception {
    return DevelopmentCertificate.generate(dir.resolve(name), Clock.systemUTC());
  }

  private static void install(DevelopmentCertificate from, Path cert, Path key) throws Exception {
    Files.copy(from.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(from.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void reloadIfChanged_swapsOnlyForGoodNewFiles_andCountsBoth() throws Exception {
    DevelopmentCertificate a = make("a");
    DevelopmentCertificate b = make("b");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    install(a, cert, key);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ServerTls tls = ServerTls.open(new TlsConfig(cert, key, Duration.ZERO), registry, null)) {
      String first = tls.certificate().getSerialNumber().toString();

      assertThat(tls.reloadIfChanged()).isFalse();
      install(b, cert, key);
      assertThat(tls.reloadIfChanged()).isTrue();
      String second = tls.certificate().getSerialNumber().toString();
      Files.writeString(cert, "garbage");
      assertThat(tls.reloadIfChanged()).isFalse();
      assertThat(tls.reloadIfChanged()).as("a bad file is tried once, not at every check").isFalse();

      assertThat(second).isNotEqualTo(first);
      assertThat(tls.certificate().getSerialNumber().toString()).isEqualTo(second);
      assertThat(registry.get("edge.tls.reloads").tag("result", "success").counter().count()).isEqualTo(1);
      assertThat(registry.get("edge.tls.reloads").tag("result", "failure").counter().count()).isEqualTo(1);
      assertThat(registry.get("edge.tls.info").tag("provider", tls.provider()).gauge().value()).isEqualTo(1);
    }
  }

  /** TLS review: an expired certificate restored over a good one must not replace it. */
  @Test
  void reload_expiredCertificate_isRefusedAndCounted_theValidOneStays() throws Exception {
    DevelopmentCertificate good = make("good");
    DevelopmentCertificate expired =
        DevelopmentCertificate.generate(dir.resolve("old"), Clock.fixed(Instant.now().minus(Duration.ofDays(30)), ZoneOffset.UTC));
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    install(good, cert, key);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ServerTls tls = ServerTls.open(new TlsConfig(cert, key, Duration.ZERO), registry, null)) {
      String before = tls.certificate().getSerialNumber().toString();
      install(expired, cert, key);

      assertThat(tls.reload()).isFalse();
      assertThat(tls.certificate().getSerialNumber().toString()).isEqualTo(before);
      assertThat(registry.get("edge.tls.reloads").tag("result", "failure").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void halfFinishedRotation_newKeyOldCertificate_keepsTheOldPair() throws Exception {
    DevelopmentCertificate a = make("a");
    DevelopmentCertificate b = make("b");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    install(a, cert, key);
    try (ServerTls tls = ServerTls.open(new TlsConfig(cert, key, Duration.ZERO), new SimpleMeterRegistry(), null)) {
      String before = tls.certificate().getSerialNumber().toString();
      Files.copy(b.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);

      assertThat(tls.reload()).isFalse();
      assertThat(tls.certificate().getSerialNumber().toString()).isEqualTo(before);
      Files.copy(b.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
      assertThat(tls.reloadIfChanged()).as("finishing the rotation is seen").isTrue();
    }
  }

  @Test
  void watch_picksUpNewFilesOnItsSchedule() throws Exception {
    DevelopmentCertificate a = make("a");
    DevelopmentCertificate b = make("b");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    install(a, cert, key);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ServerTls tls = ServerTls.open(new TlsConfig(cert, key, Duration.ofMillis(20)), new SimpleMeterRegistry(), scheduler)) {
      String before = tls.certificate().getSerialNumber().toString();
      install(b, cert, key);

      Await.until("the watcher to install the new certificate", () -> !tls.certificate().getSerialNumber().toString().equals(before));
      assertThat(tls.certificate().getSerialNumber().toString()).isNotEqualTo(before);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void open_badFiles_throwsNamingTheKey() throws Exception {
    DevelopmentCertificate a = make("a");
    Path bad = Files.writeString(dir.resolve("bad.pem"), "nothing");

    assertThatThrownBy(() -> ServerTls.open(new TlsConfig(a.certFile(), bad, Duration.ZERO), new SimpleMeterRegistry(), null))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("server.tls.key-file: " + bad + " (expected:");
  }
}
