package media.edge.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Files of the repository outside the module (Maven runs tests in {@code origin-server/}, hence the
 * {@code ../}), and a small runner for the scripts and tools the operations tests drive.
 */
final class Repo {
  static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

  private Repo() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** What a finished command printed, and how it exited. */
  record Run(int exit, String stdout, String stderr) {
    String out() {
      return stdout + stderr;
    }
  }

  /** Runs {@code command} with extra environment entries; fails after {@code seconds}. */
  static Run run(List<String> command, Map<String, String> env, long seconds) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().putAll(env);
    Path out = java.nio.file.Files.createTempFile("ops-out-", ".txt");
    Path err = java.nio.file.Files.createTempFile("ops-err-", ".txt");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s");
      }
      return new Run(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
          java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
    }
  }
}
