package media.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * The server's entry point turns Netty's leak detector off unless the JVM was told a level, so the
 * tests' {@code paranoid} (set by Surefire) is never overridden.
 */
class LeakDetectionDefaultTest {
  private static final String PROPERTY = "io.netty.leakDetection.level";

  @Test
  void entryPoint_levelAskedFor_keepsIt() {
    ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
    assertThat(System.getProperty(PROPERTY)).as("Surefire's argLine sets it").isNotNull();

    Main.leakDetectionOffUnlessAsked();

    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(before).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void entryPoint_noLevelAskedFor_turnsItOff() {
    String asked = System.clearProperty(PROPERTY);
    ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
    try {
      Main.leakDetectionOffUnlessAsked();

      assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    } finally {
      System.setProperty(PROPERTY, asked);
      ResourceLeakDetector.setLevel(before);
    }
  }
}
