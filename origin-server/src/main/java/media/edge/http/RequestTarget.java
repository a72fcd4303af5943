package media.edge.http;

/**
 * The path of a request target (RFC 9112 section 3.2): origin-form {@code /a/b?q} or absolute-form
 * {@code http://host/a/b?q}. The query is dropped here, which also keeps it (and any token in it)
 * out of file lookups and logs.
 */
final class RequestTarget {
  private RequestTarget() {}

  /** The raw (still percent-encoded) path, or null when the target has no usable path. */
  static String path(String uri) {
    int start;
    if (uri.startsWith("/")) {
      start = 0;
    } else if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
      int authority = uri.indexOf("//") + 2;
      start = authority;
      while (start < uri.length() && "/?#".indexOf(uri.charAt(start)) < 0) {
        start++;
      }
      if (start == uri.length() || uri.charAt(start) != '/') {
        return "/";
      }
    } else {
      return null;
    }
    int end = uri.length();
    for (int i = start; i < end; i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return uri.substring(start, end);
  }

  /** The raw value of parameter {@code name} in the query of {@code uri}, or null. */
  static String queryParameter(String uri, String name) {
    int question = uri.indexOf('?');
    if (question < 0) {
      return null;
    }
    int end = uri.indexOf('#', question);
    end = end < 0 ? uri.length() : end;
    int start = question + 1;
    while (start <= end) {
      int amp = uri.indexOf('&', start);
      int stop = amp < 0 || amp > end ? end : amp;
      if (stop - start > name.length() && uri.startsWith(name, start) && uri.charAt(start + name.length()) == '=') {
        return uri.substring(start + name.length() + 1, stop);
      }
      start = stop + 1;
    }
    return null;
  }
}
