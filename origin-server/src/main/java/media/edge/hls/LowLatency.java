package media.edge.hls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a Low-Latency HLS media playlist says about where it stands (draft-pantos-hls-rfc8216bis,
 * sections 4.4.3.7, 4.4.3.8, 4.4.4.9, 4.4.5.3, 6.2.5): whether it blocks reloads, its last complete
 * segment, the parts published of the segment still open, the part target, the skip boundary and the
 * preload hints; and the one decision a blocking reload needs ({@link #decide}).
 *
 * <p>Parts belong to the segment whose URI line follows them (section 3.2): those after the last URI line
 * are the parts of the open segment, whose Media Sequence Number is one past the last complete one.
 *
 * <p>Immutable and thread-safe: parsed once per playlist version.
 */
public final class LowLatency {
  /** Not a live low-latency playlist: no {@code CAN-BLOCK-RELOAD=YES}, or ended. */
  public static final LowLatency NONE = new LowLatency(false, true, 0, 0, 0, false, 0, 0, 0, new int[0], List.of(), List.of());

  private final boolean canBlockReload;
  private final boolean endList;
  private final double targetDuration;
  private final double partTarget;
  private final double canSkipUntil;
  private final boolean canSkipDateranges;
  private final long mediaSequence;
  private final int segments;
  private final int openParts;
  /** Parts listed for each complete segment, oldest first (0 where none are listed any more). */
  private final int[] partsPerSegment;
  private final List<Hint> preloadHints;
  private final List<String> dateranges;

  private LowLatency(
      boolean canBlockReload, boolean endList, double targetDuration, double partTarget, double canSkipUntil,
      boolean canSkipDateranges, long mediaSequence, int segments, int openParts, int[] partsPerSegment,
      List<Hint> preloadHints, List<String> dateranges) {
    this.canBlockReload = canBlockReload;
    this.endList = endList;
    this.targetDuration = targetDuration;
    this.partTarget = partTarget;
    this.canSkipUntil = canSkipUntil;
    this.canSkipDateranges = canSkipDateranges;
    this.mediaSequence = mediaSequence;
    this.segments = segments;
    this.openParts = openParts;
    this.partsPerSegment = partsPerSegment;
    this.preloadHints = preloadHints;
    this.dateranges = dateranges;
  }

  /** Reads a media playlist's text; {@link #NONE} for anything that is not a media playlist. */
  public static LowLatency parse(CharSequence text) {
    boolean block = false;
    boolean ended = false;
    double target = 0;
    double part = 0;
    double skip = 0;
    boolean skipDateranges = false;
    long sequence = 0;
    int complete = 0;
    int pending = 0;
    List<Integer> parts = new ArrayList<>();
    List<Hint> hints = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (String line : Lines.of(text)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.charAt(0) != '#') {
        complete++;
        parts.add(pending);
        pending = 0;
      } else if (line.startsWith("#EXT-X-PART:")) {
        pending++;
      } else if (line.startsWith("#EXT-X-ENDLIST")) {
        ended = true;
      } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
        target = Attributes.decimal(line.substring(22), 0);
      } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        sequence = (long) Attributes.decimal(line.substring(22), 0);
      } else if (line.startsWith("#EXT-X-PART-INF:")) {
        part = Attributes.decimal(Attributes.of(line).get("PART-TARGET"), 0);
      } else if (line.startsWith("#EXT-X-SERVER-CONTROL:")) {
        Attributes control = Attributes.of(line);
        block = "YES".equals(control.get("CAN-BLOCK-RELOAD"));
        skip = Attributes.decimal(control.get("CAN-SKIP-UNTIL"), 0);
        skipDateranges = "YES".equals(control.get("CAN-SKIP-DATERANGES"));
      } else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
        Attributes hint = Attributes.of(line);
        String uri = hint.get("URI");
        if (uri != null) {
          hints.add(new Hint(uri, (long) Attributes.decimal(hint.get("BYTERANGE-START"), 0)));
        }
      } else if (line.startsWith("#EXT-X-DATERANGE:")) {
        String id = Attributes.of(line).get("ID");
        if (id != null) {
          ids.add(id);
        }
      }
    }
    if (!block || target <= 0) {
      return NONE;
    }
    int[] perSegment = parts.stream().mapToInt(Integer::intValue).toArray();
    return new LowLatency(
        true, ended, target, part, skip, skipDateranges, sequence, complete, pending, perSegment,
        List.copyOf(hints), List.copyOf(ids));
  }

  /** True for a live playlist that blocks reloads ({@code CAN-BLOCK-RELOAD=YES}, no {@code EXT-X-ENDLIST}). */
  public boolean blocks() {
    return canBlockReload && !endList;
  }

  /** {@code EXT-X-TARGETDURATION} in seconds. */
  public double targetDuration() {
    return targetDuration;
  }

  /** {@code PART-TARGET} in seconds, or 0 for a playlist without parts. */
  public double partTarget() {
    return partTarget;
  }

  /** {@code CAN-SKIP-UNTIL} in seconds, or 0 when delta updates are not offered. */
  public double canSkipUntil() {
    return canSkipUntil;
  }

  /** True when delta updates may skip date ranges too ({@code CAN-SKIP-DATERANGES=YES}). */
  public boolean canSkipDateranges() {
    return canSkipDateranges;
  }

  /** The Media Sequence Number of the last complete segment (one less than the first when none is). */
  public long lastMsn() {
    return mediaSequence + segments - 1;
  }

  /** Parts published of the open segment (number {@link #lastMsn()} + 1). */
  public int openParts() {
    return openParts;
  }

  /**
   * A resource a player may ask for before it exists ({@code EXT-X-PRELOAD-HINT}, section 4.4.5.3).
   *
   * @param uri as written, usually relative to the playlist
   * @param byteStart {@code BYTERANGE-START}: where the hinted part begins in a file that grows, else 0
   */
  public record Hint(String uri, long byteStart) {}

  /** The {@code EXT-X-PRELOAD-HINT} tags, in order. */
  public List<Hint> preloadHints() {
    return preloadHints;
  }

  /** The {@code ID}s of the {@code EXT-X-DATERANGE} tags, in order. */
  public List<String> dateranges() {
    return dateranges;
  }

  /** What a blocking reload for a position gets now. */
  public enum Readiness {
    /** The playlist has it: answer now. */
    READY,
    /** Not yet: hold the request until a later version has it. */
    WAIT,
    /** Too far ahead (section 6.2.5.2): answer 400 at once. */
    TOO_FAR
  }

  /**
   * Whether this version answers a blocking reload for segment {@code msn}, part {@code part} (or the
   * segment whole when {@code part} is -1): ready when the playlist contains that part (or, for a
   * segment, that segment complete) or anything later; a part index past the last part of a complete
   * segment stands for part 0 of the next. Too far when {@code msn} is more than two past the last
   * segment, or the part more than the Advance Part Limit past the last part published.
   */
  public Readiness decide(long msn, int part) {
    long open = lastMsn() + 1;
    if (msn > lastMsn() + 2) {
      return Readiness.TOO_FAR;
    }
    if (part < 0 || partTarget <= 0) {
      return msn <= lastMsn() ? Readiness.READY : Readiness.WAIT;
    }
    if (msn < open) {
      int listed = partsOf(msn);
      if (listed == 0 || part < listed) {
        return Readiness.READY; // complete: every part of it exists (listed or not any more)
      }
      if (msn + 1 < open) {
        return Readiness.READY; // stands for part 0 of msn + 1, complete too
      }
      msn = open;
      part = 0;
    }
    if (msn == open && part < openParts) {
      return Readiness.READY;
    }
    return partsAhead(msn, part) > advancePartLimit() ? Readiness.TOO_FAR : Readiness.WAIT;
  }

  /** Parts listed for complete segment {@code msn}; 0 when none are (any more). */
  private int partsOf(long msn) {
    long index = msn - mediaSequence;
    return index < 0 || index >= partsPerSegment.length ? 0 : partsPerSegment[(int) index];
  }

  /** How many parts {@code (msn, part)} lies past the last part published. */
  private long partsAhead(long msn, int part) {
    long open = lastMsn() + 1;
    if (msn == open) {
      return part - (openParts - 1L);
    }
    long nominal = Math.max(1, Math.round(targetDuration / partTarget));
    return Math.max(0, nominal - openParts) + part + 1L + (msn - open - 1) * nominal;
  }

  /** Three parts, or three seconds of parts when they are shorter than a second (section 6.2.5.2). */
  private double advancePartLimit() {
    return partTarget < 1 ? 3 / partTarget : 3;
  }
}
