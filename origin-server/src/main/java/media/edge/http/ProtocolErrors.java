package media.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLException;
import media.edge.metrics.EdgeMetrics;
import media.edge.metrics.ProtocolError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a connection (or an HTTP/2 stream) after an error, counted by reason in
 * {@code edge_protocol_errors_total} and logged quietly: what clients and attackers cause is routine, and
 * an attacker can cause it thousands of times a second (one MadeYouReset connection made 316 stack
 * traces in 0.8 s before this). Per reason at most one WARN line per {@value #INTERVAL_SECONDS} s, with
 * the count since the last one and the exception's type only: an exception's message can quote the
 * peer's bytes (a plaintext request on a TLS port, with its token), and no token goes to a log. Resets
 * and broken pipes (a player closing a tab) are logged at debug only. An error that is none of these is a
 * bug of ours: the same limit, but with its stack trace.
 *
 * <p>Thread-safe (atomics); shared by every connection.
 */
final class ProtocolErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrors.class);
  static final long INTERVAL_SECONDS = 10;
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);

  private final EdgeMetrics metrics;
  private final AtomicLongArray sinceLogged = new AtomicLongArray(ProtocolError.values().length);
  private final AtomicLong[] lastLogged = new AtomicLong[ProtocolError.values().length];

  ProtocolErrors(EdgeMetrics metrics) {
    this.metrics = metrics;
    long never = System.nanoTime() - INTERVAL_NANOS;
    for (int i = 0; i < lastLogged.length; i++) {
      lastLogged[i] = new AtomicLong(never);
    }
  }

  /** Counts and maybe logs {@code cause}, then closes the channel (an HTTP/2 stream channel: resets it). */
  void closeAfter(ChannelHandlerContext ctx, Throwable cause) {
    record(cause);
    ctx.close();
  }

  /** Counts {@code cause} by its reason, and logs it within the limit. */
  void record(Throwable cause) {
    ProtocolError reason = reason(cause);
    if (metrics != null) {
      metrics.protocolError(reason);
    }
    int i = reason.ordinal();
    long count = sinceLogged.incrementAndGet(i);
    if (reason == ProtocolError.RESET) {
      LOG.debug("connection reset: {}", cause.getClass().getSimpleName());
      return;
    }
    long now = System.nanoTime();
    long last = lastLogged[i].get();
    if (now - last < INTERVAL_NANOS || !lastLogged[i].compareAndSet(last, now)) {
      return;
    }
    count = sinceLogged.getAndSet(i, 0);
    if (reason == ProtocolError.INTERNAL) {
      LOG.warn("closed a connection after an unexpected error ({} in the last {} s)", count, INTERVAL_SECONDS, cause);
    } else {
      LOG.warn("closed connections after {} errors: {} in the last {} s (latest: {})",
          reason.tag(), count, INTERVAL_SECONDS, describe(cause));
    }
  }

  /**
   * Which reason {@code cause} counts under, by the first telling exception in its chain: Netty wraps
   * what it reports (an HTTP/2 stream's error arrives as an {@code Http2FrameStreamException}, a TLS
   * failure inside a {@code DecoderException}).
   */
  static ProtocolError reason(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return ProtocolError.TLS;
      }
      if (t instanceof Http2Exception || t instanceof Http2FrameStreamException) {
        return ProtocolError.HTTP2;
      }
      if (t instanceof IOException || t instanceof PrematureChannelClosureException) {
        return ProtocolError.RESET; // the peer went away, or a stream closed while its request was arriving
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return cause instanceof DecoderException ? ProtocolError.DECODE : ProtocolError.INTERNAL;
  }

  /** The exception's type, and for HTTP/2 its error code: nothing the peer sent. */
  private static String describe(Throwable cause) {
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof Http2Exception h2) {
        return t.getClass().getSimpleName() + " " + h2.error();
      }
      if (t instanceof Http2FrameStreamException h2) {
        return t.getClass().getSimpleName() + " " + h2.error();
      }
    }
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return root.getClass().getSimpleName();
  }
}
