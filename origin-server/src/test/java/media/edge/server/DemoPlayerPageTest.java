package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import media.edge.testing.Tools;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "a newcomer's first command ends with a video playing in the browser": the demo is started
 * as the first command starts it (its own JVM, on ephemeral loopback ports), the page it prints is
 * opened in headless Chromium ({@code src/test/player/page.mjs}), and playback must advance with the
 * page listing each segment's source. A first viewer's segments come from disk, a second viewer's from
 * memory. Screenshots go to {@code target/player-page-first-viewer.png} and {@code target/player-page.png}.
 */
class DemoPlayerPageTest {
  private static final Pattern WATCH = Pattern.compile("open (http://127\\.0\\.0\\.1:\\d+/) in a browser");
  private static final Pattern SOURCES = Pattern.compile("\"sources\":\\[([^]]*)]");
  private static final Path PLAYER = Path.of("src/test/player").toAbsolutePath();

  /** The demo command in a JVM of its own, as {@code java -jar origin-server.jar demo ...} runs it. */
  private static Process demo() throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Xmx256m", "-XX:MaxDirectMemorySize=768m",
        Main.class.getName(), "demo", "--port", "0", "--admin-port", "0", "--bind", "127.0.0.1"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_"));
    return builder.start();
  }

  /** Reads the demo's output up to the line that says where the page is; returns the page URL. */
  private static String pageUrl(BufferedReader out) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      lines.add(line);
      Matcher watch = WATCH.matcher(line);
      if (watch.find()) {
        return watch.group(1);
      }
    }
    throw new AssertionError("the demo printed no page to open: " + lines);
  }

  /** Opens the page like a viewer; returns page.mjs's one JSON line. */
  private static String open(String url, Path screenshot) throws Exception {
    Process process = new ProcessBuilder("node", "page.mjs", url, screenshot.toString(), "2", "60")
        .directory(PLAYER.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("page.mjs did not finish");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("page.mjs exited with output:%n%s", text).isZero();
    return text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
  }

  private static List<String> sources(String result) {
    Matcher matcher = SOURCES.matcher(result);
    assertThat(matcher.find()).as(result).isTrue();
    return List.of(matcher.group(1).replace("\"", "").split(","));
  }

  @Test
  void demo_printsAPageThatPlaysInChromium_showingWhereEachSegmentCameFrom() throws Exception {
    Tools.require("node", "--version");
    Tools.require("chromium", "--version");
    Tools.require("test", "-d", PLAYER.resolve("node_modules/playwright-core").toString());
    Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
    Process demo = demo();
    // Not closed here: the drain thread below reads it until the demo exits, which ends the stream.
    BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    try {
      String url = pageUrl(out);
      // The access log goes to standard output: keep reading it so that the demo never blocks on it.
      Thread drain = new Thread(() -> out.lines().forEach(line -> {}), "demo-stdout");
      drain.setDaemon(true);
      drain.start();

      String first = open(url, target.resolve("player-page-first-viewer.png"));
      String second = open(url, target.resolve("player-page.png"));

      assertThat(first).contains("\"played\":true", "\"consoleErrors\":[]")
          .containsPattern("\"rendition\":\"(240|360)p").containsPattern("\"hlsVersion\":\"1\\.\\d+");
      assertThat(first).containsPattern("\"metrics\":\"http://127\\.0\\.0\\.1:\\d+/metrics\"");
      assertThat(sources(first)).as("a first viewer's segments").isNotEmpty().isSubsetOf("disk", "memory").contains("disk");
      assertThat(second).contains("\"played\":true", "\"consoleErrors\":[]");
      assertThat(sources(second)).as("a second viewer's segments").isNotEmpty().contains("memory");
      assertThat(target.resolve("player-page.png")).isNotEmptyFile();
    } finally {
      demo.destroy();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
  }
}
