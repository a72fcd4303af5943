package media.edge.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import media.edge.config.ConfigException;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.tls.DevelopmentCertificate;
import media.edge.token.TokenKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line. With no arguments it serves the built-in demo; {@code serve} serves a library.
 * Errors an operator can fix (bad config, busy port) print one line and exit 2, never a stack trace.
 */
@Command(
    name = "origin-server",
    mixinStandardHelpOptions = true,
    version = "origin-server 0.1.0",
    description = "HLS origin and edge cache server. With no command, serves the built-in demo.",
    subcommands = {Main.Serve.class, Main.Demo.class, SignCommand.class, KeygenCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** Exit code for start-up errors (configuration, ports). */
  static final int CONFIG_ERROR = 2;

  public static void main(String[] args) {
    leakDetectionOffUnlessAsked();
    System.exit(run(args, System.getenv()));
  }

  /**
   * Netty's leak detector, on by default at {@code simple}, records a stack trace for one buffer in
   * 128, which cost about 6% of the requests per second of a small answer (bench/RESULTS.md,
   * 2026-11-26 14:00). The server runs without it unless {@code -Dio.netty.leakDetection.level} asks
   * for a level; the tests run it at {@code paranoid} and fail on any report. A JVM flag, not a
   * setting: it is a debugging switch for the process, read here, at the entry point, only.
   */
  static void leakDetectionOffUnlessAsked() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /** Runs the command line; returns the exit code. Blocks while a server runs. */
  static int run(String[] args, Map<String, String> env) {
    Main main = new Main();
    main.env = env;
    CommandLine commandLine = new CommandLine(main);
    ((Serve) commandLine.getSubcommands().get("serve").getCommand()).env = env;
    ((Demo) commandLine.getSubcommands().get("demo").getCommand()).env = env;
    ((SignCommand) commandLine.getSubcommands().get("sign").getCommand()).env = env;
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("origin-server: " + e.getMessage());
          return CONFIG_ERROR;
        });
    return commandLine.execute(args);
  }

  private Map<String, String> env = Map.of();

  @Override
  public Integer call() throws Exception {
    Demo demo = new Demo();
    demo.env = env;
    return demo.call();
  }

  /** Flags shared by {@code serve} and {@code demo}; each maps to a configuration key. */
  static class PortOptions {
    @Option(names = "--port", paramLabel = "N", description = "Data port (server.port); 0 picks a free port.")
    String port;

    @Option(names = "--admin-port", paramLabel = "N", description = "Admin port (server.admin-port); 0 picks a free port.")
    String adminPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (server.bind).")
    String bind;

    void into(Map<String, String> overrides) {
      if (port != null) {
        overrides.put("server.port", port);
      }
      if (adminPort != null) {
        overrides.put("server.admin-port", adminPort);
      }
      if (bind != null) {
        overrides.put("server.bind", bind);
      }
    }
  }

  /** {@code --tls-self-signed}, shared by {@code serve} and {@code demo}. */
  static class TlsOptions {
    @Option(
        names = "--tls-self-signed",
        description = "Serve HTTPS (h2 and http/1.1) with a development certificate made for this run"
            + " (localhost, 127.0.0.1, ::1; 7 days); sets server.tls.cert-file and key-file.")
    boolean selfSigned;

    /** Makes the certificate when asked, points the TLS keys at it; null when not asked. */
    DevelopmentCertificate into(Map<String, String> overrides) throws IOException {
      if (!selfSigned) {
        return null;
      }
      Path dir = Files.createTempDirectory("origin-server-tls-");
      DevelopmentCertificate certificate = DevelopmentCertificate.generate(dir, Clock.systemUTC());
      // Registered first, deleted last: the folder must be empty by then.
      dir.toFile().deleteOnExit();
      certificate.keyFile().toFile().deleteOnExit();
      certificate.certFile().toFile().deleteOnExit();
      overrides.put("server.tls.cert-file", certificate.certFile().toString());
      overrides.put("server.tls.key-file", certificate.keyFile().toString());
      return certificate;
    }
  }

  /** {@code serve}: serves a library folder. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve an HLS library.")
  static final class Serve implements Callable<Integer> {
    Map<String, String> env = Map.of();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (see config/edge.yaml).")
    Path config;

    @Option(names = "--library", paramLabel = "DIR", description = "Library root (library.root).")
    String library;

    @CommandLine.Mixin PortOptions ports = new PortOptions();

    @CommandLine.Mixin TlsOptions tls = new TlsOptions();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Map<String, String> overrides = new LinkedHashMap<>();
      if (library != null) {
        overrides.put("library.root", library);
      }
      ports.into(overrides);
      DevelopmentCertificate certificate = tls.into(overrides);
      EdgeConfig edge;
      try {
        edge = ConfigLoader.load(config, env, overrides);
      } catch (ConfigException e) {
        return fail(spec.commandLine().getErr(), e.getMessage());
      }
      return runUntilStopped(edge, spec.commandLine().getOut(), spec.commandLine().getErr(), null, certificate);
    }
  }

  /** {@code demo}: serves the built-in demo title (the default command). */
  @Command(name = "demo", mixinStandardHelpOptions = true, description = "Serve the built-in demo HLS title.")
  static final class Demo implements Callable<Integer> {
    Map<String, String> env = Map.of();

    @CommandLine.Mixin PortOptions ports = new PortOptions();

    @CommandLine.Mixin TlsOptions tls = new TlsOptions();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = new PrintWriter(System.out, true);
      PrintWriter err = new PrintWriter(System.err, true);
      Path root = DemoLibrary.extract();
      Map<String, String> overrides = new LinkedHashMap<>();
      overrides.put("library.root", root.toString());
      // A key of its own for every run: there is no built-in secret to leak.
      overrides.put("tokens.required", "true");
      overrides.put("tokens.keys", "demo:" + TokenKeyGenerator.hmacHex(new SecureRandom()));
      // A newcomer's first command ends with video in a browser: the page plays the demo's signed URL.
      overrides.put("http.player-page", "true");
      ports.into(overrides);
      DevelopmentCertificate certificate = tls.into(overrides);
      EdgeConfig edge;
      try {
        edge = ConfigLoader.load(null, env, overrides);
      } catch (ConfigException e) {
        return fail(err, e.getMessage());
      }
      return runUntilStopped(edge, out, err, DemoLibrary.MASTER, certificate);
    }
  }

  static int fail(PrintWriter err, String message) {
    err.println("origin-server: " + message);
    err.flush();
    return CONFIG_ERROR;
  }

  /**
   * Starts the server, prints where it listens, and blocks until SIGTERM or SIGINT, which drain it
   * within {@code server.drain-timeout}; returns 0 after a drain.
   *
   * @param certificate the development certificate made for this run, to say how to trust it; or null
   */
  static int runUntilStopped(
      EdgeConfig config, PrintWriter out, PrintWriter err, String demoPath, DevelopmentCertificate certificate) {
    EdgeServer server;
    try {
      server = EdgeServer.start(config, Clock.systemUTC(), Ticker.systemTicker(), demoPath == null ? null : "/" + demoPath);
    } catch (StartupException e) {
      return fail(err, e.getMessage());
    } catch (RuntimeException e) {
      return fail(err, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    String host = "0.0.0.0".equals(config.server().bind()) ? "127.0.0.1" : config.server().bind();
    String scheme = server.tls() == null ? "http" : "https";
    String base = scheme + "://" + host + ":" + server.port() + "/";
    out.println("origin-server listening on " + base + " (admin http://" + host + ":"
        + server.adminPort() + "/metrics)");
    if (certificate != null) {
      out.println("TLS:            a self-signed certificate made for this run (localhost, 127.0.0.1, ::1), valid until "
          + certificate.notAfter());
      out.println("                " + certificate.certFile() + "  SHA-256 " + certificate.sha256());
      out.println("                trust it for this run only, e.g. curl --http2 --cacert " + certificate.certFile() + " " + base);
    }
    if (config.http().playerPage()) {
      out.println("Watch it:       open " + base + " in a browser (hls.js player page; metrics linked)");
    }
    if (demoPath != null) {
      String url = base + server.playUrl().substring(1);
      out.println("Play the demo:  ffplay '" + url + "'");
      out.println("            or  open it in VLC, Safari, or any hls.js player (signed for 24 h with a key made for this run)");
      config.tokens().keys().stream().filter(k -> k.isHmac()).findFirst().ifPresent(key ->
          out.println("Sign more:      EDGE_TOKENS_KEYS=" + key.id() + ":" + key.secret()
              + " java -jar origin-server.jar sign --acl '/demo/*' --url " + url.substring(0, url.indexOf('?'))));
    }
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Duration deadline = config.server().drainTimeout();
    Signals.onTermination(
        () -> {
          LOG.info("termination signal: draining for up to {}", deadline);
          server.drain(deadline);
          stopped.countDown();
        });
    Signals.onHangup(server::reloadKeys);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }
}
