package media.edge.hls;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Playlist Delta Update (draft-pantos-hls-rfc8216bis section 6.2.5.1) built from the full playlist:
 * the leading segments that end further from the end of the last segment than the Skip Boundary
 * ({@code CAN-SKIP-UNTIL}) are replaced, with their segment tags, by one
 * {@code EXT-X-SKIP:SKIPPED-SEGMENTS=n}; everything else stays as it was. What still applies to the first
 * segment kept but was written among the skipped ones is written again before it: the current
 * {@code EXT-X-MAP}, the {@code EXT-X-KEY} of each key format, and its {@code EXT-X-PROGRAM-DATE-TIME}
 * (reckoned from the last one skipped and the durations since).
 *
 * <p>Date ranges: {@code _HLS_skip=YES} keeps every {@code EXT-X-DATERANGE}; {@code v2} (only offered with
 * {@code CAN-SKIP-DATERANGES=YES}) leaves out those among the skipped segments, which were added longer ago
 * than the boundary, and lists in {@code RECENTLY-REMOVED-DATERANGES} the ids removed from the playlist
 * within the boundary (the caller keeps that history across versions). {@code EXT-X-VERSION} is raised to
 * 9, or 10 for {@code v2}, as section 8 requires.
 *
 * <p>Stateless; safe from any thread.
 */
public final class DeltaUpdate {
  private static final DateTimeFormatter PDT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private DeltaUpdate() {}

  /**
   * The delta update of {@code playlist}.
   *
   * @param skipBoundarySeconds {@code CAN-SKIP-UNTIL}
   * @param v2 {@code _HLS_skip=v2}: date ranges are skipped too
   * @param recentlyRemoved the ids of date ranges removed within the boundary (v2 only)
   */
  public static String of(CharSequence playlist, double skipBoundarySeconds, boolean v2, List<String> recentlyRemoved) {
    List<String> lines = Lines.of(playlist);
    int firstSegmentLine = lines.size();
    for (int i = 0; i < lines.size(); i++) {
      if (segmentLine(lines.get(i))) {
        firstSegmentLine = i;
        break;
      }
    }
    // Segments: the lines from the end of the previous one up to and including a URI line.
    List<List<String>> segments = new ArrayList<>();
    List<Double> durations = new ArrayList<>();
    List<String> current = new ArrayList<>();
    double duration = 0;
    int tail = firstSegmentLine;
    for (int i = firstSegmentLine; i < lines.size(); i++) {
      String line = lines.get(i);
      current.add(line);
      if (line.startsWith("#EXTINF:")) {
        int comma = line.indexOf(',');
        duration = Attributes.decimal(comma < 0 ? line.substring(8) : line.substring(8, comma), 0);
      } else if (!line.isEmpty() && line.charAt(0) != '#') {
        segments.add(current);
        durations.add(duration);
        current = new ArrayList<>();
        duration = 0;
        tail = i + 1;
      }
    }
    double end = durations.stream().mapToDouble(Double::doubleValue).sum();
    int skipped = 0;
    double elapsed = 0;
    while (skipped < segments.size() - 1 && elapsed + durations.get(skipped) < end - skipBoundarySeconds) {
      elapsed += durations.get(skipped);
      skipped++;
    }

    StringBuilder out = new StringBuilder(playlist.length());
    boolean version = false;
    for (int i = 0; i < firstSegmentLine; i++) {
      String line = lines.get(i);
      if (line.startsWith("#EXT-X-VERSION:")) {
        version = true;
        int declared = (int) Attributes.decimal(line.substring(15), 0);
        line = "#EXT-X-VERSION:" + Math.max(declared, v2 ? 10 : 9);
      }
      out.append(line).append('\n');
      if (i == 0 && !version && line.startsWith("#EXTM3U") && lines.stream().noneMatch(l -> l.startsWith("#EXT-X-VERSION:"))) {
        out.append("#EXT-X-VERSION:").append(v2 ? 10 : 9).append('\n');
        version = true;
      }
    }
    out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped);
    if (v2) {
      out.append(",RECENTLY-REMOVED-DATERANGES=\"").append(String.join("\t", recentlyRemoved)).append('"');
    }
    out.append('\n');

    // What the skipped segments set that still applies to the first one kept.
    String map = null;
    Map<String, String> keys = new LinkedHashMap<>();
    String pdt = null;
    double sincePdt = 0;
    List<String> keptDateranges = new ArrayList<>();
    for (int s = 0; s < skipped; s++) {
      for (String line : segments.get(s)) {
        if (line.startsWith("#EXT-X-MAP:")) {
          map = line;
        } else if (line.startsWith("#EXT-X-KEY:")) {
          String format = Attributes.of(line).get("KEYFORMAT");
          keys.put(format == null ? "identity" : format, line);
        } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
          pdt = line.substring(25);
          sincePdt = 0;
        } else if (line.startsWith("#EXT-X-DATERANGE:") && !v2) {
          keptDateranges.add(line);
        }
      }
      sincePdt += durations.get(s);
    }
    List<String> first = segments.isEmpty() || skipped >= segments.size() ? List.of() : segments.get(skipped);
    for (String line : keptDateranges) {
      out.append(line).append('\n');
    }
    if (map != null && first.stream().noneMatch(l -> l.startsWith("#EXT-X-MAP:"))) {
      out.append(map).append('\n');
    }
    for (String key : keys.values()) {
      if (first.stream().noneMatch(l -> l.startsWith("#EXT-X-KEY:"))) {
        out.append(key).append('\n');
      }
    }
    if (pdt != null && first.stream().noneMatch(l -> l.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))) {
      String advanced = advance(pdt, sincePdt);
      if (advanced != null) {
        out.append("#EXT-X-PROGRAM-DATE-TIME:").append(advanced).append('\n');
      }
    }
    for (int s = skipped; s < segments.size(); s++) {
      for (String line : segments.get(s)) {
        out.append(line).append('\n');
      }
    }
    for (int i = tail; i < lines.size(); i++) {
      out.append(lines.get(i)).append('\n');
    }
    return out.toString();
  }

  /** True for a line that belongs to a media segment rather than to the playlist's header. */
  private static boolean segmentLine(String line) {
    if (line.isEmpty()) {
      return false;
    }
    if (line.charAt(0) != '#') {
      return true;
    }
    for (String tag : new String[] {"#EXTINF:", "#EXT-X-BYTERANGE:", "#EXT-X-DISCONTINUITY", "#EXT-X-KEY:", "#EXT-X-MAP:",
        "#EXT-X-PROGRAM-DATE-TIME:", "#EXT-X-GAP", "#EXT-X-BITRATE:", "#EXT-X-PART:", "#EXT-X-DATERANGE:"}) {
      if (line.startsWith(tag)) {
        return !line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE");
      }
    }
    return false;
  }

  /** {@code date} plus {@code seconds}, in the same offset, or null when it is not a date. */
  private static String advance(String date, double seconds) {
    try {
      return OffsetDateTime.parse(date.strip()).plusNanos(Math.round(seconds * 1e9)).format(PDT);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
