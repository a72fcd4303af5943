package media.edge.config;

import java.time.Duration;

/**
 * Common Media Client Data (CTA-5004): what players report about their viewing, read from every request.
 *
 * @param enabled read CMCD from the {@code CMCD} query parameter and the {@code CMCD-*} headers ({@code cmcd.enabled})
 * @param prefetch on an edge, fetch the next object a player names ({@code nor}) into the cache ({@code cmcd.prefetch})
 * @param prefetchMaxBuffer no prefetch for a player with at least this much buffered ({@code cmcd.prefetch-max-buffer})
 * @param prefetchConcurrency prefetches in flight at once, at most ({@code cmcd.prefetch-concurrency})
 * @param audienceWindow a session counts as active this long after its last request ({@code cmcd.audience-window})
 * @param audienceMaxSessions sessions the audience table holds at most ({@code cmcd.audience-max-sessions})
 */
public record CmcdConfig(
    boolean enabled,
    boolean prefetch,
    Duration prefetchMaxBuffer,
    int prefetchConcurrency,
    Duration audienceWindow,
    int audienceMaxSessions) {}
