package media.edge.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;

/**
 * Start-up checks that what the operator configured fits the process it runs in, so that the server
 * fails at once with a line naming the key instead of running out of memory or descriptors under load.
 *
 * <ul>
 *   <li>Direct memory: Netty's pooled direct buffers hold the memory tier and everything in flight
 *       (fills, relayed bodies, TLS records, HTTP/2 frames, socket reads). A tier above three quarters of
 *       the direct-memory limit leaves too little headroom, and one as large as the limit can never be
 *       filled: both are warned about, naming the key (the container entry point gives the tier exactly
 *       three quarters). Not refused: the built-in default (512 MiB) is larger than a small machine's
 *       default limit, and the demo must start there; it only ever fills a few megabytes.
 *   <li>Descriptors: {@code server.max-connections} 0 means three quarters of the process's descriptor
 *       limit; the last quarter is for library and disk-tier files, upstream connections and the JVM.
 * </ul>
 *
 * <p>Stateless.
 */
final class Headroom {
  /** The share of direct memory the memory tier may take without a warning. */
  static final double TIER_SHARE = 0.75;

  private Headroom() {}

  /** Checks the memory tier against the direct-memory limit; a warning to log, or empty. */
  static Optional<String> directMemory(long tierBytes, long maxDirectBytes) {
    if (maxDirectBytes <= 0) {
      return Optional.empty(); // no limit known
    }
    if (tierBytes >= maxDirectBytes) {
      return Optional.of(
          "cache.memory-bytes " + tierBytes + " is not below the JVM's direct memory limit of " + maxDirectBytes
              + " bytes, which also holds every body in flight: the tier can never fill, and once memory is short"
              + " fills fail; raise -XX:MaxDirectMemorySize or lower cache.memory-bytes");
    }
    if (tierBytes > (long) (maxDirectBytes * TIER_SHARE)) {
      return Optional.of(
          "cache.memory-bytes " + tierBytes + " leaves less than a quarter of the " + maxDirectBytes
              + " bytes of direct memory for bodies in flight; under load the server may run out of direct memory");
    }
    return Optional.empty();
  }

  /** {@code server.max-connections} in force: the configured value, or for 0 three quarters of {@code descriptors}. */
  static int maxConnections(int configured, long descriptors) {
    if (configured > 0) {
      return configured;
    }
    if (descriptors <= 0) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, descriptors * 3 / 4));
  }

  /** The process's descriptor limit, or -1 where the JVM does not tell it. */
  static long descriptorLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }
}
