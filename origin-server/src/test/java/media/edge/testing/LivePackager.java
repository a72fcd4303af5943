package media.edge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small live Low-Latency HLS packager, as a real one behaves towards the origin: it publishes parts cut
 * by ffmpeg ({@link FfmpegMedia#partsFmp4}) into a library folder one by one, groups every
 * {@code partsPerSegment} of them into a segment, and rewrites the media playlist after each part, every
 * file written under a hidden temporary name and renamed into place (atomic, as the origin requires).
 *
 * <p>The playlist it writes (draft-pantos-hls-rfc8216bis): {@code CAN-BLOCK-RELOAD=YES},
 * {@code PART-HOLD-BACK} of three parts, {@code CAN-SKIP-UNTIL} of six target durations, a program date
 * time on every segment, parts listed for the segments of the last three target durations, one
 * {@code EXT-X-PRELOAD-HINT} for the next part, and {@code EXT-X-RENDITION-REPORT}s for the other
 * renditions. Renditions are copies of the same media under their own folders, published in step.
 *
 * <p>Time: {@link #start()} publishes a part every part duration, in real time, for players; tests of
 * the rules call {@link #publish()} themselves, one part at a time (a moved clock). {@link #stop()} stalls
 * the stream, {@link #end()} ends it ({@code EXT-X-ENDLIST}).
 *
 * <p>Byte-range mode writes each segment as one file that grows part by part, and describes parts as
 * ranges of it ({@code BYTERANGE}, hints with {@code BYTERANGE-START}).
 *
 * <p>Not thread-safe but for {@link #start()}'s own thread: use one or the other.
 */
public final class LivePackager implements AutoCloseable {
  private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");
  private static final DateTimeFormatter PDT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT)
      .withZone(java.time.ZoneOffset.UTC);

  private static final Map<Integer, Path> SOURCES = new java.util.concurrent.ConcurrentHashMap<>();

  private final Path source;
  private final Path root;
  private final List<String> renditions;
  private final int partsPerSegment;
  private final int windowSegments;
  private final boolean byteRanges;
  private final List<byte[]> parts = new ArrayList<>();
  private final List<Double> durations = new ArrayList<>();
  private final double partTarget;
  private final int targetDuration;
  private final Instant start = Instant.now();
  private final Map<String, Integer> dateranges = new LinkedHashMap<>();
  private ScheduledExecutorService clock;
  private int published;
  private boolean ended;

  private LivePackager(Builder b) {
    this.source = b.source;
    this.root = b.root;
    this.renditions = List.copyOf(b.renditions);
    this.partsPerSegment = b.partsPerSegment;
    this.windowSegments = b.windowSegments;
    this.byteRanges = b.byteRanges;
    readParts();
    this.partTarget = durations.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    this.targetDuration = (int) Math.ceil(partTarget * partsPerSegment - 1e-6);
  }

  /**
   * ffmpeg's parts of {@code partMillis}, two minutes of them, made once per JVM into a temporary folder
   * (a few seconds of encoding) and shared by every packager.
   */
  public static Path parts(int partMillis) {
    return SOURCES.computeIfAbsent(partMillis, millis -> {
      try {
        Path dir = Files.createTempDirectory("llhls-parts-" + millis + "-");
        dir.toFile().deleteOnExit();
        return FfmpegMedia.partsFmp4(dir, 120, millis);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A packager of the parts ffmpeg wrote into {@code source}, publishing into {@code root}/rendition/. */
  public static Builder builder(Path source, Path root) {
    return new Builder(source, root);
  }

  /** The playlist of {@code rendition}, relative to the library: {@code live/a/media.m3u8}. */
  public String playlist(String rendition) {
    return root.getFileName() + "/" + rendition + "/media.m3u8";
  }

  /** The multivariant playlist, relative to the library. */
  public String master() {
    return root.getFileName() + "/master.m3u8";
  }

  public double partTarget() {
    return partTarget;
  }

  public int targetDuration() {
    return targetDuration;
  }

  /** The Media Sequence Number of the segment the next part belongs to. */
  public long openMsn() {
    return published / partsPerSegment;
  }

  /** The index in its segment of the next part. */
  public int nextPart() {
    return published % partsPerSegment;
  }

  /** Parts published so far. */
  public int published() {
    return published;
  }

  /** The URI (relative to the playlist) of part {@code part} of segment {@code msn}. */
  public String partUri(long msn, int part) {
    return byteRanges ? segmentUri(msn) : "s" + msn + "p" + part + ".m4s";
  }

  /** The URI (relative to the playlist) of segment {@code msn}. */
  public String segmentUri(long msn) {
    return "s" + msn + ".m4s";
  }

  /** Publishes {@code count} parts at once (the first playlist, a jump ahead). */
  public synchronized void publish(int count) {
    for (int i = 0; i < count; i++) {
      publish();
    }
  }

  /** Publishes the next part: its file, its segment's when that is complete, then every playlist. */
  public synchronized void publish() {
    if (ended || published >= parts.size()) {
      return;
    }
    long msn = openMsn();
    int part = nextPart();
    for (String rendition : renditions) {
      Path dir = root.resolve(rendition);
      if (byteRanges) {
        writeAtomically(dir.resolve(segmentUri(msn)), segmentBytes(msn, part + 1));
      } else {
        writeAtomically(dir.resolve(partUri(msn, part)), parts.get(published));
        if (part == partsPerSegment - 1) {
          writeAtomically(dir.resolve(segmentUri(msn)), segmentBytes(msn, partsPerSegment));
        }
      }
    }
    published++;
    writePlaylists();
  }

  /** Adds an {@code EXT-X-DATERANGE} with {@code id} at the open segment (and announces date ranges). */
  public synchronized void daterange(String id) {
    dateranges.put(id, (int) openMsn());
  }

  /** Publishes a part every part duration from now on, on a thread of its own. */
  public synchronized LivePackager start() {
    if (clock == null) {
      clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "live-packager");
        thread.setDaemon(true);
        return thread;
      });
      long periodMicros = (long) (partTarget * 1_000_000);
      clock.scheduleAtFixedRate(this::publish, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }
    return this;
  }

  /** Stops publishing: the stream stalls, as when the encoder dies. */
  public synchronized void stop() {
    if (clock != null) {
      clock.shutdownNow();
      clock = null;
    }
  }

  /** Ends the stream: the playlists get {@code EXT-X-ENDLIST} and no hint. */
  public synchronized void end() {
    stop();
    ended = true;
    writePlaylists();
  }

  @Override
  public void close() {
    stop();
  }

  // ---- what is written ------------------------------------------------------------------------------

  private void writePlaylists() {
    for (String rendition : renditions) {
      writeAtomically(root.resolve(rendition).resolve("media.m3u8"), mediaPlaylist(rendition).getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    int bandwidth = 200_000;
    for (String rendition : renditions) {
      master.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth).append(",CODECS=\"avc1.4d400c,mp4a.40.2\",RESOLUTION=160x90\n")
          .append(rendition).append("/media.m3u8\n");
      bandwidth += 100_000;
    }
    writeAtomically(root.resolve("master.m3u8"), master.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The media playlist of the parts published so far. */
  String mediaPlaylist(String rendition) {
    long complete = published / partsPerSegment; // segments 0 .. complete-1 are whole
    long first = Math.max(0, complete - windowSegments);
    StringBuilder out = new StringBuilder();
    out.append("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    out.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=").append(decimal(6.0 * targetDuration));
    if (!dateranges.isEmpty()) {
      out.append(",CAN-SKIP-DATERANGES=YES");
    }
    out.append(",PART-HOLD-BACK=").append(decimal(3 * partTarget)).append('\n');
    out.append("#EXT-X-PART-INF:PART-TARGET=").append(decimal(partTarget)).append('\n');
    out.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
    out.append("#EXT-X-MAP:URI=\"init.mp4\"\n");
    double partsFrom = complete * partsPerSegment * partTarget - 3.0 * targetDuration; // media time
    for (long msn = first; msn <= complete; msn++) {
      int available = msn < complete ? partsPerSegment : published % partsPerSegment;
      if (msn == complete && available == 0) {
        break;
      }
      for (Map.Entry<String, Integer> range : dateranges.entrySet()) {
        if (range.getValue() == msn) {
          out.append("#EXT-X-DATERANGE:ID=\"").append(range.getKey()).append("\",START-DATE=\"")
              .append(PDT.format(dateOf(msn))).append("\",DURATION=1.0\n");
        }
      }
      out.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(dateOf(msn))).append('\n');
      boolean listParts = msn == complete || mediaTime(msn + 1) > partsFrom;
      long offset = 0;
      for (int p = 0; p < available && listParts; p++) {
        int index = (int) (msn * partsPerSegment + p);
        int length = mediaBox(parts.get(index)).length;
        out.append("#EXT-X-PART:DURATION=").append(decimal(durations.get(index))).append(",URI=\"").append(partUri(msn, p)).append('"');
        if (byteRanges) {
          out.append(",BYTERANGE=\"").append(length).append('@').append(offset).append('"');
        }
        out.append(",INDEPENDENT=YES\n");
        offset += length;
      }
      if (msn < complete) {
        out.append("#EXTINF:").append(decimal(segmentDuration(msn))).append(",\n").append(segmentUri(msn)).append('\n');
      }
    }
    if (ended) {
      out.append("#EXT-X-ENDLIST\n");
    } else if (published < parts.size()) {
      long msn = openMsn();
      int part = nextPart();
      out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(partUri(msn, part)).append('"');
      if (byteRanges && part > 0) {
        out.append(",BYTERANGE-START=").append(segmentBytes(msn, part).length);
      }
      out.append('\n');
    }
    for (String other : renditions) {
      if (!other.equals(rendition)) {
        long lastMsn = published % partsPerSegment == 0 ? complete - 1 : complete;
        int lastPart = published % partsPerSegment == 0 ? partsPerSegment - 1 : published % partsPerSegment - 1;
        out.append("#EXT-X-RENDITION-REPORT:URI=\"../").append(other).append("/media.m3u8\",LAST-MSN=").append(lastMsn)
            .append(",LAST-PART=").append(lastPart).append('\n');
      }
    }
    return out.toString();
  }

  private Instant dateOf(long msn) {
    return start.plusNanos((long) (mediaTime(msn) * 1e9));
  }

  /** Where segment {@code msn} starts, in seconds of media. */
  private double mediaTime(long msn) {
    double time = 0;
    for (int i = 0; i < msn * partsPerSegment && i < durations.size(); i++) {
      time += durations.get(i);
    }
    return time;
  }

  private double segmentDuration(long msn) {
    double sum = 0;
    for (int p = 0; p < partsPerSegment; p++) {
      sum += durations.get((int) (msn * partsPerSegment + p));
    }
    return sum;
  }

  /** The first {@code count} parts of segment {@code msn}, as one file. */
  private byte[] segmentBytes(long msn, int count) {
    int length = 0;
    for (int p = 0; p < count; p++) {
      length += mediaBox(parts.get((int) (msn * partsPerSegment + p))).length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    for (int p = 0; p < count; p++) {
      out.put(mediaBox(parts.get((int) (msn * partsPerSegment + p))));
    }
    return out.array();
  }

  /** A part's {@code moof} and {@code mdat}, without the {@code styp} and {@code sidx} ffmpeg writes before them. */
  static byte[] mediaBox(byte[] part) {
    ByteBuffer in = ByteBuffer.wrap(part);
    ByteBuffer out = ByteBuffer.allocate(part.length);
    while (in.remaining() >= 8) {
      int at = in.position();
      long size = in.getInt() & 0xffffffffL;
      String type = new String(part, at + 4, 4, StandardCharsets.US_ASCII);
      if (size < 8 || at + size > part.length) {
        throw new IllegalStateException("malformed box " + type + " at " + at);
      }
      if (!type.equals("styp") && !type.equals("sidx")) {
        out.put(part, at, (int) size);
      }
      in.position((int) (at + size));
    }
    byte[] media = new byte[out.position()];
    out.flip().get(media);
    return media;
  }

  private static void writeAtomically(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.write(temporary, bytes);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + file, e);
    }
  }

  private void readParts() {
    try {
      List<String> lines = Files.readAllLines(source.resolve("parts.m3u8"));
      double duration = 0;
      for (String line : lines) {
        Matcher m = EXTINF.matcher(line);
        if (m.lookingAt()) {
          duration = Double.parseDouble(m.group(1));
        } else if (!line.isBlank() && !line.startsWith("#")) {
          parts.add(mediaBox(Files.readAllBytes(source.resolve(line.strip()))));
          durations.add(duration);
        }
      }
      byte[] init = Files.readAllBytes(source.resolve("init.mp4"));
      for (String rendition : renditions) {
        writeAtomically(root.resolve(rendition).resolve("init.mp4"), init);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the parts in " + source, e);
    }
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** How the stream is shaped. */
  public static final class Builder {
    private final Path source;
    private final Path root;
    private List<String> renditions = List.of("a");
    private int partsPerSegment = 4;
    private int windowSegments = 10;
    private boolean byteRanges;

    private Builder(Path source, Path root) {
      this.source = source;
      this.root = root;
    }

    /** The renditions' folder names (default one, {@code a}). */
    public Builder renditions(String... names) {
      this.renditions = List.of(names);
      return this;
    }

    /** Parts per segment (default 4). */
    public Builder partsPerSegment(int count) {
      this.partsPerSegment = count;
      return this;
    }

    /** Complete segments listed (default 10). */
    public Builder window(int segments) {
      this.windowSegments = segments;
      return this;
    }

    /** Parts as byte ranges of a segment file that grows (default: a file per part). */
    public Builder byteRanges(boolean byteRanges) {
      this.byteRanges = byteRanges;
      return this;
    }

    public LivePackager build() {
      return new LivePackager(this);
    }
  }
}
