package media.edge.testing;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests drive (ffmpeg, promtool, node with Chromium). On a developer machine
 * without them the test is skipped; under CI ({@code CI=true}, where {@code .ci/run} installs
 * them) a missing tool fails the test, so a broken install step cannot turn into a green run.
 */
public final class Tools {
  private Tools() {}

  /** Skips (or under CI fails) the calling test unless {@code command --version}-style probe works. */
  public static void require(String... probe) {
    boolean ok = runs(probe);
    if (!ok && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(String.join(" ", probe) + " does not run, but CI must have it (see .ci/run)");
    }
    Assumptions.assumeTrue(ok, () -> String.join(" ", probe) + " is not installed");
  }

  /** True when the command exits 0 within 20 seconds. */
  public static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
