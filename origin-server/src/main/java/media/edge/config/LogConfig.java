package media.edge.config;

/**
 * Logging switches.
 *
 * @param access write one JSON access-log line per request on logger {@code media.edge.access} ({@code log.access})
 */
public record LogConfig(boolean access) {}
