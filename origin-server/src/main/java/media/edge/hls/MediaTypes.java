package media.edge.hls;

import java.util.Locale;
import java.util.Map;

/** {@code Content-Type} by file extension: the HLS types first (RFC 8216 section 4), then common web types. */
public final class MediaTypes {
  /** Sent for anything not in the table: never guessed from the content (no sniffing). */
  public static final String DEFAULT = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("m3u8", "application/vnd.apple.mpegurl"),
          Map.entry("m3u", "application/vnd.apple.mpegurl"),
          Map.entry("ts", "video/mp2t"),
          Map.entry("m4s", "video/iso.segment"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("m4v", "video/mp4"),
          Map.entry("cmfv", "video/mp4"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("cmfa", "audio/mp4"),
          Map.entry("cmft", "application/mp4"),
          Map.entry("aac", "audio/aac"),
          Map.entry("ac3", "audio/ac3"),
          Map.entry("ec3", "audio/eac3"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("vtt", "text/vtt; charset=utf-8"),
          Map.entry("webvtt", "text/vtt; charset=utf-8"),
          Map.entry("key", "application/octet-stream"),
          Map.entry("json", "application/json"),
          Map.entry("xml", "application/xml"),
          Map.entry("mpd", "application/dash+xml"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("png", "image/png"),
          Map.entry("webp", "image/webp"),
          Map.entry("svg", "image/svg+xml"));

  private MediaTypes() {}

  /** The media type for a file name. */
  public static String of(String fileName) {
    return BY_EXTENSION.getOrDefault(extension(fileName), DEFAULT);
  }

  /** Lower-case extension without the dot, or "" when there is none. */
  static String extension(String fileName) {
    int slash = fileName.lastIndexOf('/');
    int dot = fileName.lastIndexOf('.');
    if (dot <= slash + 1 || dot == fileName.length() - 1) {
      return "";
    }
    return fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
