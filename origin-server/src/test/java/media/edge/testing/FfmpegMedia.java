package media.edge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes real HLS renditions with ffmpeg, for integration tests.
 *
 * <p>Tests serve what a real packager produces, not hand-written playlists: byte ranges,
 * segment sizes, MIME types and playlist tags then look the way they will in production, and a
 * change in ffmpeg's output shows up here before it shows up in a player. The content is
 * synthetic (lavfi {@code testsrc2} and a {@code sine} tone), small and quick to encode, so a
 * test can generate it into its {@code @TempDir} instead of depending on committed binaries.
 *
 * <p>ffmpeg must be on the {@code PATH}. Guard tests with {@link #available()}, for example
 * {@code assumeTrue(FfmpegMedia.available(), "ffmpeg is not installed")}. Each call starts one
 * ffmpeg process that must finish within 60 seconds; its output goes to a log file next to the
 * media, and a failure is an {@link IllegalStateException} carrying the tail of that log.
 *
 * <p>Stateless and safe to call from parallel tests, as long as two calls do not write the
 * same kind of rendition into the same directory.
 */
public final class FfmpegMedia {

  private static final long TIMEOUT_SECONDS = 60;
  private static final int LOG_TAIL_LINES = 25;

  private FfmpegMedia() {}

  /**
   * Returns whether {@code ffmpeg -version} runs and exits cleanly. The probe runs once per JVM.
   */
  public static boolean available() {
    return Probe.AVAILABLE;
  }

  /**
   * Writes a live-style MPEG-TS media playlist: 160x90 H.264 with mono AAC, three 4-second
   * segments ({@code live_000.ts} ...), {@code #EXT-X-TARGETDURATION:4}, a sliding window of
   * three entries and no {@code #EXT-X-ENDLIST}, as a live origin shows it mid-stream.
   *
   * @param dir directory to write into; created if missing
   * @return the playlist, {@code dir/live.m3u8}
   * @throws IllegalStateException if ffmpeg fails or does not finish in time
   */
  public static Path liveTs(Path dir) {
    run(dir, "live", List.of(
        "-hls_time", "4",
        "-hls_list_size", "3",
        "-hls_flags", "omit_endlist",
        "-hls_segment_type", "mpegts",
        "-hls_segment_filename", "live_%03d.ts",
        "live.m3u8"), 12, 4, 25);
    return dir.resolve("live.m3u8");
  }

  /**
   * Writes a VOD fMP4 (CMAF-style) media playlist: 160x90 H.264 with mono AAC, an init segment
   * {@code init.mp4} referenced by {@code #EXT-X-MAP}, and three 2-second {@code .m4s} segments
   * ({@code vod_000.m4s} ...), ending with {@code #EXT-X-ENDLIST}.
   *
   * @param dir directory to write into; created if missing
   * @return the playlist, {@code dir/vod.m3u8}
   * @throws IllegalStateException if ffmpeg fails or does not finish in time
   */
  public static Path vodFmp4(Path dir) {
    run(dir, "vod", List.of(
        "-hls_time", "2",
        "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4",
        "-hls_fmp4_init_filename", "init.mp4",
        "-hls_segment_filename", "vod_%03d.m4s",
        "vod.m3u8"), 6, 2, 25);
    return dir.resolve("vod.m3u8");
  }

  /**
   * Writes the raw material of a live low-latency stream: {@code seconds} of fMP4 cut every
   * {@code partMillis} (200 to 1000) into parts {@code part_00000.m4s} ... that each start on a keyframe
   * (30 fps, a keyframe every part), with their init segment {@code init.mp4}. ffmpeg cannot write
   * partial segments itself, so {@link LivePackager} publishes these as parts and segments. ffmpeg's own
   * playlist ({@code parts.m3u8}) gives each part's duration and nothing else (its target duration is wrong
   * below one second).
   *
   * @return {@code dir}
   */
  public static Path partsFmp4(Path dir, int seconds, int partMillis) {
    run(dir, "parts", List.of(
        "-hls_time", Double.toString(partMillis / 1000.0),
        "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4",
        "-hls_fmp4_init_filename", "init.mp4",
        "-hls_segment_filename", "part_%05d.m4s",
        "parts.m3u8"), seconds, partMillis / 1000.0, 30);
    return dir;
  }

  /**
   * Encodes {@code seconds} of test pattern and tone with a keyframe every {@code segmentSeconds},
   * so that every segment is exactly that long and starts on a keyframe. ffmpeg runs in
   * {@code dir}, so the names in {@code hlsArgs} and in the playlist are relative.
   */
  private static void run(Path dir, String name, List<String> hlsArgs, int seconds, double segmentSeconds, int fps) {
    int gop = (int) Math.round(fps * segmentSeconds);
    List<String> command = new ArrayList<>(List.of(
        "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=" + fps + ":duration=" + seconds,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
        "-map", "0:v:0", "-map", "1:a:0", "-map_metadata", "-1",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-b:v", "60k", "-maxrate", "60k", "-bufsize", "120k",
        "-g", Integer.toString(gop), "-keyint_min", Integer.toString(gop), "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "32k", "-ac", "1",
        "-f", "hls"));
    command.addAll(hlsArgs);

    Path log;
    try {
      Files.createDirectories(dir);
      log = dir.resolve("ffmpeg-" + name + ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    String what = "ffmpeg (" + name + " into " + dir + ")";
    Process process;
    try {
      process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new IllegalStateException(what + " did not start; is ffmpeg on the PATH?", e);
    }
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            what + " did not finish in " + TIMEOUT_SECONDS + " s; log tail:\n" + tail(log));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          what + " exited with " + process.exitValue() + "; log tail:\n" + tail(log));
    }
  }

  private static String tail(Path log) {
    try {
      // ISO-8859-1 decodes any byte, so a stray non-UTF-8 byte in ffmpeg's output cannot hide the log.
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e + ")";
    }
  }

  /** Lazy holder: the JVM runs {@code probe()} once, on first use, and publishes it safely. */
  private static final class Probe {
    static final boolean AVAILABLE = probe();

    private static boolean probe() {
      try {
        Process process = new ProcessBuilder("ffmpeg", "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return false;
        }
        return process.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
