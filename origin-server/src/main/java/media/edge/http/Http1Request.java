package media.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One HTTP/1.1 request head as {@link Http1Decoder} found it: the request line and the header section
 * kept as bytes, with an index of where the target, each name and each value lie. A value, the target or
 * a query parameter becomes a string only when asked for, once.
 *
 * <p>The bytes are a retained slice of the connection's read buffer until {@link #detach()} copies them
 * to the heap or {@link #release()} gives them back. A released request that was never detached is
 * reused by its decoder for the connection's next request, index and all, so that a keep-alive
 * connection's requests allocate nothing here.
 *
 * <p>Confined to the connection's event loop until detached.
 */
final class Http1Request extends Request {
  private HttpMethod method;
  private boolean http10;
  private Failure failure;
  /** The request line and the header section, without the final empty line. */
  private ByteBuf head = Unpooled.EMPTY_BUFFER;
  private int targetStart;
  private int targetEnd;
  /** Where the header fields start in {@link #head}. */
  private int fieldsStart;
  /** For each field: name start, name end, value start, value end, as offsets into {@link #head}. */
  int[] index = new int[64];
  private int count;
  private String[] values = new String[16];
  private String uri;
  private ByteBuf body = Unpooled.EMPTY_BUFFER;
  private boolean detached;
  private boolean released = true;
  /**
   * The last query parameter value made into a string, kept across the requests of a connection: a
   * viewer's token is the same on every request, and then costs no string after the first.
   */
  private String lastParameter;
  /**
   * Header values made into strings on earlier requests of this connection (Host, Accept-Encoding, a
   * token in a header): a player repeats them on every request, and a match costs a byte comparison
   * rather than a new string. A few slots, replaced in turn.
   */
  private final String[] lastValues = new String[8];
  private int nextValueSlot;

  Http1Request() {}

  /** A request that failed to decode: answered with {@code failure}'s status, then the connection closes. */
  static Http1Request failed(Failure failure) {
    Http1Request request = new Http1Request();
    request.method = HttpMethod.GET;
    request.uri = "/";
    request.failure = failure;
    request.released = false;
    return request;
  }

  /** Marks a decoded request as refused: the gate answers {@code failure}'s status. */
  void refuse(Failure failure) {
    this.failure = failure;
  }

  /** True when the decoder may use this object for the next request. */
  boolean reusable() {
    return released && !detached;
  }

  /** Makes this the request whose head is {@code head} (retained for it), with its fields already indexed. */
  void init(HttpMethod method, boolean http10, ByteBuf head, int targetStart, int targetEnd, int fieldsStart, int count) {
    this.method = method;
    this.http10 = http10;
    this.failure = null;
    this.head = head;
    this.targetStart = targetStart;
    this.targetEnd = targetEnd;
    this.fieldsStart = fieldsStart;
    this.count = count;
    if (values.length < count) {
      values = new String[Math.max(count, values.length * 2)];
    } else {
      Arrays.fill(values, 0, count, null);
    }
    this.uri = null;
    this.body = Unpooled.EMPTY_BUFFER;
    this.released = false;
  }

  void body(ByteBuf body) {
    this.body = body;
  }

  @Override
  public HttpMethod method() {
    return method;
  }

  @Override
  public String uri() {
    String made = uri;
    if (made == null) {
      made = head.toString(targetStart, targetEnd - targetStart, StandardCharsets.US_ASCII);
      uri = made;
    }
    return made;
  }

  @Override
  public String rawPath() {
    if (targetEnd > targetStart && head.getByte(targetStart) == '/') {
      int end = targetStart;
      while (end < targetEnd) {
        byte c = head.getByte(end);
        if (c == '?' || c == '#') {
          break;
        }
        end++;
      }
      return end == targetEnd && uri != null ? uri : head.toString(targetStart, end - targetStart, StandardCharsets.US_ASCII);
    }
    return RequestTarget.path(uri());
  }

  @Override
  public String queryParameter(String name) {
    int question = head.indexOf(targetStart, targetEnd, (byte) '?');
    if (question < 0) {
      return null;
    }
    int end = head.indexOf(question, targetEnd, (byte) '#');
    end = end < 0 ? targetEnd : end;
    int start = question + 1;
    int length = name.length();
    while (start <= end) {
      int amp = head.indexOf(start, end, (byte) '&');
      int stop = amp < 0 ? end : amp;
      if (stop - start > length && head.getByte(start + length) == '=' && bytesEqual(start, name)) {
        int from = start + length + 1;
        String last = lastParameter;
        if (last != null && last.length() == stop - from && bytesEqual(from, last)) {
          return last;
        }
        last = head.toString(from, stop - from, StandardCharsets.US_ASCII);
        lastParameter = last;
        return last;
      }
      start = stop + 1;
    }
    return null;
  }

  @Override
  public String queryWithout(String name) {
    int question = head.indexOf(targetStart, targetEnd, (byte) '?');
    if (question < 0) {
      return null;
    }
    int end = head.indexOf(question, targetEnd, (byte) '#');
    end = end < 0 ? targetEnd : end;
    int length = name.length();
    StringBuilder kept = null;
    for (int start = question + 1; start <= end; ) {
      int amp = head.indexOf(start, end, (byte) '&');
      int stop = amp < 0 ? end : amp;
      boolean named = stop - start >= length && bytesEqual(start, name)
          && (stop - start == length || head.getByte(start + length) == '=');
      if (stop > start && !named) {
        if (kept == null) {
          kept = new StringBuilder(end - question);
        } else {
          kept.append('&');
        }
        kept.append(head.toString(start, stop - start, StandardCharsets.US_ASCII));
      }
      start = stop + 1;
    }
    return kept == null ? null : kept.toString();
  }

  /** True when the bytes from {@code at} are {@code text}'s characters, read as ISO-8859-1. */
  private boolean bytesEqual(int at, CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if ((head.getByte(at + i) & 0xff) != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Failure failure() {
    return failure;
  }

  @Override
  public boolean http10() {
    return http10;
  }

  @Override
  public ByteBuf body() {
    return body;
  }

  /** The index of the first field called {@code name} from field {@code from} on, or -1. */
  int find(CharSequence name, int from) {
    int length = name.length();
    for (int i = from; i < count; i++) {
      int start = index[4 * i];
      if (index[4 * i + 1] - start == length && nameEquals(start, name)) {
        return i;
      }
    }
    return -1;
  }

  private boolean nameEquals(int start, CharSequence name) {
    for (int j = 0; j < name.length(); j++) {
      int a = head.getByte(start + j);
      int b = name.charAt(j);
      if (a != b && lower(a) != lower(b)) {
        return false;
      }
    }
    return true;
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /** The value of field {@code i}. */
  String value(int i) {
    String value = values[i];
    if (value == null) {
      int start = index[4 * i + 2];
      int length = index[4 * i + 3] - start;
      for (String last : lastValues) {
        if (last != null && last.length() == length && bytesEqual(start, last)) {
          values[i] = last;
          return last;
        }
      }
      value = head.toString(start, length, StandardCharsets.ISO_8859_1);
      values[i] = value;
      lastValues[nextValueSlot] = value;
      nextValueSlot = (nextValueSlot + 1) & (lastValues.length - 1);
    }
    return value;
  }

  /** True when every byte of field {@code i}'s value is an ASCII character that {@code allowed} marks. */
  boolean valueWithin(int i, boolean[] allowed) {
    for (int at = index[4 * i + 2]; at < index[4 * i + 3]; at++) {
      byte c = head.getByte(at);
      if (c < 0 || !allowed[c]) {
        return false;
      }
    }
    return true;
  }

  /** True when field {@code i}'s value is {@code text}, ignoring case, without making it a string. */
  boolean valueEqualsIgnoreCase(int i, CharSequence text) {
    int start = index[4 * i + 2];
    return index[4 * i + 3] - start == text.length() && nameEquals(start, text);
  }

  @Override
  public String header(CharSequence name) {
    int i = find(name, 0);
    return i < 0 ? null : value(i);
  }

  @Override
  public boolean contains(CharSequence name) {
    return find(name, 0) >= 0;
  }

  @Override
  public List<String> headers(CharSequence name) {
    int i = find(name, 0);
    if (i < 0) {
      return List.of();
    }
    List<String> all = new ArrayList<>(2);
    for (; i >= 0; i = find(name, i + 1)) {
      all.add(value(i));
    }
    return all;
  }

  @Override
  public boolean hasToken(CharSequence name, CharSequence token) {
    for (int i = find(name, 0); i >= 0; i = find(name, i + 1)) {
      int at = index[4 * i + 2];
      int end = index[4 * i + 3];
      while (at < end) {
        while (at < end && (head.getByte(at) == ' ' || head.getByte(at) == '\t' || head.getByte(at) == ',')) {
          at++;
        }
        int stop = at;
        while (stop < end && head.getByte(stop) != ',') {
          stop++;
        }
        int last = stop;
        while (last > at && (head.getByte(last - 1) == ' ' || head.getByte(last - 1) == '\t')) {
          last--;
        }
        if (last - at == token.length() && nameEquals(at, token)) {
          return true;
        }
        at = stop + 1;
      }
    }
    return false;
  }

  /** The number of fields. */
  int size() {
    return count;
  }

  private String name(int i) {
    int start = index[4 * i];
    return head.toString(start, index[4 * i + 1] - start, StandardCharsets.ISO_8859_1);
  }

  @Override
  public HttpHeaders copyHeaders() {
    HttpHeaders copy = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (int i = 0; i < count; i++) {
      copy.add(name(i), value(i));
    }
    return copy;
  }

  @Override
  public boolean writeHeaderValue(CharSequence name, JsonBytes out) {
    int i = find(name, 0);
    if (i < 0) {
      return false;
    }
    int start = index[4 * i + 2];
    out.latin1(head, start, index[4 * i + 3] - start);
    return true;
  }

  @Override
  public void detach() {
    if (detached) {
      return;
    }
    detached = true;
    uri();
    ByteBuf heapHead = Unpooled.buffer(head.readableBytes());
    heapHead.writeBytes(head, head.readerIndex(), head.readableBytes());
    head.release();
    head = heapHead;
    index = Arrays.copyOf(index, 4 * count);
    if (body.isReadable()) {
      ByteBuf heapBody = Unpooled.copiedBuffer(body);
      body.release();
      body = heapBody;
    }
  }

  @Override
  void release() {
    if (released) {
      return;
    }
    released = true;
    if (!detached) {
      head.release();
      head = Unpooled.EMPTY_BUFFER;
    }
    body.release();
    body = Unpooled.EMPTY_BUFFER;
  }

  @Override
  public String toString() {
    return method + " " + uri();
  }
}
