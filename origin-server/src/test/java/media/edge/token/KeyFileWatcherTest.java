package media.edge.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Reloading a key file: a good change swaps the ring atomically, a bad one keeps the old keys and
 * says why (without key material), and change detection is driven by calling it, never by sleeping.
 */
class KeyFileWatcherTest {

  private static final long NOW = 1_767_225_600L;

  @TempDir Path folder;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(KeyFileWatcher.class);
  private Path file;

  private Level levelBefore;

  @BeforeEach
  void setUp() throws IOException {
    logs.start();
    logger.addAppender(logs);
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    file = folder.resolve("keys.yaml");
    writeKeys(file, "k1", TestKeys.HMAC_1);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    logger.setLevel(levelBefore);
  }

  private static void writeKeys(Path file, String id, String hex) throws IOException {
    Files.writeString(file, "keys:\n  - id: " + id + "\n    hmac: \"" + hex + "\"\n");
  }

  private String allLogs() {
    StringBuilder text = new StringBuilder();
    logs.list.forEach(event -> text.append(event.getFormattedMessage()).append('\n'));
    return text.toString();
  }

  @Test
  void open_missingFile_fails() {
    assertThatThrownBy(() -> KeyFileWatcher.open(folder.resolve("none.yaml"))).isInstanceOf(KeyFileException.class);
  }

  @Test
  void reload_goodFile_installsNewRing() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    KeyRing first = watcher.get();
    writeKeys(file, "k2", TestKeys.HMAC_2);

    assertThat(watcher.reload()).isTrue();

    assertThat(watcher.get()).isNotSameAs(first);
    assertThat(watcher.get().hmacKeyIds()).containsExactly("k2");
    assertThat(allLogs()).contains("reloaded").contains("k2").doesNotContain(TestKeys.HMAC_2);
  }

  @Test
  void reload_badFile_keepsOldKeysAndLogsWhyWithoutSecrets() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    KeyRing good = watcher.get();
    String badSecret = TestKeys.HMAC_2.substring(1); // odd length
    writeKeys(file, "k2", badSecret);

    assertThat(watcher.reload()).isFalse();

    assertThat(watcher.get()).isSameAs(good);
    assertThat(allLogs()).contains("refused", "keeping", "keys[0]", "not hex").doesNotContain(badSecret.substring(0, 16));
  }

  @Test
  void reload_badFile_oldTokensStillVerify() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    TokenVerifier verifier = TokenVerifier.builder(watcher).clock(TestClock.at(Instant.ofEpochSecond(NOW))).build();
    String token = watcher.get().signer().build().sign(TokenClaims.acl("/*").expires(NOW + 60).build());
    Files.writeString(file, "keys: [\n");

    watcher.reload();

    assertThat(verifier.verify(token, "/a.ts", null).accepted()).isTrue();
  }

  @Test
  void reloadIfChanged_unchangedFile_keepsTheSameRing() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    KeyRing first = watcher.get();

    assertThat(watcher.reloadIfChanged()).isFalse();
    assertThat(watcher.get()).isSameAs(first);
  }

  @Test
  void reloadIfChanged_changedFile_reloads() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    writeKeys(file, "k1", TestKeys.HMAC_2); // same length, same id: only the content differs

    assertThat(watcher.reloadIfChanged()).isTrue();
    assertThat(watcher.reloadIfChanged()).isFalse();
  }

  @Test
  void reloadIfChanged_badFile_logsOnceNotAtEveryCheck() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    Files.writeString(file, "keys: [\n");

    watcher.reloadIfChanged();
    watcher.reloadIfChanged();
    watcher.reloadIfChanged();

    assertThat(logs.list).filteredOn(event -> event.getFormattedMessage().contains("refused")).hasSize(1);
  }

  @Test
  void reloadIfChanged_pemFileChanged_reloads() throws Exception {
    Path pem = folder.resolve("e1.pub.pem");
    Files.writeString(pem, TestKeys.resource("openssl-ed25519.pub.pem"));
    Files.writeString(file, "keys:\n  - id: e1\n    ed25519-public: e1.pub.pem\n");
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    KeyRing first = watcher.get();

    TokenKeyGenerator.Ed25519KeyPair next = TokenKeyGenerator.ed25519(new SecureRandom());
    Files.writeString(pem, next.publicKeyPem());

    assertThat(watcher.reloadIfChanged()).isTrue();
    assertThat(watcher.get()).isNotSameAs(first);
  }

  @Test
  void reloadIfChanged_missingPemCreatedLater_retriesAndSucceeds() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    Files.writeString(file, "keys:\n  - id: e1\n    ed25519-public: later.pem\n");
    assertThat(watcher.reloadIfChanged()).isFalse(); // refused: later.pem does not exist yet
    assertThat(watcher.get().hmacKeyIds()).containsExactly("k1");

    Files.writeString(folder.resolve("later.pem"), TestKeys.resource("openssl-ed25519.pub.pem"));

    assertThat(watcher.reloadIfChanged()).isTrue();
    assertThat(watcher.get().ed25519KeyIds()).containsExactly("e1");
  }

  @Test
  void reloadIfChanged_fileReplacedThroughSymlink_reloads() throws Exception {
    Path v1 = folder.resolve("v1.yaml");
    Path v2 = folder.resolve("v2.yaml");
    writeKeys(v1, "k1", TestKeys.HMAC_1);
    writeKeys(v2, "k2", TestKeys.HMAC_2);
    Path link = folder.resolve("current.yaml");
    Files.createSymbolicLink(link, v1);
    KeyFileWatcher watcher = KeyFileWatcher.open(link);

    Path tmp = folder.resolve("current.tmp");
    Files.createSymbolicLink(tmp, v2);
    Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertThat(watcher.reloadIfChanged()).isTrue();
    assertThat(watcher.get().hmacKeyIds()).containsExactly("k2");
  }

  @Test
  void watch_schedulesOneCheckAndCloseCancelsIt() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true);
    try (KeyFileWatcher watcher = KeyFileWatcher.open(file)) {
      watcher.watch(scheduler, Duration.ofHours(1));
      assertThat(scheduler.getQueue()).hasSize(1);
      assertThatThrownBy(() -> watcher.watch(scheduler, Duration.ofHours(1))).isInstanceOf(IllegalStateException.class);

      writeKeys(file, "k2", TestKeys.HMAC_2);
      // Run the scheduled check now instead of in an hour: take it off the queue (it re-queues itself).
      Runnable check = scheduler.getQueue().peek();
      scheduler.getQueue().remove(check);
      check.run();

      assertThat(watcher.get().hmacKeyIds()).containsExactly("k2");
    } finally {
      assertThat(scheduler.getQueue()).isEmpty();
      scheduler.shutdownNow();
    }
  }

  @Test
  void watch_nonPositiveInterval_fails() throws Exception {
    KeyFileWatcher watcher = KeyFileWatcher.open(file);
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try {
      assertThatThrownBy(() -> watcher.watch(scheduler, Duration.ZERO)).hasMessageContaining("interval");
    } finally {
      scheduler.shutdownNow();
    }
  }
}
