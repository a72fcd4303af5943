package media.edge.tls;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import media.edge.config.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data port's TLS: the {@link SslContext} in force, which each new connection takes through
 * {@link #get()}, and its reload when the certificate or key file changes. A connection keeps the
 * context it started with, so a reload never disturbs one in progress.
 *
 * <p>As with token key files, changes are found by polling the SHA-256 of both files' bytes
 * ({@link #reloadIfChanged()}, every {@code server.tls.reload-interval}), which also sees a Kubernetes
 * secret swapped through a symlink, and {@link #reload()} re-reads at once (SIGHUP). A new pair that
 * does not load, or whose key does not match its certificate (a rotation caught halfway), never
 * replaces the one in force: the reason is logged and {@code edge_tls_reloads_total{result="failure"}}
 * counts it. Its digests are recorded like a good pair's, so it is logged once, not at every check,
 * and fixing either file triggers the next attempt.
 *
 * <p>Thread-safe: {@link #get()} is a volatile read and never blocks; reloads are serialized.
 */
public final class ServerTls implements Supplier<SslContext>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  /** What one successful load made. */
  private record Loaded(PemFiles.Credentials credentials, SslContext context) {}

  private final Path certFile;
  private final Path keyFile;
  private final SslProvider provider;
  private final TlsMetrics metrics;
  private final Object reloadLock = new Object();
  private volatile Loaded current;
  private byte[] seen; // guarded by reloadLock: digest of both files as the last load read them
  private ScheduledFuture<?> poll; // guarded by reloadLock

  private ServerTls(TlsConfig config, SslProvider provider, Loaded loaded, byte[] seen, MeterRegistry registry) {
    this.certFile = config.certFile();
    this.keyFile = config.keyFile();
    this.provider = provider;
    this.current = loaded;
    this.seen = seen;
    this.metrics = new TlsMetrics(registry, SslContexts.name(provider), () -> current.credentials());
  }

  /**
   * Loads both files; start-up must fail when they cannot be used, so this throws rather than logs.
   *
   * @param scheduler checks the files every {@code reloadInterval}; null, or a zero interval, for none
   * @throws TlsFileException naming the setting at fault
   */
  public static ServerTls open(TlsConfig config, MeterRegistry registry, ScheduledExecutorService scheduler)
      throws TlsFileException {
    Objects.requireNonNull(config, "config");
    SslProvider provider = SslContexts.provider();
    byte[] digest = digest(config.certFile(), config.keyFile());
    Loaded loaded = load(config.certFile(), config.keyFile(), provider);
    ServerTls tls = new ServerTls(config, provider, loaded, digest, registry);
    String invalid = notValidNow(loaded.credentials().leaf());
    if (invalid != null) {
      // Served anyway, as nginx does: refusing to start would turn a certificate problem into an
      // outage of plain errors, and edge_tls_certificate_expiry_seconds already alerts on it.
      LOG.warn("TLS certificate in {} is {}", config.certFile(), invalid);
    }
    LOG.info("TLS on the data port with {} ({}), ALPN h2 and http/1.1: {}",
        SslContexts.name(provider), provider == SslProvider.JDK ? "netty-tcnative did not load" : "BoringSSL",
        describe(loaded.credentials().leaf()));
    if (scheduler != null && !config.reloadInterval().isZero()) {
      tls.watch(scheduler, config.reloadInterval());
    }
    return tls;
  }

  /** Why {@code leaf} is not valid at this moment ("expired ...", "not valid before ..."), or null. */
  private static String notValidNow(X509Certificate leaf) {
    try {
      leaf.checkValidity();
      return null;
    } catch (CertificateExpiredException e) {
      return "expired since " + leaf.getNotAfter().toInstant();
    } catch (CertificateNotYetValidException e) {
      return "not valid before " + leaf.getNotBefore().toInstant();
    }
  }

  private static Loaded load(Path certFile, Path keyFile, SslProvider provider) throws TlsFileException {
    PemFiles.Credentials credentials = PemFiles.read(certFile, keyFile);
    try {
      return new Loaded(credentials, SslContexts.build(credentials, provider));
    } catch (SSLException | RuntimeException e) {
      throw new TlsFileException(PemFiles.CERT_KEY, certFile,
          "a certificate and key the " + SslContexts.name(provider) + " TLS engine accepts; " + e.getClass().getSimpleName(), e);
    }
  }

  /** The context for a new connection. */
  @Override
  public SslContext get() {
    return current.context();
  }

  /** The engine in use: {@code openssl} (BoringSSL) or {@code jdk}. */
  public String provider() {
    return SslContexts.name(provider);
  }

  /** The leaf certificate in force. */
  public X509Certificate certificate() {
    return current.credentials().leaf();
  }

  /** Counts a failed handshake; called by the data pipeline. */
  public void handshakeFailed() {
    metrics.handshakeFailed();
  }

  /**
   * Re-reads both files now; on failure keeps the context in force and logs why.
   *
   * @return true when a new context is in force
   */
  public boolean reload() {
    synchronized (reloadLock) {
      seen = digest(certFile, keyFile);
      try {
        Loaded loaded = load(certFile, keyFile, provider);
        String invalid = notValidNow(loaded.credentials().leaf());
        if (invalid != null) {
          // The one in force may still be good: an expired or future certificate on a reload is
          // an operator's mistake (an old file restored, a clock), not a rotation to follow.
          metrics.reloaded(false);
          LOG.warn("TLS certificate refused, {}; new connections keep the certificate in force ({})",
              invalid, describe(current.credentials().leaf()));
          return false;
        }
        current = loaded;
        metrics.reloaded(true);
        LOG.info("TLS certificate reloaded: {}", describe(loaded.credentials().leaf()));
        return true;
      } catch (TlsFileException e) {
        metrics.reloaded(false);
        LOG.warn("TLS files refused, new connections keep the certificate in force ({}): {}",
            describe(current.credentials().leaf()), e.getMessage());
        return false;
      }
    }
  }

  /**
   * Reloads when either file's bytes differ from what the last load read.
   *
   * @return true when a new context is in force
   */
  public boolean reloadIfChanged() {
    synchronized (reloadLock) {
      if (MessageDigest.isEqual(seen, digest(certFile, keyFile))) {
        return false;
      }
      return reload();
    }
  }

  private void watch(ScheduledExecutorService scheduler, Duration interval) {
    synchronized (reloadLock) {
      long millis = Math.max(1, interval.toMillis());
      poll = scheduler.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  private void checkQuietly() {
    try {
      reloadIfChanged();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log and keep watching.
      LOG.warn("TLS file check failed: {}", e.toString());
    }
  }

  /** Stops watching; the context in force stays available. */
  @Override
  public void close() {
    synchronized (reloadLock) {
      if (poll != null) {
        poll.cancel(false);
        poll = null;
      }
    }
  }

  /** SHA-256 of each file's SHA-256 (a missing file counts as empty, so its return is a change). */
  private static byte[] digest(Path certFile, Path keyFile) {
    try {
      MessageDigest both = MessageDigest.getInstance("SHA-256");
      for (Path file : new Path[] {certFile, keyFile}) {
        byte[] bytes;
        try {
          bytes = file == null ? new byte[0] : Files.readAllBytes(file);
        } catch (IOException e) {
          bytes = new byte[0];
        }
        both.update(MessageDigest.getInstance("SHA-256").digest(bytes));
      }
      return both.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Subject, serial and expiry: what an operator checks after a rotation; no key material. */
  static String describe(X509Certificate leaf) {
    return leaf.getSubjectX500Principal().getName() + ", serial " + leaf.getSerialNumber().toString(16)
        + ", valid until " + leaf.getNotAfter().toInstant();
  }
}
