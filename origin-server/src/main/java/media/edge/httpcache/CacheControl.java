package media.edge.httpcache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * The {@code Cache-Control} directives of a request or a response (RFC 9111 section 5.2), parsed
 * once from all field lines. Time arguments are in seconds, -1 when absent, capped at 2^31.
 *
 * <p>Garbage is tolerated, leaning to the cautious reading whenever the header is broken:
 *
 * <ul>
 *   <li>An element that is not a directive name ({@code =5}, {@code "x"}) is ignored, as are
 *       unknown extensions.
 *   <li>A known name counts even when its argument is broken: {@code no-store junk} still forbids
 *       storing.
 *   <li>A {@code max-age} or {@code s-maxage} whose argument is not delta-seconds means 0, stale at
 *       once (RFC 9111 section 4.2.1: invalid freshness information means stale). Any other
 *       directive with a broken argument reads as absent: no stale serving is granted by it.
 *   <li>When a directive repeats, the first occurrence counts, even if broken (RFC 9111 section
 *       4.2.1 offers "the first occurrence" as one of the two defensible readings).
 *   <li>Qualified {@code no-cache="field"} and {@code private="field"} are read as their
 *       unqualified forms: stricter than required, and it spares us storing responses with fields
 *       stripped.
 * </ul>
 *
 * <p>When there is no {@code Cache-Control} line, {@code Pragma: no-cache} reads as {@code
 * no-cache} (RFC 9111 section 5.4). The RFC defines that only for requests; in a response it is
 * unspecified, and honouring it there too errs on the side of revalidating.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CacheControl {
  /** Cache-Control with no directives, as parsed from headers that have none. */
  public static final CacheControl NONE = new CacheControl(0, -1, -1, -1, -1, -1, -1);

  private static final int NO_STORE = 1;
  private static final int NO_CACHE = 1 << 1;
  private static final int PRIVATE = 1 << 2;
  private static final int PUBLIC = 1 << 3;
  private static final int MUST_REVALIDATE = 1 << 4;
  private static final int PROXY_REVALIDATE = 1 << 5;
  private static final int IMMUTABLE = 1 << 6;
  private static final int ONLY_IF_CACHED = 1 << 7;
  private static final int NO_TRANSFORM = 1 << 8;

  private final int flags;
  private final long maxAge;
  private final long sMaxAge;
  private final long staleWhileRevalidate;
  private final long staleIfError;
  private final long minFresh;
  private final long maxStale;

  private CacheControl(int flags, long maxAge, long sMaxAge, long staleWhileRevalidate, long staleIfError,
      long minFresh, long maxStale) {
    this.flags = flags;
    this.maxAge = maxAge;
    this.sMaxAge = sMaxAge;
    this.staleWhileRevalidate = staleWhileRevalidate;
    this.staleIfError = staleIfError;
    this.minFresh = minFresh;
    this.maxStale = maxStale;
  }

  /** Parses every {@code Cache-Control} line of {@code headers} (or {@code Pragma}, see above). */
  public static CacheControl parse(HttpHeaders headers) {
    Accumulator accumulator = new Accumulator();
    List<String> lines = headers.getAll(HttpHeaderNames.CACHE_CONTROL);
    if (lines.isEmpty()) {
      for (String line : headers.getAll(HttpHeaderNames.PRAGMA)) {
        DirectiveTokenizer.forEach(line, accumulator::pragma);
      }
    } else {
      for (String line : lines) {
        DirectiveTokenizer.forEach(line, accumulator::directive);
      }
    }
    return accumulator.build();
  }

  public boolean noStore() {
    return has(NO_STORE);
  }

  /** {@code no-cache}, qualified or not, or a {@code Pragma: no-cache} standing in for it. */
  public boolean noCache() {
    return has(NO_CACHE);
  }

  public boolean isPrivate() {
    return has(PRIVATE);
  }

  public boolean isPublic() {
    return has(PUBLIC);
  }

  public boolean mustRevalidate() {
    return has(MUST_REVALIDATE);
  }

  public boolean proxyRevalidate() {
    return has(PROXY_REVALIDATE);
  }

  /** RFC 8246: the representation will not change while fresh, so reloads need not revalidate. */
  public boolean immutable() {
    return has(IMMUTABLE);
  }

  public boolean onlyIfCached() {
    return has(ONLY_IF_CACHED);
  }

  public boolean noTransform() {
    return has(NO_TRANSFORM);
  }

  /** Seconds, -1 when absent, 0 when its argument is malformed. */
  public long maxAge() {
    return maxAge;
  }

  /** Seconds, -1 when absent, 0 when its argument is malformed. */
  public long sMaxAge() {
    return sMaxAge;
  }

  /** Seconds (RFC 5861), -1 when absent or malformed. */
  public long staleWhileRevalidate() {
    return staleWhileRevalidate;
  }

  /** Seconds (RFC 5861), -1 when absent or malformed. */
  public long staleIfError() {
    return staleIfError;
  }

  /** Seconds, -1 when absent or malformed. */
  public long minFresh() {
    return minFresh;
  }

  /** Seconds, -1 when absent or malformed, {@link Long#MAX_VALUE} for {@code max-stale} alone. */
  public long maxStale() {
    return maxStale;
  }

  private boolean has(int flag) {
    return (flags & flag) != 0;
  }

  @Override
  public String toString() {
    return "CacheControl[flags=" + Integer.toBinaryString(flags) + ", max-age=" + maxAge + ", s-maxage=" + sMaxAge
        + ", stale-while-revalidate=" + staleWhileRevalidate + ", stale-if-error=" + staleIfError
        + ", min-fresh=" + minFresh + ", max-stale=" + maxStale + "]";
  }

  /** Collects directives line by line; an unset time is {@link #UNSET} so that the first wins. */
  private static final class Accumulator {
    private static final long UNSET = Long.MIN_VALUE;

    private int flags;
    private long maxAge = UNSET;
    private long sMaxAge = UNSET;
    private long staleWhileRevalidate = UNSET;
    private long staleIfError = UNSET;
    private long minFresh = UNSET;
    private long maxStale = UNSET;

    void pragma(String name, String argument, boolean malformed) {
      if (name.equals("no-cache")) {
        flags |= NO_CACHE;
      }
    }

    void directive(String name, String argument, boolean malformed) {
      switch (name) {
        case "no-store" -> flags |= NO_STORE;
        case "no-cache" -> flags |= NO_CACHE;
        case "private" -> flags |= PRIVATE;
        case "public" -> flags |= PUBLIC;
        case "must-revalidate" -> flags |= MUST_REVALIDATE;
        case "proxy-revalidate" -> flags |= PROXY_REVALIDATE;
        case "immutable" -> flags |= IMMUTABLE;
        case "only-if-cached" -> flags |= ONLY_IF_CACHED;
        case "no-transform" -> flags |= NO_TRANSFORM;
        case "max-age" -> maxAge = first(maxAge, freshness(argument, malformed));
        case "s-maxage" -> sMaxAge = first(sMaxAge, freshness(argument, malformed));
        case "stale-while-revalidate" ->
            staleWhileRevalidate = first(staleWhileRevalidate, seconds(argument, malformed));
        case "stale-if-error" -> staleIfError = first(staleIfError, seconds(argument, malformed));
        case "min-fresh" -> minFresh = first(minFresh, seconds(argument, malformed));
        case "max-stale" -> maxStale = first(maxStale,
            argument == null && !malformed ? Long.MAX_VALUE : seconds(argument, malformed));
        default -> {
          // an extension we do not implement (must-understand included: no-store is always honoured)
        }
      }
    }

    private static long first(long current, long candidate) {
      return current == UNSET ? candidate : current;
    }

    /** A freshness limit: broken means 0, stale at once. */
    private static long freshness(String argument, boolean malformed) {
      long seconds = seconds(argument, malformed);
      return seconds < 0 ? 0 : seconds;
    }

    /** A delta-seconds argument: broken or missing means -1. */
    private static long seconds(String argument, boolean malformed) {
      return malformed || argument == null ? -1 : DeltaSeconds.parse(argument);
    }

    CacheControl build() {
      if (flags == 0 && maxAge == UNSET && sMaxAge == UNSET && staleWhileRevalidate == UNSET
          && staleIfError == UNSET && minFresh == UNSET && maxStale == UNSET) {
        return NONE;
      }
      return new CacheControl(flags, orAbsent(maxAge), orAbsent(sMaxAge), orAbsent(staleWhileRevalidate),
          orAbsent(staleIfError), orAbsent(minFresh), orAbsent(maxStale));
    }

    private static long orAbsent(long value) {
      return value == UNSET ? -1 : value;
    }
  }
}
