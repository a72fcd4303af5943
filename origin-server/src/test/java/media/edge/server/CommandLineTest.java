package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import media.edge.testing.Https;
import media.edge.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as an operator uses it: a real JVM per case, started like
 * {@code java -jar origin-server.jar ...}, its output read and its exit code checked.
 */
class CommandLineTest {
  private static final Pattern LISTENING = Pattern.compile("listening on https?://[^:]+:(\\d+)/ \\(admin http://[^:]+:(\\d+)/metrics\\)");

  @TempDir Path dir;

  /** A started server process with its stdout being read. */
  private static final class Running implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final List<String> lines = new ArrayList<>();

    Running(Process process) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads stdout until the "listening" line and returns its data and admin ports. */
    int[] ports() throws IOException {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          return new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))};
        }
      }
      throw new AssertionError("server exited without listening: " + lines + " " + stderr());
    }

    String stderr() throws IOException {
      return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static ProcessBuilder java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx256m");
    // Room for the default 512 MiB memory tier, as README's production line gives it (else a start-up warning).
    command.add("-XX:MaxDirectMemorySize=768m");
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_"));
    if (args.length > 0 && args[0].equals("serve")) {
      builder.environment().put("EDGE_TOKENS_REQUIRED", "false");
    }
    return builder;
  }

  private static Running start(ProcessBuilder builder) throws IOException {
    return new Running(builder.start());
  }

  /** Runs to completion and returns {exit code, stdout, stderr}. */
  private static Object[] run(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Object[] {process.exitValue(), out, err};
  }

  @Test
  void serve_portZero_printsBoundPortsAndServes_thenSigtermDrainsAndExitsZero() throws Exception {
    Files.writeString(dir.resolve("a.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb.m3u8\n");
    try (Running server =
        start(java("serve", "--library", dir.toString(), "--port", "0", "--admin-port", "0", "--bind", "127.0.0.1"))) {
      int[] ports = server.ports();

      assertThat(RawHttp.get(ports[0], "/a.m3u8").status()).isEqualTo(200);
      assertThat(RawHttp.get(ports[1], "/readyz").status()).isEqualTo(200);

      server.process.destroy(); // SIGTERM
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.exitValue()).isZero();
    }
  }

  @Test
  void serve_tlsSelfSigned_printsTheCertificate_servesHttp2WithIt_andRemovesItAtExit() throws Exception {
    Files.writeString(dir.resolve("a.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nb.m3u8\n");
    try (Running server = start(java("serve", "--library", dir.toString(), "--port", "0", "--admin-port", "0",
        "--bind", "127.0.0.1", "--tls-self-signed"))) {
      int[] ports = server.ports();
      String validity = server.out.readLine();
      String[] where = server.out.readLine().strip().split("\\s+");
      Path cert = Path.of(where[0]);
      SSLContext trust = Https.trusting(cert);

      HttpResponse<byte[]> response = Https.get(Https.client(trust, HttpClient.Version.HTTP_2), ports[0], "/a.m3u8");
      X509Certificate served = Https.handshake(ports[0], trust, "h2").certificate();

      assertThat(server.lines.get(server.lines.size() - 1)).contains("listening on https://127.0.0.1:" + ports[0] + "/");
      assertThat(validity).contains("self-signed").contains("valid until");
      assertThat(where[1]).isEqualTo("SHA-256");
      assertThat(where[2]).isEqualTo(HexFormat.ofDelimiter(":").formatHex(
          MessageDigest.getInstance("SHA-256").digest(served.getEncoded())).toUpperCase(Locale.ROOT));
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      server.process.destroy();
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.exitValue()).isZero();
      assertThat(cert).doesNotExist();
    }
  }

  @Test
  void serve_unusableCertificate_exitsTwoWithOneLineNamingTheKey() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "not a key\n");
    ProcessBuilder builder = java("serve", "--library", dir.toString(), "--port", "0", "--admin-port", "0");
    builder.environment().put("EDGE_SERVER_TLS_CERT_FILE", cert.toString());
    builder.environment().put("EDGE_SERVER_TLS_KEY_FILE", key.toString());

    Object[] result = run(builder);

    assertThat((int) result[0]).isEqualTo(2);
    String err = ((String) result[2]).strip();
    assertThat(err).hasLineCount(1)
        .startsWith("origin-server: server.tls.cert-file: " + cert + " (expected: a PEM certificate chain")
        .doesNotContain("\tat ");
  }

  @Test
  void serve_certificateWithoutKey_exitsTwoNamingTheKeyFile() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x\n");
    ProcessBuilder builder = java("serve", "--library", dir.toString(), "--port", "0", "--admin-port", "0");
    builder.environment().put("EDGE_SERVER_TLS_CERT_FILE", cert.toString());

    Object[] result = run(builder);

    assertThat((int) result[0]).isEqualTo(2);
    assertThat(((String) result[2]).strip())
        .isEqualTo("origin-server: server.tls.key-file: \"\" (expected: a PEM private key, since server.tls.cert-file is set)");
  }

  @Test
  void demo_requiresTokensAndPrintsASignedPlayUrl() throws Exception {
    try (Running server = start(java("demo", "--port", "0", "--admin-port", "0", "--bind", "127.0.0.1"))) {
      int[] ports = server.ports();
      String watch = server.out.readLine();
      String play = server.out.readLine();

      assertThat(watch).contains("open http://127.0.0.1:" + ports[0] + "/ in a browser");
      assertThat(RawHttp.get(ports[0], "/").text()).contains(play.substring(play.indexOf("/demo/master.m3u8?"), play.lastIndexOf('\'')));

      assertThat(play).contains("http://127.0.0.1:" + ports[0] + "/demo/master.m3u8?hdnts=");
      String signed = play.substring(play.indexOf("/demo/master.m3u8?"), play.lastIndexOf('\''));
      assertThat(RawHttp.get(ports[0], signed).text()).startsWith("#EXTM3U").contains("?hdnts=");
      assertThat(RawHttp.get(ports[0], "/demo/master.m3u8").status()).isEqualTo(403);
      server.process.destroy();
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.process.exitValue()).isZero();
    }
  }

  @Test
  void environmentVariable_overridesThePort() throws Exception {
    ProcessBuilder builder = java("serve", "--library", dir.toString(), "--bind", "127.0.0.1", "--admin-port", "0");
    builder.environment().put("EDGE_SERVER_PORT", "0");
    try (Running server = start(builder)) {
      assertThat(server.ports()[0]).isNotEqualTo(8080).isPositive();
    }
  }

  @Test
  void missingLibrary_exitsNonZeroWithOneLineNamingTheKey() throws Exception {
    Object[] result = run(java("serve", "--library", dir.resolve("nope").toString(), "--port", "0"));

    assertThat((int) result[0]).isEqualTo(2);
    String err = ((String) result[2]).strip();
    assertThat(err.lines()).hasSize(1);
    assertThat(err).contains("library.root").contains("nope").contains("expected");
    assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void badConfigFile_unknownKeyOrWrongType_exitNonZeroNamingTheKey() throws Exception {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "server:\n  prot: 8080\n");
    Path wrongType = dir.resolve("wrong.yaml");
    Files.writeString(wrongType, "server:\n  port: eighty\nlibrary:\n  root: " + dir + "\n");

    Object[] first = run(java("serve", "--config", unknown.toString(), "--library", dir.toString()));
    Object[] second = run(java("serve", "--config", wrongType.toString()));

    assertThat((int) first[0]).isEqualTo(2);
    assertThat(((String) first[2]).strip()).contains("server.prot").doesNotContain("\tat ").hasLineCount(1);
    assertThat((int) second[0]).isEqualTo(2);
    assertThat(((String) second[2]).strip()).contains("server.port").contains("eighty").hasLineCount(1);
  }

  @Test
  void portInUse_exitsNonZeroNamingTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Object[] result =
          run(java("serve", "--library", dir.toString(), "--bind", "127.0.0.1", "--port",
              Integer.toString(taken.getLocalPort()), "--admin-port", "0"));

      assertThat((int) result[0]).isEqualTo(2);
      String err = ((String) result[2]).strip();
      assertThat(err).startsWith("origin-server: server.port: " + taken.getLocalPort() + " (expected:")
          .doesNotContain("library.root")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void badFlagValue_exitsNonZero() throws Exception {
    Object[] result = run(java("serve", "--library", dir.toString(), "--port", "70000"));

    assertThat((int) result[0]).isEqualTo(2);
    assertThat((String) result[2]).contains("server.port").contains("70000");
  }

  @Test
  void keygenThenSign_printsATokenTheServerAccepts() throws Exception {
    Object[] key = run(java("keygen", "--type", "hmac"));
    assertThat((int) key[0]).isZero();
    String hex = ((String) key[1]).strip();
    assertThat(hex).matches("[0-9a-f]{64}");

    ProcessBuilder sign = java("sign", "--acl", "/a.m3u8", "--ttl", "1h", "--url", "http://edge.example/a.m3u8");
    sign.environment().put("EDGE_TOKENS_KEYS", "k1:" + hex);
    Object[] signed = run(sign);
    assertThat((int) signed[0]).as((String) signed[2]).isZero();
    String[] lines = ((String) signed[1]).strip().split("\n");
    assertThat(lines[0]).matches("exp=\\d+~acl=/a\\.m3u8~hmac=[0-9a-f]{64}");
    assertThat(lines[1]).isEqualTo("http://edge.example/a.m3u8?hdnts=" + lines[0]);

    Files.writeString(dir.resolve("a.m3u8"), "#EXTM3U\n");
    ProcessBuilder serve = java("serve", "--library", dir.toString(), "--port", "0", "--admin-port", "0", "--bind", "127.0.0.1");
    serve.environment().put("EDGE_TOKENS_REQUIRED", "true");
    serve.environment().put("EDGE_TOKENS_KEYS", "k1:" + hex);
    try (Running server = start(serve)) {
      int port = server.ports()[0];
      assertThat(RawHttp.get(port, "/a.m3u8?hdnts=" + lines[0]).status()).isEqualTo(200);
      assertThat(RawHttp.get(port, "/a.m3u8").status()).isEqualTo(403);
    }
  }

  @Test
  void keygenEd25519_writesAPemPair() throws Exception {
    Object[] result = run(java("keygen", "--type", "ed25519", "--id", "e1", "--out", dir.toString()));

    assertThat((int) result[0]).as((String) result[2]).isZero();
    assertThat(Files.readString(dir.resolve("e1.pub.pem"))).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("e1") && !n.endsWith(".pub.pem"));
  }

  @Test
  void sign_withoutKeys_failsWithOneLine() throws Exception {
    Object[] result = run(java("sign", "--acl", "/x/*"));

    assertThat((int) result[0]).isEqualTo(2);
    assertThat(((String) result[2]).strip()).contains("tokens.keys").hasLineCount(1);
  }
}
