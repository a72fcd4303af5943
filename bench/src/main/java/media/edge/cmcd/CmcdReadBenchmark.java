package media.edge.cmcd;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import media.edge.AbstractBenchmark;
import media.edge.config.CmcdConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * What reading a request's CMCD costs the event loop ({@link CmcdReader#read}): decoding, parsing, type
 * checks, the meters (on the Prometheus registry the server uses) and the audience table, for the forms
 * players send; and each of those parts alone.
 *
 * <ul>
 *   <li>{@link #none}: a request without CMCD, what every other request pays (five null checks).
 *   <li>{@link #hlsJsQuery}: the {@code CMCD} query parameter exactly as hls.js 1.7 writes it for a
 *       segment (14 keys, nor double-encoded, URLSearchParams form encoding), 10,000 sessions in turn.
 *   <li>{@link #headers}: the same keys in the four {@code CMCD-*} headers (dash.js, Shaka and hls.js
 *       with {@code useHeaders}).
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CmcdReadBenchmark -prof gc} (see
 * {@link AbstractBenchmark} for building the jar and the shared settings).
 */
public class CmcdReadBenchmark extends AbstractBenchmark {
  private static final int SESSIONS = 10_000;

  private final String[] queries = new String[SESSIONS];
  private final String[] sessionHeaders = new String[SESSIONS];
  private int next;
  private String decoded;
  private final Cmcd[] parsed = new Cmcd[SESSIONS];
  private Audience audience;
  private CmcdMetrics metrics;
  private CmcdReader reader;

  @Setup
  public void setUp() {
    reader = CmcdReader.create(
        new CmcdConfig(true, true, Duration.ofSeconds(30), 64, Duration.ofSeconds(30), 100_000),
        "hdnts", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Ticker.systemTicker());
    audience = new Audience(Duration.ofSeconds(30), 100_000, Ticker.systemTicker());
    metrics = new CmcdMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), audience);
    String nor = URLEncoder.encode("../720p/seg_00412.m4s?hdnts=exp=1796244252~acl=/live/ch1/*~hmac="
        + "96976d179299a07cc0628ebdc725e64844f600cf9871bf260dd6c7d57a83deef", StandardCharsets.UTF_8);
    for (int i = 0; i < SESSIONS; i++) {
      String sid = "6e2fb550-c457-11e9-bb97-" + String.format("%012d", i);
      String dictionary = "bl=21300,br=3200,cid=\"een-journaal-19h\",d=4004,dl=18500,mtp=25400,nor=\"" + nor
          + "\",ot=v,rtp=12000,sf=h,sid=\"" + sid + "\",st=l,su,tb=6000";
      queries[i] = URLEncoder.encode(dictionary, StandardCharsets.UTF_8);
      decoded = dictionary;
      parsed[i] = reader.read(queries[i], null, null, null, null);
      sessionHeaders[i] = "cid=\"een-journaal-19h\",sf=h,sid=\"" + sid + "\",st=l";
    }
  }

  @Benchmark
  public Cmcd none() {
    return reader.read(null, null, null, null, null);
  }

  @Benchmark
  public Cmcd hlsJsQuery() {
    int i = next++ % SESSIONS;
    return reader.read(queries[i], null, null, null, null);
  }

  /** The Structured Field parse alone, of the decoded hls.js dictionary: the part of {@link #hlsJsQuery} that is syntax. */
  @Benchmark
  public Cmcd parseOnly() throws CmcdParser.Malformed {
    Cmcd.Builder builder = new Cmcd.Builder();
    CmcdParser.parse(decoded, builder);
    return builder.build();
  }

  /** The query's form decoding alone. */
  @Benchmark
  public String decodeOnly() {
    return CmcdReader.formDecode(queries[next++ % SESSIONS]);
  }

  /** Adding one reading to the audience table alone (10,000 sessions in turn). */
  @Benchmark
  public Audience audienceOnly() {
    audience.record(parsed[next++ % SESSIONS]);
    return audience;
  }

  /** Counting one reading in the meters alone. */
  @Benchmark
  public CmcdMetrics metricsOnly() {
    metrics.observe(parsed[0]);
    return metrics;
  }

  @Benchmark
  public Cmcd headers() {
    int i = next++ % SESSIONS;
    return reader.read(null, "bl=21300,dl=18500,mtp=25400,nor=\"../720p/seg_00412.m4s\",su", "br=3200,d=4004,ot=v,tb=6000",
        "rtp=12000", sessionHeaders[i]);
  }
}
