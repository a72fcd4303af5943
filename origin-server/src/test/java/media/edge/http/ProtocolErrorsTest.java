package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.ProtocolError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 15: connection errors counted by reason, logged at most once per interval, never with peer bytes. */
class ProtocolErrorsTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ProtocolErrors.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final EdgeMetrics metrics = EdgeMetrics.create();

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
    logger.setAdditive(false);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
    logger.setAdditive(true);
    metrics.close();
  }

  @Test
  void reason_isFoundThroughNettysWrappers() {
    assertThat(ProtocolErrors.reason(new IOException("Connection reset by peer"))).isEqualTo(ProtocolError.RESET);
    assertThat(ProtocolErrors.reason(new DecoderException(new NotSslRecordException("474554")))).isEqualTo(ProtocolError.TLS);
    assertThat(ProtocolErrors.reason(Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR, "bad"))).isEqualTo(ProtocolError.HTTP2);
    assertThat(ProtocolErrors.reason(new DecoderException(Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "flood"))))
        .isEqualTo(ProtocolError.HTTP2);
    assertThat(ProtocolErrors.reason(new DecoderException("bad PROXY header"))).isEqualTo(ProtocolError.DECODE);
    assertThat(ProtocolErrors.reason(new io.netty.handler.codec.PrematureChannelClosureException("closed while aggregating")))
        .isEqualTo(ProtocolError.RESET);
    assertThat(ProtocolErrors.reason(new IllegalStateException("a bug"))).isEqualTo(ProtocolError.INTERNAL);
  }

  @Test
  void aFlood_isCountedWhole_andLoggedOnceWithoutStackTraceNorPeerBytes() {
    ProtocolErrors errors = new ProtocolErrors(metrics);
    for (int i = 0; i < 316; i++) {
      errors.record(new DecoderException(Http2Exception.streamError(i, Http2Error.PROTOCOL_ERROR, "peer said 474554 secret")));
    }
    assertThat(metrics.scrape("text/plain")).contains("edge_protocol_errors_total{reason=\"http2\"} 316.0");
    assertThat(lines.list).hasSize(1);
    ILoggingEvent line = lines.list.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    assertThat(line.getThrowableProxy()).isNull();
    assertThat(line.getFormattedMessage()).contains("http2 errors: 1 in the last 10 s").contains("PROTOCOL_ERROR")
        .doesNotContain("474554").doesNotContain("secret");
  }

  @Test
  void resets_areCountedButNotLoggedAtWarn() {
    ProtocolErrors errors = new ProtocolErrors(metrics);
    for (int i = 0; i < 50; i++) {
      errors.record(new IOException("Broken pipe"));
    }
    assertThat(metrics.scrape("text/plain")).contains("edge_protocol_errors_total{reason=\"reset\"} 50.0");
    assertThat(lines.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  @Test
  void aBugOfOurs_keepsItsStackTrace_withinTheSameLimit() {
    ProtocolErrors errors = new ProtocolErrors(metrics);
    errors.record(new IllegalStateException("a bug"));
    errors.record(new IllegalStateException("a bug"));
    assertThat(lines.list).hasSize(1);
    assertThat(lines.list.get(0).getThrowableProxy()).isNotNull();
  }
}
