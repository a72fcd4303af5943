package media.edge.httpcache;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import java.util.Map;

/**
 * The header hygiene of stored responses. Copies do not validate: stored fields are kept as they
 * arrived (Netty's decoder has already validated them, and its validation would refuse harmless
 * oddities such as surrounding whitespace in hand-built headers). What is checked, on storing and
 * on reading back from disk alike, is what would be dangerous to replay to a client: names that
 * are not tokens and values with CR, LF or NUL, the stuff of response splitting.
 */
final class HeaderFields {
  private static final HttpHeadersFactory UNVALIDATED =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private HeaderFields() {}

  static HttpHeaders newHeaders() {
    return UNVALIDATED.newHeaders();
  }

  static HttpHeaders copy(HttpHeaders headers) {
    return newHeaders().set(headers);
  }

  /** @throws IllegalArgumentException naming the first field that could split a response */
  static void check(HttpHeaders headers) {
    for (Map.Entry<String, String> entry : headers) {
      String name = entry.getKey();
      if (name.isEmpty() || !name.chars().allMatch(c -> DirectiveTokenizer.isTchar((char) c))) {
        throw new IllegalArgumentException("header name: \"" + name + "\" (expected: a token)");
      }
      String value = entry.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == '\0') {
          throw new IllegalArgumentException("header " + name + ": value contains CR, LF or NUL");
        }
      }
    }
  }
}
