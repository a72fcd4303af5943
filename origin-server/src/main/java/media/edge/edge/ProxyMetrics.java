package media.edge.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import media.edge.metrics.CacheResult;

/**
 * The edge cache's meters, registered once: {@code edge_cache_lookups_total{tier,result}},
 * {@code edge_upstream_coalesced_total}, {@code edge_cache_stale_served_total{reason}} and
 * {@code edge_cache_purges_total{kind}}. Tags come from fixed lists, never from requests.
 *
 * <p>Thread-safe: the maps are filled in the constructor and only read afterwards.
 */
public final class ProxyMetrics {
  private static final List<String> RESULTS = List.of("hit", "miss", "stale", "expired", "revalidated");
  private static final List<CacheResult> TIERS = List.of(CacheResult.MEMORY, CacheResult.DISK, CacheResult.UPSTREAM);

  private final Map<CacheResult, Map<String, Counter>> lookups = new EnumMap<>(CacheResult.class);
  private final Counter coalesced;
  private final Map<String, Counter> stale = new HashMap<>();
  private final Map<String, Counter> purges = new HashMap<>();

  public ProxyMetrics(MeterRegistry registry) {
    for (CacheResult tier : TIERS) {
      Map<String, Counter> byResult = new HashMap<>();
      for (String result : RESULTS) {
        byResult.put(
            result,
            Counter.builder("edge_cache_lookups")
                .description("Edge cache lookups by tier and result")
                .tag("tier", tier.tag())
                .tag("result", result)
                .register(registry));
      }
      lookups.put(tier, byResult);
    }
    coalesced =
        Counter.builder("edge_upstream_coalesced")
            .description("Requests that joined an upstream fetch already in flight instead of starting one")
            .register(registry);
    for (String reason : List.of("revalidating", "error")) {
      stale.put(
          reason,
          Counter.builder("edge_cache_stale_served")
              .description("Stale responses served, while revalidating or instead of an upstream error")
              .tag("reason", reason)
              .register(registry));
    }
    for (String kind : List.of("exact", "prefix")) {
      purges.put(
          kind,
          Counter.builder("edge_cache_purges").description("PURGE requests served").tag("kind", kind).register(registry));
    }
  }

  void lookup(CacheResult tier, String result) {
    lookups.get(tier).get(result).increment();
  }

  void coalesced() {
    coalesced.increment();
  }

  void staleServed(String reason) {
    stale.get(reason).increment();
  }

  /** Counts a purge by exact path or by prefix. */
  public void purged(boolean prefix) {
    purges.get(prefix ? "prefix" : "exact").increment();
  }
}
