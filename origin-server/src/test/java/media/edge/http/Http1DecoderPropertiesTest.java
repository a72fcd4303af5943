package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link Http1Decoder} over generated requests, with a small {@link Http1Decoder.Sink}
 * that records what each request carried and then resumes the decoder, at once or after the next read
 * (an answer that ends later):
 *
 * <ul>
 *   <li>well-formed requests within RFC 9112's grammar (any token method, any visible target, field
 *       values with obs-text and inner whitespace, optional whitespace around them, bodies by length or
 *       chunked with extensions and trailers, {@code Expect: 100-continue}), pipelined and cut into
 *       reads anywhere, are each decoded exactly as generated, and nothing stays allocated;
 *   <li>any input, valid or mutated, has the same outcome whether it arrives whole or in pieces;
 *   <li>whatever is accepted has one framing: never two lengths, a length and a coding, obs-fold, a
 *       bare CR or a bare LF;
 *   <li>on mutations of valid requests, the decoder agrees with Netty's own {@link HttpRequestDecoder}
 *       (strict line parsing, the default) except in the classes of difference below, each chosen.
 * </ul>
 *
 * <p>Where the two decoders differ, on purpose ({@link #difference} names the class of each difference
 * it meets; none may go unexplained, and both accepting one request with two readings is never
 * explained). Netty accepts and we refuse:
 *
 * <ol>
 *   <li><b>request-line whitespace</b>: Netty splits the request line on any run of SP, HTAB, VT, FF or
 *       CR, as RFC 9112 section 3 allows a recipient to; we take exactly {@code method SP target SP
 *       version} (400). Lenient splitting is how a proxy in front and an origin come to disagree on
 *       the target.
 *   <li><b>target bytes</b>: Netty takes any non-whitespace bytes as the target, controls and non-ASCII
 *       included; we refuse anything but visible ASCII, all RFC 3986 has (400).
 *   <li><b>version</b>: Netty accepts any {@code HTTP/d.d}, upper-casing it first; we answer 505 to a
 *       major version other than 1 and 400 to {@code http/1.1}: the name is case-sensitive.
 *   <li><b>before the request line</b>: Netty skips any run of CR and LF; we skip at most 16 CRLF pairs
 *       and refuse a bare CR or LF (400).
 *   <li><b>obs-fold</b>: Netty joins a folded line to the field before it; RFC 9112 section 5.2 lets a
 *       server refuse it instead, which we do, in the header section and in trailers (400).
 *   <li><b>HTTP/1.0 lengths</b>: on HTTP/1.0 Netty takes the first of several Content-Length fields,
 *       even different ones; we refuse them (400).
 *   <li><b>transfer codings</b>: Netty accepts a list whose last coding is chunked, in one field or
 *       several ({@code gzip, chunked}), and leaves the other codings to the application; we decode
 *       none, so we answer 501 to any coding but chunked alone, and 400 to several fields.
 *   <li><b>expect</b>: Netty's decoder does not look at {@code Expect}; we answer 417 to any
 *       expectation but {@code 100-continue}.
 *   <li><b>host</b>: Netty does not look at {@code Host}; we refuse an HTTP/1.1 request without one, a
 *       request with several, and one that is not an authority (400, RFC 9112 section 3.2).
 *   <li><b>chunk extensions</b>: both follow RFC 9112 section 7.1.1's grammar, but Netty's state
 *       machine also takes whitespace inside a name and an empty extension after {@code ;} (400).
 *   <li><b>refused sooner</b>: on bytes neither accepts, we may refuse at once (a first byte no method
 *       begins with, a bare CR) where Netty still waits for the end of a line.
 *   <li><b>field limits</b>: we also refuse more than {@value Http1Decoder#MAX_FIELDS} fields (431).
 * </ol>
 *
 * We accept and Netty refuses:
 *
 * <ol>
 *   <li><b>equal duplicate lengths</b>: Netty refuses two Content-Length fields even when they agree
 *       ({@code 5} and {@code 05}); RFC 9110 section 8.6 lets a recipient take them as one, which we
 *       do: they cannot frame the body two ways.
 *   <li><b>chunk extensions</b>: Netty refuses whitespace between a token value and the next
 *       {@code ;}, which the grammar's BWS allows, and Netty 4.2.18 fails on obs-text in a quoted
 *       value ({@code HttpChunkLineValidatingByteProcessor} indexes a {@code BitSet} with a signed
 *       byte: {@code IndexOutOfBoundsException}); both are valid, and we take them.
 * </ol>
 */
class Http1DecoderPropertiesTest {
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADER = 16384;
  private static final int ALLOWANCE = 1 << 20;
  private static final String TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String VCHAR = range(0x21, 0x7e);
  private static final String OBS_TEXT = range(0x80, 0xff);

  // ---- well-formed requests ---------------------------------------------------------------------------

  @Property(tries = 400)
  void decode_wellFormedPipelineInAnyPieces_isDecodedAsGenerated(
      @ForAll("pipelines") List<Generated> requests,
      @ForAll("cuts") List<Integer> cuts,
      @ForAll("deferrals") List<Boolean> deferrals) {
    byte[] wire = wire(requests);

    Run run = ours(wire, cuts, deferrals);

    assertThat(run.failure).as("refused:\n%s", escape(wire)).isNull();
    assertThat(run.parsed).as("decoded from:\n%s", escape(wire)).isEqualTo(requests.stream().map(Generated::parsed).toList());
    int expecting = (int) requests.stream().filter(Generated::expectsContinue).count();
    assertThat(run.continues).as("interim answers").isLessThanOrEqualTo(expecting);
    assertThat(run.leftBytes).as("bytes left allocated").isZero();
  }

  @Property(tries = 300)
  void decode_wellFormedHeadThenBody_sends100ContinueExactlyWhenExpected(@ForAll("requests") Generated request) {
    byte[] wire = request.wire();
    int headEnd = indexOf(wire, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;

    Run run = ours(wire, List.of(headEnd), List.of());

    assertThat(run.parsed).containsExactly(request.parsed());
    assertThat(run.continues).isEqualTo(request.expectsContinue() ? 1 : 0);
  }

  // ---- any input --------------------------------------------------------------------------------------

  @Property(tries = 1000)
  void decode_mutatedRequest_sameOutcomeWholeOrInPieces(
      @ForAll("mutated") byte[] wire, @ForAll("cuts") List<Integer> cuts, @ForAll("deferrals") List<Boolean> deferrals) {
    Run whole = ours(wire, List.of(), List.of());
    Run pieces = ours(wire, cuts, deferrals);

    assertThat(pieces.parsed).as("decoded from:\n%s", escape(wire)).isEqualTo(whole.parsed);
    assertThat(pieces.failure).as("refusal of:\n%s", escape(wire)).isEqualTo(whole.failure);
    assertThat(whole.leftBytes + pieces.leftBytes).as("bytes left allocated").isZero();
  }

  @Property(tries = 300)
  void decode_randomBytes_neverThrowsAndLeavesNothingAllocated(
      @ForAll("noise") byte[] wire, @ForAll("cuts") List<Integer> cuts) {
    Run run = ours(wire, cuts, List.of());

    assertThat(run.leftBytes).isZero();
  }

  @Property(tries = 2000)
  void decode_mutatedRequest_acceptedOnlyWithOneFraming(@ForAll("mutated") byte[] wire) {
    Run run = ours(wire, List.of(), List.of());
    if (run.parsed.isEmpty()) {
      return;
    }
    String text = new String(wire, StandardCharsets.ISO_8859_1);
    int start = 0;
    while (text.startsWith("\r\n", start)) {
      start += 2;
    }
    int end = text.indexOf("\r\n\r\n", start);
    assertThat(end).as("the end of an accepted head in:\n%s", escape(wire)).isPositive();
    String head = text.substring(start, end + 2);
    assertThat(head.replace("\r\n", "")).as("bare CR or LF in an accepted head:\n%s", escape(wire)).doesNotContain("\r", "\n");
    List<String> lines = List.of(head.split("\r\n"));
    List<String> lengths = new ArrayList<>();
    int codings = 0;
    for (String line : lines.subList(1, lines.size())) {
      assertThat(line).as("obs-fold in an accepted head:\n%s", escape(wire)).doesNotStartWith(" ").doesNotStartWith("\t");
      String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
      if (name.equals("content-length")) {
        lengths.add(line.substring(line.indexOf(':') + 1).strip());
      } else if (name.equals("transfer-encoding")) {
        codings++;
      }
    }
    assertThat(lengths.stream().map(Long::parseLong).distinct().count()).as("lengths in:\n%s", escape(wire)).isLessThanOrEqualTo(1);
    assertThat(codings).as("codings in:\n%s", escape(wire)).isLessThanOrEqualTo(1);
    assertThat(lengths.isEmpty() || codings == 0).as("a length and a coding in:\n%s", escape(wire)).isTrue();
  }

  // ---- against Netty's decoder ------------------------------------------------------------------------

  @Property(tries = 3000)
  void decode_mutatedRequest_agreesWithNettyExceptWhereDocumented(@ForAll("mutated") byte[] wire) {
    Run ours = ours(wire, List.of(), List.of());
    Run netty = netty(wire);
    if (ours.withoutLengths().equals(netty.withoutLengths()) && (ours.failure != null) == (netty.failure != null)) {
      return;
    }
    String difference = difference(wire, ours, netty);
    if (difference != null) {
      return;
    }
    throw new AssertionError("the decoders disagree on:\n" + escape(wire)
        + "\nours:  " + ours.parsed + " then " + ours.failure
        + "\nnetty: " + netty.parsed + " then " + netty.failure);
  }

  /**
   * The documented class of difference (see the class's Javadoc) that explains why the two decoders
   * disagree on {@code wire}, or null when none does. Requests both accepted alike are passed over; at
   * the first that only one of them accepted, the other's refusal must be one we chose, told by its
   * reason and by what the request's bytes hold. Two different readings of one request are never
   * explained.
   */
  static String difference(byte[] wire, Run ours, Run netty) {
    List<Parsed> a = ours.withoutLengths();
    List<Parsed> b = netty.withoutLengths();
    int k = 0;
    while (k < a.size() && k < b.size() && a.get(k).equals(b.get(k))) {
      k++;
    }
    boolean sameRequests = k == a.size() && k == b.size();
    if (!sameRequests && k < a.size() && k < b.size()) {
      return null;
    }
    String text = new String(wire, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    // The bytes of the request in question: the first head, or what follows it.
    String part = k == 0 || headEnd < 0 ? (headEnd < 0 ? text : text.substring(0, headEnd + 2)) : text.substring(headEnd + 4);
    if (k < a.size() || (sameRequests && ours.failure == null)) {
      // Netty refused a request we accepted, or would once the rest of it arrives.
      String cause = String.valueOf(netty.failure);
      if (cause.contains("Multiple Content-Length values")
          && lengths(part).stream().allMatch(length -> length.matches("[0-9]{1,18}"))
          && lengths(part).stream().map(Long::parseLong).distinct().count() == 1) {
        return "equal duplicate lengths";
      }
      if (cause.contains("InvalidChunkExtensionException") || cause.contains("bitIndex < 0")) {
        return "chunk extensions";
      }
      return null;
    }
    if (ours.failure == null) {
      return null;
    }
    List<String> lines = List.of(part.split("\r\n", -1));
    int lineStart = 0;
    while (lineStart < part.length() && (part.charAt(lineStart) == '\r' || part.charAt(lineStart) == '\n')) {
      lineStart++;
    }
    int lineEnd = part.indexOf("\r\n", lineStart);
    String requestLine = part.substring(lineStart, lineEnd < 0 ? part.length() : lineEnd);
    switch ((Request.Failure) ours.failure) {
      case VERSION -> {
        return requestLine.matches(".* HTTP/[02-9]\\.[0-9]") ? "version" : null;
      }
      case EXPECTATION -> {
        return part.matches("(?is).*\r\nexpect:.*") ? "expect" : null;
      }
      case TRANSFER_CODING -> {
        return part.matches("(?is).*\r\ntransfer-encoding:.*") ? "transfer codings" : null;
      }
      case HEADERS_TOO_LARGE -> {
        return lines.size() > Http1Decoder.MAX_FIELDS ? "field limits" : null;
      }
      case MALFORMED -> {
        if (sameRequests) {
          // Netty has not accepted it either, only not refused it yet: it waits for the end of a line.
          return "refused sooner";
        }
        if (!part.substring(0, lineStart).matches("(\r\n){0,16}")) {
          return "before the request line";
        }
        if (!requestLine.matches("[^ ]+ [^ ]+ [^ ]+") || requestLine.matches(".*[\t\u000b\u000c\r].*")) {
          return "request-line whitespace";
        }
        String[] words = requestLine.split(" ");
        if (!words[1].matches("[\\x21-\\x7e]+")) {
          return "target bytes";
        }
        if (!words[2].matches("HTTP/[0-9]\\.[0-9]")) {
          return "version";
        }
        if (lines.stream().skip(1).anyMatch(line -> line.startsWith(" ") || line.startsWith("\t"))
            || text.substring(Math.max(headEnd, 0)).matches("(?s).*\r\n0+[^\r\n]*\r\n(?:[^\r\n]*\r\n)*[ \t].*")) {
          return "obs-fold";
        }
        if (lines.stream().filter(line -> line.regionMatches(true, 0, "transfer-encoding:", 0, 18)).count() > 1) {
          return "transfer codings";
        }
        if (hosts(part, words[2].equals("HTTP/1.0"))) {
          return "host";
        }
        if (words[2].equals("HTTP/1.0") && lengths(part).size() > 1) {
          return "HTTP/1.0 lengths";
        }
        if (chunkExtensionOutsideTheGrammar(text.substring(Math.max(headEnd, 0)))) {
          return "chunk extensions";
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  private static final String TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
  private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*\"";
  private static final java.util.regex.Pattern CHUNK_LINE = java.util.regex.Pattern.compile(
      "[0-9A-Fa-f]+(?:[ \\t]*;[ \\t]*" + TOKEN + "(?:[ \\t]*=[ \\t]*(?:" + TOKEN + "|" + QUOTED + "))?)*");

  /** The values of the Content-Length fields in {@code head}, trimmed. */
  private static List<String> lengths(String head) {
    List<String> values = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        values.add(strip(line.substring(15)));
      }
    }
    return values;
  }

  /** True when {@code head} lacks the one Host that RFC 9112 section 3.2 asks for, with an authority in it. */
  private static boolean hosts(String head, boolean http10) {
    List<String> hosts = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "host:", 0, 5)) {
        hosts.add(strip(line.substring(5)));
      }
    }
    return hosts.size() > 1 || (hosts.isEmpty() && !http10)
        || hosts.stream().anyMatch(host -> !host.matches("[A-Za-z0-9\\-._~!$&'()*+,;=%:\\[\\]]*"));
  }

  /** True when a line of {@code body} looks like a chunk-size line with extensions outside the grammar. */
  private static boolean chunkExtensionOutsideTheGrammar(String body) {
    for (String line : body.split("\r\n")) {
      if (line.matches("[0-9A-Fa-f]+[ \\t]*;.*") && !CHUNK_LINE.matcher(line).matches()) {
        return true;
      }
    }
    return false;
  }

  // ---- generators -------------------------------------------------------------------------------------

  @Provide
  Arbitrary<List<Generated>> pipelines() {
    return requests().list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 100_000).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Boolean>> deferrals() {
    return Arbitraries.of(true, false).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<String> pieces = Arbitraries.of(
        "GET ", "/", " HTTP/1.1", "\r\n", "\r", "\n", ":", " ", "\t", "Host: a", "Content-Length: 3", "Transfer-Encoding: chunked",
        "0", "5", ";", "abc", "\0", "\u00ff", "\r\n\r\n", "Expect: 100-continue");
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
        pieces.list().ofMaxSize(40).map(list -> String.join("", list).getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** One well-formed request. */
  @Provide
  Arbitrary<Generated> requests() {
    Arbitrary<String> methods = Arbitraries.oneOf(
        Arbitraries.of("GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE"),
        Arbitraries.strings().withChars(TCHAR).ofMinLength(1).ofMaxLength(10));
    Arbitrary<String> targets = Arbitraries.oneOf(
        Arbitraries.strings().withChars(VCHAR).ofMaxLength(60).map(path -> "/" + path),
        Arbitraries.just("*"),
        Arbitraries.strings().withChars(VCHAR).ofMaxLength(30).map(path -> "http://h.example:8080/" + path));
    Arbitrary<String> names = Arbitraries.strings().withChars(TCHAR).ofMinLength(1).ofMaxLength(16)
        .filter(name -> !FRAMING.contains(name.toLowerCase(Locale.ROOT)));
    Arbitrary<Field> fields = Combinators.combine(names, values()).as(Field::new);
    Arbitrary<byte[]> bodies = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(
            methods, targets, Arbitraries.of(false, false, true), fields.list().ofMaxSize(10), bodies,
            Arbitraries.of(Framing.values()), Arbitraries.randoms())
        .as(Http1DecoderPropertiesTest::build);
  }

  /** A field value with optional whitespace around it: obs-text and inner whitespace included. */
  private static Arbitrary<String> values() {
    Arbitrary<String> ows = Arbitraries.strings().withChars(" \t").ofMaxLength(2);
    Arbitrary<String> content = Arbitraries.strings().withChars(VCHAR + OBS_TEXT + " \t").ofMaxLength(40).map(Http1DecoderPropertiesTest::strip);
    return Combinators.combine(ows, content, ows).as((before, value, after) -> before + value + after);
  }

  /** A valid request mutated a few times: bytes inserted, removed or replaced, lines doubled or added. */
  @Provide
  Arbitrary<byte[]> mutated() {
    return Combinators.combine(requests(), Arbitraries.randoms(), Arbitraries.integers().between(1, 3))
        .as((request, random, times) -> {
          byte[] wire = request.wire();
          for (int i = 0; i < times; i++) {
            wire = mutate(wire, random);
          }
          return wire;
        });
  }

  private static final List<String> FRAMING = List.of("content-length", "transfer-encoding", "expect", "host");
  private static final byte[] INTERESTING = {
    ' ', '\t', '\r', '\n', 0, 0x0b, 0x0c, 0x7f, (byte) 0x80, (byte) 0xff, ':', ';', ',', '"', '0', '9', 'a', 'F', '/', '=', '-', '+'
  };
  private static final String[] LINES = {
    "Content-Length: 5", "Content-Length: 0", "content-length:5", "Content-Length: 05", "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: identity", " folded", "\tfolded", "Expect: 100-continue",
    "Expect: x", "Host: b", "", "X: y", "X : y", "X:\ty", "Connection: close", "0", "5;a=b", "Content-Length: 5, 5"
  };

  private static byte[] mutate(byte[] wire, Random random) {
    int at = random.nextInt(wire.length + 1);
    byte b = INTERESTING[random.nextInt(INTERESTING.length)];
    switch (random.nextInt(7)) {
      case 0 -> {
        return splice(wire, at, 0, new byte[] {b});
      }
      case 1 -> {
        return at == wire.length ? wire : splice(wire, at, 1, new byte[0]);
      }
      case 2 -> {
        return at == wire.length ? wire : splice(wire, at, 1, new byte[] {b});
      }
      case 3 -> {
        int line = lineStart(wire, at);
        int end = indexOf(wire, line, (byte) '\n');
        return end < 0 ? wire : splice(wire, line, 0, Arrays.copyOfRange(wire, line, end + 1));
      }
      case 4 -> {
        byte[] inserted = (LINES[random.nextInt(LINES.length)] + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return splice(wire, lineStart(wire, at), 0, inserted);
      }
      case 5 -> {
        if (at < wire.length && Character.isLetter(wire[at])) {
          byte[] copy = wire.clone();
          copy[at] ^= 0x20;
          return copy;
        }
        return wire;
      }
      default -> {
        if (at + 1 < wire.length) {
          byte[] copy = wire.clone();
          copy[at] = wire[at + 1];
          copy[at + 1] = wire[at];
          return copy;
        }
        return wire;
      }
    }
  }

  enum Framing { NONE, LENGTH, CHUNKED }

  /** Builds the request's bytes and what a decoder must report for it. */
  private static Generated build(
      String method, String target, boolean http10, List<Field> extra, byte[] body, Framing framing, Random random) {
    List<Field> fields = new ArrayList<>(extra);
    if (!http10 || random.nextBoolean()) {
      fields.add(random.nextInt(fields.size() + 1), new Field(random.nextBoolean() ? "Host" : "host", HOSTS[random.nextInt(HOSTS.length)]));
    }
    if (http10 && framing == Framing.CHUNKED) {
      framing = Framing.LENGTH;
    }
    if (framing == Framing.NONE) {
      body = new byte[0];
    }
    boolean expectsContinue = false;
    if (framing == Framing.LENGTH) {
      String length = "0".repeat(random.nextInt(3)) + body.length;
      int copies = random.nextInt(5) == 0 ? 2 : 1;
      for (int i = 0; i < copies; i++) {
        fields.add(random.nextInt(fields.size() + 1), new Field(random.nextBoolean() ? "Content-Length" : "content-length", ows(random) + length + ows(random)));
      }
    } else if (framing == Framing.CHUNKED) {
      fields.add(random.nextInt(fields.size() + 1), new Field("Transfer-Encoding", ows(random) + (random.nextBoolean() ? "chunked" : "Chunked") + ows(random)));
    }
    if (framing != Framing.NONE && !http10 && random.nextInt(4) == 0) {
      fields.add(random.nextInt(fields.size() + 1), new Field("Expect", random.nextBoolean() ? "100-continue" : "100-Continue"));
      expectsContinue = body.length > 0 || framing == Framing.CHUNKED;
    }
    StringBuilder wire = new StringBuilder();
    wire.append(method).append(' ').append(target).append(' ').append(http10 ? "HTTP/1.0" : "HTTP/1.1").append("\r\n");
    List<Field> parsed = new ArrayList<>();
    for (Field field : fields) {
      wire.append(field.name()).append(':').append(field.value()).append("\r\n");
      parsed.add(new Field(field.name(), strip(field.value())));
    }
    wire.append("\r\n");
    String latin1Body = new String(body, StandardCharsets.ISO_8859_1);
    if (framing == Framing.CHUNKED) {
      chunk(wire, latin1Body, random);
    } else {
      wire.append(latin1Body);
    }
    return new Generated(
        new Parsed(method, target, http10, parsed, latin1Body),
        expectsContinue,
        wire.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static final String[] HOSTS = {"a", "edge.example.com", "127.0.0.1:8080", "[::1]:443", "xn--bcher-kva.example", ""};

  /** A chunked body: chunks of random sizes, each size in either case with leading zeros, extensions, trailers. */
  private static void chunk(StringBuilder wire, String body, Random random) {
    int at = 0;
    while (at < body.length()) {
      int size = 1 + random.nextInt(body.length() - at);
      String hex = Integer.toHexString(size);
      wire.append("0".repeat(random.nextInt(3))).append(random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
      extensions(wire, random);
      wire.append("\r\n").append(body, at, at + size).append("\r\n");
      at += size;
    }
    wire.append("0".repeat(1 + random.nextInt(2)));
    extensions(wire, random);
    wire.append("\r\n");
    for (int i = random.nextInt(3); i > 0; i--) {
      wire.append(TRAILERS[random.nextInt(TRAILERS.length)]).append("\r\n");
    }
    wire.append("\r\n");
  }

  private static final String[] TRAILERS = {"X-Checksum: abc", "expires:\t0", "X-Empty:", "Server-Timing: total;dur=12.3 "};

  /** Chunk extensions as RFC 9112 section 7.1.1 has them, bad whitespace included. */
  private static void extensions(StringBuilder wire, Random random) {
    for (int i = random.nextInt(3); i > 0; i--) {
      wire.append(bws(random)).append(';').append(bws(random)).append(random.nextBoolean() ? "name" : "x-Ext_1");
      switch (random.nextInt(3)) {
        case 0 -> wire.append(bws(random)).append('=').append(bws(random)).append("token.value");
        case 1 -> wire.append(bws(random)).append('=').append(bws(random)).append("\"quoted \\\" ; = value\"");
        default -> {
          // a name alone
        }
      }
    }
  }

  private static String bws(Random random) {
    return random.nextInt(4) == 0 ? " \t".substring(random.nextInt(2)) : "";
  }

  private static String ows(Random random) {
    return random.nextInt(3) == 0 ? " " : "";
  }

  // ---- the model and the two decoders -----------------------------------------------------------------

  /** A request as generated: what a decoder must report, whether it asks for 100 Continue, its bytes. */
  record Generated(Parsed parsed, boolean expectsContinue, byte[] wire) {
    @Override
    public String toString() {
      return escape(wire);
    }
  }

  record Field(String name, String value) {}

  /** A request as decoded, by either decoder; the body as ISO-8859-1 text. */
  record Parsed(String method, String uri, boolean http10, List<Field> fields, String body) {
    /** Without Content-Length, which Netty rewrites (one field, no leading zeros). */
    Parsed withoutLengths() {
      return new Parsed(method, uri, http10, fields.stream().filter(f -> !f.name().equalsIgnoreCase("content-length")).toList(), body);
    }
  }

  /** What a decoder made of some bytes: the requests, then a refusal or none. */
  static final class Run {
    final List<Parsed> parsed = new ArrayList<>();
    Object failure;
    int continues;
    long leftBytes;

    List<Parsed> withoutLengths() {
      return parsed.stream().map(Parsed::withoutLengths).toList();
    }
  }

  /** Our decoder, fed {@code wire} cut at {@code cuts}, each request answered at once or after the next read. */
  static Run ours(byte[] wire, List<Integer> cuts, List<Boolean> deferrals) {
    Run run = new Run();
    UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    Recorder recorder = new Recorder(run, deferrals);
    Http1Decoder decoder = new Http1Decoder(recorder, MAX_LINE, MAX_HEADER, method -> ALLOWANCE);
    recorder.decoder = decoder;
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    channel.config().setAllocator(allocator);
    TreeSet<Integer> points = new TreeSet<>();
    for (int cut : cuts) {
      points.add(cut % (wire.length + 1));
    }
    points.add(wire.length);
    int from = 0;
    for (int to : points) {
      if (to > from) {
        ByteBuf read = allocator.heapBuffer(to - from + (to % 3) * 16);
        read.writeBytes(wire, from, to - from);
        channel.writeInbound(read);
        recorder.resumeDeferred();
        from = to;
      }
    }
    while (recorder.resumeDeferred()) {
      // answers that ended later
    }
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      if (out instanceof ByteBuf buf && buf.toString(StandardCharsets.US_ASCII).equals("HTTP/1.1 100 Continue\r\n\r\n")) {
        run.continues++;
      }
      ReferenceCountUtil.release(out);
    }
    channel.finishAndReleaseAll();
    run.leftBytes = allocator.metric().usedHeapMemory();
    return run;
  }

  /** Records each request, releases it as an answer would, and resumes the decoder now or later. */
  private static final class Recorder implements Http1Decoder.Sink {
    private final Run run;
    private final List<Boolean> deferrals;
    Http1Decoder decoder;
    private ChannelHandlerContext deferred;
    private int count;

    Recorder(Run run, List<Boolean> deferrals) {
      this.run = run;
      this.deferrals = deferrals;
    }

    @Override
    public void request(ChannelHandlerContext ctx, Http1Request request) {
      if (request.failure() != null) {
        run.failure = request.failure();
        request.release();
        return;
      }
      List<Field> fields = new ArrayList<>();
      for (Map.Entry<String, String> field : request.copyHeaders()) {
        fields.add(new Field(field.getKey(), field.getValue()));
      }
      run.parsed.add(new Parsed(
          request.method().name(), request.uri(), request.http10(), fields, request.body().toString(StandardCharsets.ISO_8859_1)));
      request.release();
      boolean later = !deferrals.isEmpty() && deferrals.get(count++ % deferrals.size());
      if (later) {
        deferred = ctx;
      } else {
        decoder.resume(ctx);
      }
    }

    /** Ends the answer that was left pending, if any. */
    boolean resumeDeferred() {
      ChannelHandlerContext ctx = deferred;
      if (ctx == null) {
        return false;
      }
      deferred = null;
      decoder.resume(ctx);
      return true;
    }
  }

  /** Netty's decoder, strict line parsing on (its default), with our limits, fed {@code wire} whole. */
  static Run netty(byte[] wire) {
    Run run = new Run();
    EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(
        new HttpDecoderConfig().setMaxInitialLineLength(MAX_LINE).setMaxHeaderSize(MAX_HEADER).setStrictLineParsing(true)));
    channel.writeInbound(Unpooled.wrappedBuffer(wire));
    HttpRequest current = null;
    StringBuilder body = new StringBuilder();
    for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
      try {
        if (run.failure != null) {
          continue;
        }
        if (message instanceof HttpRequest request) {
          if (request.decoderResult().isFailure()) {
            run.failure = request.decoderResult().cause();
            continue;
          }
          current = request;
          body.setLength(0);
        }
        if (message instanceof HttpContent content) {
          if (content.decoderResult().isFailure()) {
            run.failure = content.decoderResult().cause();
            continue;
          }
          body.append(content.content().toString(StandardCharsets.ISO_8859_1));
          if (content instanceof LastHttpContent && current != null) {
            List<Field> fields = new ArrayList<>();
            current.headers().iteratorCharSequence().forEachRemaining(f -> fields.add(new Field(f.getKey().toString(), f.getValue().toString())));
            run.parsed.add(new Parsed(
                current.method().name(), current.uri(),
                current.protocolVersion().majorVersion() == 1 && current.protocolVersion().minorVersion() == 0,
                fields, body.toString()));
            current = null;
          }
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
    channel.finishAndReleaseAll();
    return run;
  }

  // ---- bytes ------------------------------------------------------------------------------------------

  private static byte[] wire(List<Generated> requests) {
    ByteBuf all = Unpooled.buffer();
    requests.forEach(r -> all.writeBytes(r.wire()));
    return ByteBufUtil.getBytes(all);
  }

  private static byte[] splice(byte[] wire, int at, int remove, byte[] insert) {
    byte[] out = new byte[wire.length - remove + insert.length];
    System.arraycopy(wire, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(wire, at + remove, out, at + insert.length, wire.length - at - remove);
    return out;
  }

  private static int lineStart(byte[] wire, int at) {
    int i = Math.min(at, wire.length);
    while (i > 0 && wire[i - 1] != '\n') {
      i--;
    }
    return i;
  }

  private static int indexOf(byte[] wire, int from, byte b) {
    for (int i = from; i < wire.length; i++) {
      if (wire[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] wire, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= wire.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (wire[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String strip(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
      end--;
    }
    return value.substring(start, end);
  }

  private static String range(int from, int to) {
    StringBuilder chars = new StringBuilder();
    for (int c = from; c <= to; c++) {
      chars.append((char) c);
    }
    return chars.toString();
  }

  /** The bytes as Java string literal text, so that a failing input can be pasted into a test. */
  static String escape(byte[] wire) {
    StringBuilder out = new StringBuilder("\"");
    for (byte b : wire) {
      int c = b & 0xff;
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n\"\n + \"");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c));
      }
    }
    return out.append('"').toString();
  }
}
