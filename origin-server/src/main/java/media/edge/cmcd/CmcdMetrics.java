package media.edge.cmcd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What players report, as Prometheus meters of low cardinality: tags take their values from CTA-5004's
 * small token sets (object type, streaming format, stream type), anything else counts as {@code other}
 * and a missing key as {@code none}; no session or content id is ever a tag (those are on
 * {@code /audience}).
 *
 * <p>Thread-safe: counters are registered at construction; a histogram on first use of its object type
 * into a fixed slot (a benign race registers the same meter twice, which Micrometer deduplicates).
 */
final class CmcdMetrics {
  /** Why a CMCD source or key was ignored. */
  enum Malformed {
    /** Not a Structured Field Dictionary (or a bad percent-escape in the query). */
    SYNTAX("syntax"),
    /** A source over {@link CmcdReader#MAX_SOURCE_CHARS} characters. */
    TOO_LONG("too_long"),
    /** A CTA-5004 key of the wrong type, or too long. */
    VALUE("value");

    final String tag;

    Malformed(String tag) {
      this.tag = tag;
    }
  }

  /** CTA-5004's object types ({@code ot}), then other and none. */
  private static final List<String> OBJECT_TYPES = List.of("m", "a", "v", "av", "i", "c", "tt", "k", "o", "other", "none");
  private static final List<String> FORMATS = List.of("d", "h", "s", "o", "other", "none");
  private static final List<String> STREAM_TYPES = List.of("v", "l", "other", "none");

  /** Buffer lengths, in seconds: startup, the usual live targets, hls.js's 30 s default, long VOD buffers. */
  private static final double[] BUFFER_SECONDS = {0.5, 1, 2, 4, 6, 10, 15, 20, 30, 60, 120};
  /**
   * Throughput, in bytes/s (Prometheus' base unit; CMCD sends kbit/s): from a weak mobile link (0.5 Mbit/s)
   * to a fibre line (256 Mbit/s).
   */
  private static final double[] THROUGHPUT_BYTES = bits(5e5, 1e6, 2e6, 4e6, 8e6, 16e6, 32e6, 64e6, 128e6, 256e6);
  /** Encoded bitrates, in bytes/s: a usual HLS ladder from 240p (250 kbit/s) to 4K (20 Mbit/s). */
  private static final double[] BITRATE_BYTES = bits(2.5e5, 5e5, 1e6, 2e6, 3e6, 5e6, 8e6, 12e6, 20e6);

  private static double[] bits(double... bitsPerSecond) {
    double[] bytes = new double[bitsPerSecond.length];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = bitsPerSecond[i] / 8;
    }
    return bytes;
  }

  private final MeterRegistry registry;
  private final Counter[] requests = new Counter[FORMATS.size() * STREAM_TYPES.size()];
  private final Counter startup;
  private final Counter rebuffering;
  private final Counter[] malformed = new Counter[Malformed.values().length];
  private final AtomicReferenceArray<DistributionSummary> buffer = new AtomicReferenceArray<>(OBJECT_TYPES.size());
  private final AtomicReferenceArray<DistributionSummary> throughput = new AtomicReferenceArray<>(OBJECT_TYPES.size());
  private final AtomicReferenceArray<DistributionSummary> bitrate = new AtomicReferenceArray<>(OBJECT_TYPES.size());

  CmcdMetrics(MeterRegistry registry, Audience audience) {
    this.registry = registry;
    for (int f = 0; f < FORMATS.size(); f++) {
      for (int s = 0; s < STREAM_TYPES.size(); s++) {
        requests[f * STREAM_TYPES.size() + s] = Counter.builder("edge.cmcd.requests")
            .description("Requests carrying CMCD, by streaming format (sf) and stream type (st)")
            .tag("sf", FORMATS.get(f))
            .tag("st", STREAM_TYPES.get(s))
            .register(registry);
      }
    }
    this.startup = Counter.builder("edge.cmcd.startup.requests")
        .description("Requests a player made while starting or seeking (su)")
        .register(registry);
    this.rebuffering = Counter.builder("edge.cmcd.rebuffering.requests")
        .description("Requests a player made while its buffer was empty (bs)")
        .register(registry);
    for (Malformed reason : Malformed.values()) {
      malformed[reason.ordinal()] = Counter.builder("edge.cmcd.malformed")
          .description("CMCD sources ignored whole (syntax, too_long) or keys dropped (value); the request is served")
          .tag("reason", reason.tag)
          .register(registry);
    }
    Gauge.builder("edge.cmcd.sessions.active", audience, Audience::activeSessions)
        .description("Distinct CMCD session ids seen in the audience window (capped by cmcd.audience-max-sessions)")
        .strongReference(true)
        .register(registry);
  }

  void malformed(Malformed reason) {
    malformed[reason.ordinal()].increment();
  }

  /** Counts one request's CMCD. */
  void observe(Cmcd cmcd) {
    requests[index(FORMATS, cmcd.token("sf")) * STREAM_TYPES.size() + index(STREAM_TYPES, cmcd.token("st"))].increment();
    if (cmcd.flag("su")) {
      startup.increment();
    }
    if (cmcd.flag("bs")) {
      rebuffering.increment();
    }
    int ot = index(OBJECT_TYPES, cmcd.token("ot"));
    long bl = cmcd.integer("bl");
    if (bl >= 0) {
      summary(buffer, ot, "edge.cmcd.buffer.length", "seconds", "Player buffer length (bl) when it asked", BUFFER_SECONDS)
          .record(bl / 1000.0);
    }
    long mtp = cmcd.integer("mtp");
    if (mtp >= 0) {
      summary(throughput, ot, "edge.cmcd.measured.throughput", "bytes_per_second", "Throughput the player measured (mtp)",
          THROUGHPUT_BYTES).record(mtp * 125.0);
    }
    long br = cmcd.integer("br");
    if (br >= 0) {
      summary(bitrate, ot, "edge.cmcd.encoded.bitrate", "bytes_per_second", "Encoded bitrate of the object asked for (br)",
          BITRATE_BYTES).record(br * 125.0);
    }
  }

  private DistributionSummary summary(
      AtomicReferenceArray<DistributionSummary> slots, int ot, String name, String unit, String description, double[] buckets) {
    DistributionSummary summary = slots.get(ot);
    if (summary == null) {
      summary = DistributionSummary.builder(name)
          .description(description + ", by object type (ot)")
          .baseUnit(unit)
          .tag("ot", OBJECT_TYPES.get(ot))
          .serviceLevelObjectives(buckets)
          .register(registry);
      slots.set(ot, summary);
    }
    return summary;
  }

  /** The tag slot of {@code value}: itself when known, else other (present) or none (absent). */
  private static int index(List<String> known, String value) {
    if (value == null) {
      return known.size() - 1;
    }
    int i = known.indexOf(value);
    return i < 0 || i >= known.size() - 2 ? known.size() - 2 : i;
  }
}
