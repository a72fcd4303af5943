package media.edge.upstream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps one logger's lines for assertions instead of printing them, so that expected warnings (a parent
 * going down) are checked rather than cluttering the build output. Records from INFO up; restores the
 * logger on close.
 */
final class CapturedLog implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  private CapturedLog(Logger logger) {
    this.logger = logger;
    this.level = logger.getLevel();
    lines.start();
    logger.addAppender(lines);
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
  }

  static CapturedLog of(Class<?> type) {
    return new CapturedLog((Logger) LoggerFactory.getLogger(type));
  }

  /** The formatted messages so far. */
  List<String> messages() {
    synchronized (lines.list) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
    logger.setAdditive(true);
    logger.setLevel(level);
  }
}
