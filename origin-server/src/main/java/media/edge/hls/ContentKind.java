package media.edge.hls;

import java.util.Locale;

/**
 * The kind of a served file, decided from its name alone so that it costs nothing per request.
 * Kinds drive {@code Content-Type}, {@code Cache-Control}, compression and the {@code kind} metric tag.
 */
public enum ContentKind {
  PLAYLIST("playlist"),
  SEGMENT("segment"),
  INIT("init"),
  KEY("key"),
  SUBTITLE("subtitle"),
  OTHER("other");

  private final String tag;

  ContentKind(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code kind} metric tag. */
  public String tag() {
    return tag;
  }

  private static boolean endsWith(String name, String suffix) {
    int from = name.length() - suffix.length();
    return from > 0 && name.charAt(from - 1) != '/' && name.regionMatches(true, from, suffix, 0, suffix.length());
  }

  /**
   * True for "init.mp4", "init_720p.mp4", "video_init.mp4", "audio-en-init.mp4"; false for
   * "definition.mp4" or "infinity.mp4", which merely contain the letters.
   */
  private static boolean isInitName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    String base = name.substring(name.lastIndexOf('/') + 1, name.length() - ".mp4".length());
    if (base.equals("init")) {
      return true;
    }
    for (String word : base.split("[_.\\-]")) {
      if (word.equals("init")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Classifies a file name. An {@code .mp4} whose name has the word {@code init} is an initialisation
   * section (the name packagers such as ffmpeg, Shaka and Bento4 give EXT-X-MAP files); other
   * {@code .mp4} files are treated as segments.
   */
  public static ContentKind of(String fileName) {
    // The kinds of nearly every request, told without making the extension a string.
    if (endsWith(fileName, ".ts") || endsWith(fileName, ".m4s")) {
      return SEGMENT;
    }
    if (endsWith(fileName, ".m3u8")) {
      return PLAYLIST;
    }
    String ext = MediaTypes.extension(fileName);
    switch (ext) {
      case "m3u8":
      case "m3u":
        return PLAYLIST;
      case "ts":
      case "m4s":
      case "aac":
      case "ac3":
      case "ec3":
      case "mp3":
      case "m4a":
      case "m4v":
      case "cmfv":
      case "cmfa":
      case "cmft":
        return SEGMENT;
      case "mp4":
        return isInitName(fileName) ? INIT : SEGMENT;
      case "key":
        return KEY;
      case "vtt":
      case "webvtt":
        return SUBTITLE;
      default:
        return OTHER;
    }
  }
}
