package media.edge.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Logging switches. The access log is batched as nginx's {@code access_log ... buffer=64k flush=1s}:
 * lines wait in a buffer per event loop and go out a block at a time.
 *
 * @param access write one JSON access-log line per request ({@code log.access})
 * @param accessFile the file the lines are appended to, or null for standard output ({@code log.access-file})
 * @param accessBuffer bytes of lines an event loop collects before writing them ({@code log.access-buffer})
 * @param accessFlush the longest a line waits in a buffer ({@code log.access-flush})
 */
public record LogConfig(boolean access, Path accessFile, long accessBuffer, Duration accessFlush) {

  /** Returns a copy with the access log on or off, written to {@code file} (null: standard output). */
  public LogConfig withAccess(boolean access, Path file) {
    return new LogConfig(access, file, accessBuffer, accessFlush);
  }

  /** Returns a copy flushing at another interval. */
  public LogConfig withAccessFlush(Duration accessFlush) {
    return new LogConfig(access, accessFile, accessBuffer, accessFlush);
  }
}
