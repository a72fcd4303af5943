package media.edge.hls;

import java.util.ArrayList;
import java.util.List;

/** The lines of a playlist's text, without their {@code \n} or {@code \r\n}. Stateless. */
final class Lines {
  private Lines() {}

  static List<String> of(CharSequence text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int n = text.length();
    while (start < n) {
      int end = start;
      while (end < n && text.charAt(end) != '\n') {
        end++;
      }
      int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      lines.add(text.subSequence(start, stop).toString());
      start = end + 1;
    }
    return lines;
  }
}
