package media.edge.http;

import media.edge.cmcd.CmcdReader;
import media.edge.httpdate.HttpDates;
import media.edge.metrics.EdgeMetrics;

/**
 * What every exchange on the data port shares, built once at start-up: the answer policy (CORS, token
 * propagation, compression, the error shape), the services an answer ends with (metrics, access log,
 * connection tracking), the CMCD reader, the built-in pages, and the responder chosen for the server's mode.
 *
 * <p>Immutable and thread-safe.
 */
final class Front {
  final HttpDates dates;
  final CorsPolicy cors;
  final TokenGate tokens;
  final TrustedProxies proxies;
  final EdgeMetrics metrics;
  final AccessLog accessLog;
  final ConnectionTracker connections;
  final ErrorAnswers errors;
  final boolean gzipPlaylists;
  final boolean setCookie;
  final Responder responder;
  final CmcdReader cmcd;
  /** Built-in pages, answered without a token; {@link Pages#NONE} unless {@code http.player-page}. */
  final Pages pages;
  /** {@code server.send-timeout}: how long a paused answer waits for its client. */
  final long sendTimeoutNanos;
  /** Counts and quietly logs what ends connections in error. */
  final ProtocolErrors protocolErrors;

  Front(
      HttpDates dates,
      CorsPolicy cors,
      TokenGate tokens,
      TrustedProxies proxies,
      EdgeMetrics metrics,
      AccessLog accessLog,
      ConnectionTracker connections,
      ErrorAnswers errors,
      boolean gzipPlaylists,
      boolean setCookie,
      Responder responder,
      CmcdReader cmcd,
      Pages pages,
      long sendTimeoutNanos) {
    this.dates = dates;
    this.cors = cors;
    this.tokens = tokens;
    this.proxies = proxies;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.connections = connections;
    this.errors = errors;
    this.gzipPlaylists = gzipPlaylists;
    this.setCookie = setCookie;
    this.responder = responder;
    this.cmcd = cmcd;
    this.pages = pages;
    this.sendTimeoutNanos = sendTimeoutNanos;
    this.protocolErrors = new ProtocolErrors(metrics);
  }
}
