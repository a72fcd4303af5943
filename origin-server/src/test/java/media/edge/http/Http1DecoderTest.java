package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import media.edge.config.ConfigLoader;
import media.edge.config.EdgeConfig;
import media.edge.hls.CachePolicy;
import media.edge.memory.MemoryTier;
import media.edge.metrics.EdgeMetrics;
import media.edge.origin.ContentStore;
import media.edge.origin.Library;
import media.edge.origin.OriginResponder;
import media.edge.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Http1Decoder} in the real data pipeline on an {@link EmbeddedChannel}: raw bytes in, in whatever
 * pieces, and exactly what a client would read out. Every refusal is one answer with its status and
 * {@code connection: close}, then the connection closes and nothing that followed is answered.
 *
 * <p>Requests name small files {@code /n0.txt} to {@code /n6.txt} whose bodies tell them apart
 * ({@code /nK.txt} is K+1 times the K-th letter), so the order of the answers shows. What reached the
 * responder (method, target, body) is recorded by a responder wrapped around the origin's.
 *
 * <p>Besides Netty's paranoid leak detector, each test ends by checking that every buffer fed in was
 * released and that the channel's allocator has nothing outstanding once the channel closed.
 */
class Http1DecoderTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path root;
  private MemoryTier memory;
  private EdgeMetrics metrics;
  private EdgeConfig config;
  private EmbeddedChannel channel;
  private HeldWrites held;
  /** The channel's allocator: what the pipeline allocates, counted. */
  private final CountingAllocator allocator = new CountingAllocator();
  /** Where the bytes fed in come from, as a socket's reads would. */
  private final UnpooledByteBufAllocator reads = new UnpooledByteBufAllocator(true);
  private final List<ByteBuf> fed = new ArrayList<>();
  private final List<Seen> seen = new ArrayList<>();

  /** A request as the responder saw it. */
  record Seen(String method, String uri, String body, List<String> probes) {}

  @BeforeEach
  void setUp() throws Exception {
    Files.write(root.resolve("s.ts"), new byte[1000]);
    for (int k = 0; k < 7; k++) {
      Files.writeString(root.resolve("n" + k + ".txt"), body(k));
    }
    EdgeConfig defaults = ConfigLoader.defaults();
    config =
        defaults
            .withLibrary(ConfigLoader.defaults().library().withRoot(root))
            .withLog(defaults.log().withAccess(false, null))
            .withTokens(defaults.tokens().withRequired(false))
            // EmbeddedChannel runs the header timer on real time, and a head fed byte by byte takes seconds
            // on a loaded machine; the timeout itself is tested against a real server (AbuseTest).
            .withServer(defaults.server().withClientLimits(Duration.ofHours(1), defaults.server().sendTimeout(), 0));
    memory = new MemoryTier(1 << 20, TestClock.atNow().ticker());
    metrics = EdgeMetrics.create();
    CachePolicy policy = new CachePolicy(config.http().cacheControl(), Duration.ofSeconds(1));
    ContentStore store =
        ContentStore.builder(Library.open(root), memory, policy, Runnable::run).maxObjectBytes(1 << 20).build();
    Responder origin = new OriginResponder(store, Responder.NOT_FOUND);
    Responder recording =
        new Responder() {
          @Override
          public void respond(Exchange exchange) {
            Request request = exchange.request();
            seen.add(new Seen(
                request.method().name(),
                request.uri(),
                request.body().toString(StandardCharsets.ISO_8859_1),
                request.headers("x-probe")));
            origin.respond(exchange);
          }

          @Override
          public boolean allows(HttpMethod method) {
            return origin.allows(method);
          }

          @Override
          public int bodyAllowance(HttpMethod method) {
            return origin.bodyAllowance(method);
          }
        };
    channel = new EmbeddedChannel(
        DataChannelInitializer.builder(config, recording)
            .metrics(metrics)
            .connections(new ConnectionTracker())
            .cachePolicy(policy)
            .clock(CLOCK)
            .build());
    channel.config().setAllocator(allocator);
  }

  @AfterEach
  void tearDown() {
    if (held != null) {
      held.drop();
    }
    channel.finishAndReleaseAll();
    memory.close();
    metrics.close();
    for (ByteBuf buf : fed) {
      assertThat(buf.refCnt()).as("references left to a buffer fed in").isZero();
    }
    assertThat(allocator.used())
        .as("bytes still allocated from the channel's allocator")
        .isZero();
  }

  // ---- framing: pieces, pipelining, pacing ---------------------------------------------------------

  @Test
  void get_sentByteByByte_isAnsweredOnceTheLastByteArrives() {
    byte[] request = get("/n3.txt").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < request.length - 1; i++) {
      feed(new byte[] {request[i]});
      assertThat(out()).as("answer after %d of %d bytes", i + 1, request.length).isEmpty();
    }
    feed(new byte[] {request[request.length - 1]});

    assertBodies(out(), 3);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void get_splitInTwoAtEveryByte_isAnsweredWithTheSameBytes() {
    String request = get("/n2.txt");
    exchange(request); // the first read fills the memory tier (X-Cache: disk); the rest are memory hits
    String whole = exchange(request);

    for (int split = 1; split < request.length(); split++) {
      feed(request.substring(0, split));
      assertThat(out()).as("answer to the first %d bytes", split).isEmpty();
      assertThat(exchange(request.substring(split))).as("answer when split at %d", split).isEqualTo(whole);
    }
    assertThat(seen).hasSize(request.length() + 1);
  }

  @Test
  void pipelined_twoInOneRead_areAnsweredInOrder() {
    String out = exchange(get("/n1.txt") + get("/n4.txt"));

    assertBodies(out, 1, 4);
    assertThat(seen).extracting(Seen::uri).containsExactly("/n1.txt", "/n4.txt");
  }

  @Test
  void pipelined_splitAcrossReadsMidRequest_areAnsweredInOrder() {
    String both = get("/n5.txt") + get("/n6.txt") + get("/n0.txt");
    feed(both.substring(0, 30));
    feed(both.substring(30, 70));

    String out = exchange(both.substring(70));

    assertBodies(out, 5, 6, 0);
  }

  @Test
  void pipelined_secondIsDecodedOnlyAfterTheFirstAnswerEnded() {
    holdWrites();

    feed(get("/n1.txt") + get("/n2.txt") + get("/n3.txt"));

    assertThat(seen).extracting(Seen::uri).containsExactly("/n1.txt");
    assertThat(held.size()).as("writes held for the first answer").isPositive();
    assertThat(out()).isEmpty();

    held.release();
    assertBodies(out(), 1);
    assertThat(seen).extracting(Seen::uri).containsExactly("/n1.txt", "/n2.txt");

    held.release();
    assertBodies(out(), 2);
    held.release();
    assertBodies(out(), 3);
    assertThat(seen).hasSize(3);
    assertThat(held.size()).isZero();
  }

  @Test
  void pipelined_2000InOneWrite_areAllAnsweredInOrderWithoutRecursion() {
    warmAll();
    StringBuilder requests = new StringBuilder();
    int[] expected = new int[2000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (i * 5 + i / 7) % 7;
      requests.append(get("/n" + expected[i] + ".txt"));
    }

    String out = exchange(requests.toString());

    assertBodies(out, expected);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void pipelined_beyond64KiBWhileAnswering_pausesReadingUntilTheAnswersCatchUp() {
    warmAll();
    holdWrites();
    feed(get("/n0.txt"));
    String pad = "X-Pad: " + "p".repeat(8000) + "\r\n";
    StringBuilder more = new StringBuilder();
    int count = 0;
    while (more.length() <= Http1Decoder.MAX_BUFFERED_BYTES) {
      more.append("GET /n").append(++count % 7).append(".txt HTTP/1.1\r\nHost: a\r\n").append(pad).append("\r\n");
    }

    feed(more.toString());

    assertThat(channel.config().isAutoRead()).as("reading while %d requests wait", count).isFalse();
    assertThat(seen).hasSize(1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i <= count; i++) {
      assertThat(held.size()).as("answer %d held", i).isPositive();
      held.release();
      out.append(out());
    }
    int[] expected = new int[count + 1];
    for (int i = 1; i <= count; i++) {
      expected[i] = i % 7;
    }
    assertBodies(out.toString(), expected);
    assertThat(channel.config().isAutoRead()).as("reading once every request was answered").isTrue();
  }

  @Test
  void head_arrivingByteByByte_hasEachByteLookedAtAFewTimesNotOncePerRead() {
    String request = "GET /n3.txt HTTP/1.1\r\nHost: a\r\nX-Probe: " + "v".repeat(6000) + "\r\n"
        + ("X-F: " + "w".repeat(60) + "\r\n").repeat(100) + "\r\n";
    CountingBuf first = new CountingBuf(reads, 64 * 1024);
    first.writeByte(request.charAt(0));
    fed.add(first);
    channel.writeInbound(first);
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < request.length(); i++) {
      feed(request.substring(i, i + 1));
      out.append(out());
    }

    assertBodies(out.toString(), 3);
    assertThat(first.examined).as("bytes examined for a head of %d", request.length()).isLessThan(8L * request.length());
  }

  @Test
  void pipelined_arrivingByteByByteWhileAnswering_isCopiedAFewTimesNotOncePerRead() {
    holdWrites();
    feed(get("/n1.txt") + "GET /n2.txt HTTP/1.1\r\nHost: a\r\nX-Probe: ");
    long before = allocator.allocated;
    for (int i = 0; i < 6000; i++) {
      feed("v");
    }
    feed("\r\n\r\n");
    long copied = allocator.allocated - before;

    held.release();
    held.release();
    assertBodies(out(), 1, 2);
    assertThat(copied).as("bytes allocated for 6,000 one-byte reads").isLessThan(64 * 1024);
  }

  @Test
  void pipelined_headThenGet_theHeadAnswerHasALengthAndNoBody() {
    String out = exchange("HEAD /n4.txt HTTP/1.1\r\nHost: a\r\n\r\n" + get("/n5.txt"));

    int firstEnd = out.indexOf("\r\n\r\n") + 4;
    Answer head = new Answer(200, out.substring(0, firstEnd - 4), "");
    assertThat(out).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(head.field("content-length")).isEqualTo("5");
    assertBodies(out.substring(firstEnd), 5);
  }

  @Test
  void request_optionsAsterisk_isAnsweredByTheGateAndTheNextFollows() {
    List<Answer> answers = answers(exchange("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n" + get("/n2.txt")));

    assertThat(answers).extracting(Answer::status).containsExactly(204, 200);
    assertThat(answers.get(1).body()).isEqualTo(body(2));
  }

  @Test
  void request_leadingEmptyLines_areSkipped() {
    String out = exchange("\r\n".repeat(16) + get("/n2.txt") + "\r\n\r\n" + get("/n3.txt"));

    assertBodies(out, 2, 3);
  }

  @Test
  void request_moreThan16LeadingEmptyLines_returns400() {
    assertRefused(exchange("\r\n".repeat(17) + get("/n2.txt")), 400);
  }

  @Test
  void request_absoluteFormTarget_isServed() {
    assertBodies(exchange("GET http://a/n4.txt HTTP/1.1\r\nHost: a\r\n\r\n"), 4);
  }

  @Test
  void request_methodsAreCaseSensitive_lowerCaseGetIsAnotherMethod() {
    Answer answer = single(exchange("get /n4.txt HTTP/1.1\r\nHost: a\r\n\r\n"));

    assertThat(answer.status()).isEqualTo(405);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void request_fieldValues_areTrimmedAndKeptInOrder() {
    exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nX-Probe: \t one  two \t\r\nx-probe:three\r\nX-PROBE:\r\n\r\n");

    assertThat(seen).singleElement().extracting(Seen::probes).isEqualTo(List.of("one  two", "three", ""));
  }

  @Test
  void request_obsTextInAValue_isAcceptedAndReadAsLatin1() {
    String out = exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nX-Probe: caf\u00e9 \u0080\u00ff\r\n\r\n");

    assertBodies(out, 1);
    assertThat(seen).singleElement().extracting(Seen::probes).isEqualTo(List.of("caf\u00e9 \u0080\u00ff"));
  }

  @Test
  void request_valueRepeatedOnTheConnection_isTheStringMadeForTheFirst() {
    String request = "GET /n1.txt HTTP/1.1\r\nHost: a\r\nX-Probe: caf\u00e9\r\nX-Probe: plain\r\n\r\n";

    exchange(request + request);

    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).probes().get(0)).isEqualTo("caf\u00e9").isSameAs(seen.get(0).probes().get(0));
    assertThat(seen.get(1).probes().get(1)).isSameAs(seen.get(0).probes().get(1));
  }

  // ---- refusals of the request line and the header section -----------------------------------------

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("bare LF ending the request line", "GET /n0.txt HTTP/1.1\nHost: a\r\n\r\n"),
        Arguments.of("bare LF ending a field", "GET /n0.txt HTTP/1.1\r\nHost: a\n\r\n"),
        Arguments.of("bare LF as the empty line", "GET /n0.txt HTTP/1.1\r\nHost: a\r\n\n"),
        Arguments.of("bare LF before the request line", "\nGET /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("bare CR before the request line", "\rGET /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("bare CR in the request line", "GET /n0.txt\rHTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("bare CR ending a field", "GET /n0.txt HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"),
        Arguments.of("bare CR in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"),
        Arguments.of("CR CR LF", "GET /n0.txt HTTP/1.1\r\nHost: a\r\r\n\r\n"),
        Arguments.of("obs-fold with a space", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"),
        Arguments.of("obs-fold with a tab", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"),
        Arguments.of("first field line folded", "GET /n0.txt HTTP/1.1\r\n Host: a\r\n\r\n"),
        Arguments.of("space before the colon", "GET /n0.txt HTTP/1.1\r\nHost : a\r\n\r\n"),
        Arguments.of("tab before the colon", "GET /n0.txt HTTP/1.1\r\nHost\t: a\r\n\r\n"),
        Arguments.of("field without a colon", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nthis has no colon\r\n\r\n"),
        Arguments.of("empty field name", "GET /n0.txt HTTP/1.1\r\nHost: a\r\n: a\r\n\r\n"),
        Arguments.of("NUL in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"),
        Arguments.of("SOH in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n"),
        Arguments.of("ESC in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\u001bb\r\n\r\n"),
        Arguments.of("VT in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\u000bb\r\n\r\n"),
        Arguments.of("DEL in a value", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n"),
        Arguments.of("NUL at the end of a value", "GET /n0.txt HTTP/1.1\r\nHost: a\0\r\n\r\n"),
        Arguments.of("separator in a name", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX(Y): a\r\n\r\n"),
        Arguments.of("space in a name", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX Y: a\r\n\r\n"),
        Arguments.of("non-ASCII in a name", "GET /n0.txt HTTP/1.1\r\nHost: a\r\nX\u00e9: a\r\n\r\n"),
        Arguments.of("non-token method", "G(T /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("colon in the method", "G:T /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("non-ASCII method", "G\u00c9T /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("empty method", " /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("space in the target", "GET /n0 .txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("two spaces after the method", "GET  /n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("two spaces before the version", "GET /n0.txt  HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("tab as a separator", "GET\t/n0.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("space after the version", "GET /n0.txt HTTP/1.1 \r\nHost: a\r\n\r\n"),
        Arguments.of("Latin-1 byte in the target", "GET /n\u00e9.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("UTF-8 in the target", "GET /n\u00c3\u00a9.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("control character in the target", "GET /n\u0001.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("DEL in the target", "GET /n\u007f.txt HTTP/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("HTTP/0.9", "GET /n0.txt\r\n"),
        Arguments.of("no version", "GET /n0.txt \r\nHost: a\r\n\r\n"),
        Arguments.of("lower-case protocol", "GET /n0.txt http/1.1\r\nHost: a\r\n\r\n"),
        Arguments.of("version without a minor", "GET /n0.txt HTTP/1\r\nHost: a\r\n\r\n"),
        Arguments.of("two-digit minor version", "GET /n0.txt HTTP/1.10\r\nHost: a\r\n\r\n"),
        Arguments.of("letter for the minor version", "GET /n0.txt HTTP/1.x\r\nHost: a\r\n\r\n"),
        Arguments.of("not HTTP", "THIS IS NOT HTTP\r\n\r\n"),
        Arguments.of("a TLS ClientHello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void request_malformed_returns400AndClosesWithoutAnsweringWhatFollows(String name, String request) {
    assertRefused(exchange(request + get("/n1.txt")), 400);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void request_malformedAfterAGoodOne_answersTheGoodOneThenRefuses(String name, String request) {
    String out = exchange(get("/n2.txt") + request + get("/n1.txt"));

    List<Answer> answers = answers(out);
    assertThat(answers).as(out).hasSize(2);
    assertThat(answers.get(0).body()).isEqualTo(body(2));
    assertThat(answers.get(1).status()).isEqualTo(400);
    assertThat(answers.get(1).field("connection")).isEqualTo("close");
    assertThat(seen).extracting(Seen::uri).containsExactly("/n2.txt");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void request_refusedWhileItsAnswerIsHeld_ignoresWhatArrivesAfter() {
    holdWrites();
    feed("GET /n0.txt HTTP/1.1\r\nHost : a\r\n\r\n");
    feed(get("/n1.txt"));

    held.release();

    assertRefused(out(), 400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"})
  void request_majorVersionOtherThan1_returns505(String version) {
    assertRefused(exchange("GET /n0.txt " + version + "\r\nHost: a\r\n\r\n" + get("/n1.txt")), 505);
  }

  @Test
  void request_http2Preface_returns505() {
    assertRefused(exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\u0012\u0004\0\0\0\0\0"), 505);
  }

  @Test
  void request_http2PrefaceFirstLineAlone_returns505WithoutWaitingForMore() {
    assertRefused(exchange("PRI * HTTP/2.0\r\n"), 505);
  }

  @Test
  void request_http11MinorVersionAbove1_isServedAsHttp11() {
    String out = exchange("GET /n3.txt HTTP/1.2\r\nHost: a\r\n\r\n" + get("/n4.txt"));

    assertBodies(out, 3, 4);
    assertThat(channel.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void request_randomGarbage_getsOne400AndTheConnectionCloses(int seed) {
    Random random = new Random(seed);
    byte[] garbage = new byte[1 + random.nextInt(3000)];
    random.nextBytes(garbage);
    garbage[0] = (byte) (garbage[0] | 0x80); // never a token character, so never a request line
    byte[] ended = Arrays.copyOf(garbage, garbage.length + 4);
    System.arraycopy(new byte[] {'\r', '\n', '\r', '\n'}, 0, ended, garbage.length, 4);
    feed(ended);

    assertRefused(out(), 400);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "GET /n0.txt HTTP/1.1\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
    "GET /n0.txt HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a b\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a/b\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: user@a\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a?b\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: a\\b\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: \"a\"\r\n\r\n",
    "GET /n0.txt HTTP/1.1\r\nHost: caf\u00e9.example\r\n\r\n"
  })
  void host_missingOnHttp11RepeatedOrNotAnAuthority_returns400(String request) {
    assertRefused(exchange(request + get("/n1.txt")), 400);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "a", "edge.example.com:8080", "127.0.0.1", "[::1]:443", "[v1.x]", "xn--caf-dma.example", "a%2eb"})
  void host_anAuthorityOrEmpty_isServed(String host) {
    assertBodies(exchange("GET /n1.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n" + get("/n2.txt")), 1, 2);
  }

  @Test
  void host_missingOnHttp10_isServed() {
    assertBodies(exchange("GET /n1.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/n2.txt")), 1, 2);
  }

  // ---- versions and Connection ----------------------------------------------------------------------

  @Test
  void http10_withoutKeepAlive_isAnsweredWithConnectionCloseAndClosed() {
    String out = exchange("GET /n2.txt HTTP/1.0\r\n\r\n" + get("/n3.txt"));

    Answer answer = single(out);
    assertThat(answer.body()).isEqualTo(body(2));
    assertThat(answer.field("connection")).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void http10_withKeepAlive_isAnsweredWithKeepAliveAndStaysOpen() {
    String out = exchange("GET /n2.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
        + "GET /n5.txt HTTP/1.0\r\nconnection: foo, keep-alive\r\n\r\n");

    List<Answer> answers = answers(out);
    assertBodies(out, 2, 5);
    assertThat(answers).allSatisfy(a -> assertThat(a.field("connection")).isEqualTo("keep-alive"));
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void http10_keepAliveAndClose_closes() {
    Answer answer = single(exchange("GET /n2.txt HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"));

    assertThat(answer.field("connection")).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void http11_byDefault_staysOpenWithoutAConnectionField() {
    Answer answer = single(exchange(get("/n2.txt")));

    assertThat(answer.field("connection")).isNull();
    assertThat(channel.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"close", "Close", "keep-alive, close", "upgrade,CLOSE", " close "})
  void http11_connectionClose_isHonouredAndWhatFollowsIsNotAnswered(String value) {
    String out = exchange("GET /n2.txt HTTP/1.1\r\nHost: a\r\nConnection: " + value + "\r\n\r\n" + get("/n3.txt"));

    Answer answer = single(out);
    assertThat(answer.body()).isEqualTo(body(2));
    assertThat(answer.field("connection")).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void http11_connectionCloseInASecondField_isHonoured() {
    Answer answer = single(exchange(
        "GET /n2.txt HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n" + get("/n3.txt")));

    assertThat(answer.field("connection")).isEqualTo("close");
    assertThat(channel.isOpen()).isFalse();
  }

  // ---- bodies: Content-Length -----------------------------------------------------------------------

  @Test
  void get_withASmallBody_readsItAndAnswersWhatFollows() {
    String out = exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nGET /n6.txt" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen).extracting(Seen::body).containsExactly("GET /n6.txt", "");
  }

  @Test
  void get_withABodySplitAcrossReads_waitsForAllOfIt() {
    feed("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhel");
    assertThat(out()).isEmpty();
    feed("lo wo");
    assertThat(out()).isEmpty();

    String out = exchange("rld" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen).extracting(Seen::body).containsExactly("hello world", "");
  }

  @Test
  void get_bodyOfExactlyTheAllowance_isRead() {
    int allowance = Responder.BODILESS_ALLOWANCE;
    String out = exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: " + allowance + "\r\n\r\n" + "b".repeat(allowance) + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen.get(0).body()).hasSize(allowance);
  }

  @Test
  void get_bodyOverTheAllowance_returns413BeforeTheBodyArrives() {
    String head = "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: " + (Responder.BODILESS_ALLOWANCE + 1) + "\r\n\r\n";

    assertRefused(exchange(head), 413);
  }

  @Test
  void get_zeroContentLength_isAnsweredAtOnce() {
    assertBodies(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n" + get("/n2.txt")), 1, 2);
  }

  @Test
  void get_equalContentLengths_areOneLength() {
    String out = exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen).extracting(Seen::body).containsExactly("abc", "");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"abc", "+3", "-3", "3 3", "3,3", "3, 3", "0x3", "3.0", "", "1234567890123456789"})
  void get_contentLengthNotDigits_returns400(String value) {
    assertRefused(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + "\r\n\r\nabc" + get("/n2.txt")), 400);
  }

  @Test
  void get_differentContentLengths_returns400() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd" + get("/n2.txt")), 400);
  }

  @Test
  void get_differentContentLengthsOnHttp10_returns400() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.0\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd" + get("/n2.txt")), 400);
  }

  @Test
  void get_contentLengthTrimmed_isALength() {
    assertBodies(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: \t3 \r\n\r\nabc" + get("/n2.txt")), 1, 2);
  }

  // ---- bodies: Transfer-Encoding --------------------------------------------------------------------

  private static final String CHUNKED_HEAD = "GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

  @Test
  void chunked_withExtensionsTrailersAndSeveralChunks_isReadWhole() {
    String out = exchange(CHUNKED_HEAD
        + "5;name=value\r\nhello\r\n"
        + "1;a;b=\"q d\"\r\n \r\n"
        + "A\r\n0123456789\r\n"
        + "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n"
        + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen).extracting(Seen::body).containsExactly("hello 0123456789", "");
  }

  @Test
  void chunked_upperCaseHexAndCodingName_isRead() {
    String out = exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
        + "1A\r\n" + "z".repeat(26) + "\r\n0\r\n\r\n" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen.get(0).body()).isEqualTo("z".repeat(26));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
    "5 ;a\r\n", "5\t; a = b\r\n", "5;a=\"\"\r\n", "5;a=\"x \\\" ; \\\\ \u00e9\";b\r\n", "000000005\r\n", "0005;x=y;z\r\n"
  })
  void chunked_sizeLineWithinTheGrammar_isRead(String sizeLine) {
    String out = exchange(CHUNKED_HEAD + sizeLine + "hello\r\n0\r\n\r\n" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen.get(0).body()).isEqualTo("hello");
  }

  @Test
  void chunked_lastChunkWithExtensionsAndLeadingZeros_endsTheBody() {
    assertBodies(exchange(CHUNKED_HEAD + "3\r\nabc\r\n000 ; done\r\nX-Sum: \u00e9\r\n\r\n" + get("/n2.txt")), 1, 2);
  }

  @Test
  void chunked_emptyBody_isRead() {
    assertBodies(exchange(CHUNKED_HEAD + "0\r\n\r\n" + get("/n2.txt")), 1, 2);
    assertThat(seen.get(0).body()).isEmpty();
  }

  @Test
  void chunked_sentByteByByte_isReadWhole() {
    byte[] request = (CHUNKED_HEAD + "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n" + get("/n2.txt"))
        .getBytes(StandardCharsets.US_ASCII);
    StringBuilder out = new StringBuilder();
    for (byte b : request) {
      feed(new byte[] {b});
      out.append(out());
    }

    assertBodies(out.toString(), 1, 2);
    assertThat(seen).extracting(Seen::body).containsExactly("hello world", "");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
    "zz\r\n", "\r\n", "-1\r\n", " 5\r\nhello\r\n", "5 x\r\nhello\r\n", "0x5\r\nhello\r\n", "+5\r\nhello\r\n",
    "5\nhello\r\n", "5\r\nhelloX\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n", "5\r\nhello\r\n0\r\n\n",
    "123456789\r\n", "5;\0\r\nhello\r\n", "5;a\rb\r\nhello\r\n", "5;\r\nhello\r\n", "5 \r\nhello\r\n",
    "5;a b\r\nhello\r\n", "5;a=\r\nhello\r\n", "5;a=\"x\r\nhello\r\n", "5;=b\r\nhello\r\n", "5;a=b c\r\nhello\r\n",
    "5;a=\"\u0001\"\r\nhello\r\n", "5;a=(b)\r\nhello\r\n", "5;a=b \r\nhello\r\n",
    "0\r\nX: a\rb\r\n\r\n", "0\r\nX: a\r\n folded\r\n\r\n", "0\r\nno colon\r\n\r\n", "0\r\nX: a\0\r\n\r\n",
    "0\r\nX : a\r\n\r\n", "0\r\n\tX: a\r\n\r\n"
  })
  void chunked_malformed_returns400(String body) {
    assertRefused(exchange(CHUNKED_HEAD + body + "0\r\n\r\n" + get("/n2.txt")), 400);
  }

  @Test
  void chunked_chunkOverTheAllowance_returns413BeforeItsDataArrives() {
    String size = Integer.toHexString(Responder.BODILESS_ALLOWANCE + 1);

    assertRefused(exchange(CHUNKED_HEAD + size + "\r\n"), 413);
  }

  @Test
  void chunked_chunksAddingUpOverTheAllowance_returns413() {
    String chunk = "1000\r\n" + "c".repeat(0x1000) + "\r\n";

    assertRefused(exchange(CHUNKED_HEAD + chunk + chunk + "1\r\n"), 413);
  }

  @Test
  void chunked_trailerSectionTooLarge_returns431() {
    assertRefused(exchange(CHUNKED_HEAD + "0\r\nX-Big: " + "t".repeat(9000) + "\r\n\r\n"), 431);
  }

  @Test
  void chunked_withContentLength_returns400() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get("/n2.txt")),
        400);
  }

  @Test
  void chunked_withContentLengthAfterIt_returns400() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n" + get("/n2.txt")),
        400);
  }

  @Test
  void chunked_onHttp10_returns400() {
    assertRefused(exchange("GET /n1.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get("/n2.txt")), 400);
  }

  @Test
  void chunked_twoTransferEncodingFields_returns400() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"gzip", "gzip, chunked", "chunked, gzip", "identity", "chunked;q=1", "x"})
  void transferEncoding_otherThanChunked_returns501(String value) {
    assertRefused(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + value + "\r\n\r\n0\r\n\r\n"), 501);
  }

  // ---- Expect -------------------------------------------------------------------------------------------

  @Test
  void expectContinue_headAlone_gets100OnceThenTheAnswerAfterTheBody() {
    feed("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n");
    assertThat(out()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
    feed("he");
    assertThat(out()).isEmpty();

    String out = exchange("llo" + get("/n2.txt"));

    assertBodies(out, 1, 2);
    assertThat(seen.get(0).body()).isEqualTo("hello");
  }

  @Test
  void expectContinue_chunkedBody_gets100Once() {
    feed("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertThat(out()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

    String out = exchange("3\r\nabc\r\n0\r\n\r\n");

    assertBodies(out, 1);
  }

  @Test
  void expectContinue_bodyArrivingWithTheHead_isAnsweredWithout100() {
    String out = exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab");

    assertBodies(out, 1);
  }

  @Test
  void expectContinue_withoutABody_isAnsweredWithout100() {
    String out = exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n");

    assertBodies(out, 1);
  }

  @Test
  void expectContinue_bodyTooLarge_gets413Without100() {
    assertRefused(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n"), 413);
  }

  @Test
  void expectContinue_onHttp10_isIgnored() {
    feed("GET /n1.txt HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assertThat(out()).isEmpty();

    assertBodies(exchange("ab"), 1);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"200-ok", "100-continue-please", "100-continue, x", ""})
  void expect_unknownExpectation_returns417(String value) {
    assertRefused(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: " + value + "\r\nContent-Length: 2\r\n\r\nab"), 417);
  }

  @Test
  void expect_unknownExpectationInASecondField_returns417() {
    assertRefused(exchange(
        "GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nExpect: x\r\nContent-Length: 2\r\n\r\nab"), 417);
  }

  @Test
  void expect_unknownExpectationWithoutABody_returns417() {
    assertRefused(exchange("GET /n1.txt HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n" + get("/n2.txt")), 417);
  }

  // ---- limits -------------------------------------------------------------------------------------------

  @Test
  void requestLine_ofExactlyTheLimit_isServed() {
    int max = config.server().maxUriBytes();
    String target = "/n3.txt?q=" + "x".repeat(max - "GET ".length() - " HTTP/1.1".length() - "/n3.txt?q=".length());
    String line = "GET " + target + " HTTP/1.1";
    assertThat(line).hasSize(max);

    assertBodies(exchange(line + "\r\nHost: a\r\n\r\n"), 3);
  }

  @Test
  void requestLine_overTheLimit_returns414() {
    int max = config.server().maxUriBytes();
    String target = "/n3.txt?q=" + "x".repeat(max + 1 - "GET ".length() - " HTTP/1.1".length() - "/n3.txt?q=".length());

    assertRefused(exchange("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414);
  }

  @Test
  void requestLine_overTheLimit_returns414BeforeItsEndArrives() {
    assertRefused(exchange("GET /" + "x".repeat(config.server().maxUriBytes() + 2)), 414);
  }

  @Test
  void headerSection_ofExactlyTheLimit_isServed() {
    int max = config.server().maxHeaderBytes();
    String fields = "Host: a\r\nX: " + "v".repeat(max - "Host: a\r\nX: \r\n".length()) + "\r\n";
    assertThat(fields).hasSize(max);

    assertBodies(exchange("GET /n3.txt HTTP/1.1\r\n" + fields + "\r\n"), 3);
  }

  @Test
  void headerSection_overTheLimit_returns431() {
    int max = config.server().maxHeaderBytes();
    String fields = "Host: a\r\nX: " + "v".repeat(max + 1 - "Host: a\r\nX: \r\n".length()) + "\r\n";

    assertRefused(exchange("GET /n3.txt HTTP/1.1\r\n" + fields + "\r\n"), 431);
  }

  @Test
  void headerSection_overTheLimit_returns431BeforeItsEndArrives() {
    assertRefused(exchange("GET /n3.txt HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(config.server().maxHeaderBytes())), 431);
  }

  @Test
  void headerSection_manySmallFieldsOverTheLimit_returns431() {
    assertRefused(exchange("GET /n3.txt HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(config.server().maxHeaderBytes() / 6)), 431);
  }

  @Test
  void headerSection_of128Fields_isServed() {
    String fields = "Host: a\r\n" + "X-F: v\r\n".repeat(Http1Decoder.MAX_FIELDS - 1);

    assertBodies(exchange("GET /n3.txt HTTP/1.1\r\n" + fields + "\r\n" + get("/n4.txt")), 3, 4);
  }

  @Test
  void headerSection_of129Fields_returns431() {
    String fields = "Host: a\r\n" + "X-F: v\r\n".repeat(Http1Decoder.MAX_FIELDS);

    assertRefused(exchange("GET /n3.txt HTTP/1.1\r\n" + fields + "\r\n"), 431);
  }

  @Test
  void headerSection_fieldIndexGrownForOneRequest_servesTheNextOnesToo() {
    String many = "GET /n3.txt HTTP/1.1\r\nHost: a\r\n" + "X-Probe: v\r\n".repeat(100) + "\r\n";

    assertBodies(exchange(many + get("/n4.txt") + many), 3, 4, 3);
    assertThat(seen.get(2).probes()).hasSize(100);
  }

  // ---- the end of the connection ------------------------------------------------------------------------

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
    "GET /n1.txt HTTP/1.1\r\nHost: a\r\nX-Partial: ",
    "GET /n1.txt HTT",
    "\r\n\r",
    "GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello",
    "GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    "GET /n1.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: y\r\n"
  })
  void truncatedRequest_thenClose_answersNothingAndReleasesEverything(String request) {
    feed(request);
    assertThat(out()).isEmpty();
    assertThat(channel.isOpen()).isTrue();

    channel.close();

    assertThat(out()).isEmpty();
    assertThat(seen).isEmpty();
  }

  @Test
  void answerHeldWhenTheConnectionCloses_releasesTheRequest() {
    holdWrites();
    feed("GET /n1.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" + get("/n2.txt"));

    channel.close();

    assertThat(seen).hasSize(1);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n";
  }

  /** The body of {@code /nK.txt}. */
  private static String body(int k) {
    return String.valueOf((char) ('a' + k)).repeat(k + 1);
  }

  /** Reads every file once, so that later requests are memory hits answered synchronously. */
  private void warmAll() {
    StringBuilder all = new StringBuilder();
    for (int k = 0; k < 7; k++) {
      all.append(get("/n" + k + ".txt"));
    }
    assertThat(answers(exchange(all.toString()))).hasSize(7);
    seen.clear();
  }

  private void feed(String text) {
    feed(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes {@code bytes} as one read, in a buffer with room to spare as a socket read's would have. */
  private void feed(byte[] bytes) {
    ByteBuf buf = reads.directBuffer(Math.max(bytes.length, 1024));
    buf.writeBytes(bytes);
    fed.add(buf);
    channel.writeInbound(buf);
  }

  private String exchange(String request) {
    feed(request);
    return out();
  }

  /** Everything written to the client so far. */
  private String out() {
    channel.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
      try {
        if (message instanceof ByteBuf buf) {
          out.append(buf.toString(StandardCharsets.ISO_8859_1));
        } else if (message instanceof FileRegion region) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          WritableByteChannel target = Channels.newChannel(bytes);
          while (region.transferred() < region.count()) {
            region.transferTo(target, region.transferred());
          }
          out.append(bytes.toString(StandardCharsets.ISO_8859_1));
        } else {
          throw new AssertionError("unexpected message " + message);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
    return out.toString();
  }

  /** An answer as a client reads it: the status, the head (status line and fields) and the body. */
  record Answer(int status, String head, String body) {
    /** The value of the first field called {@code name}, or null. */
    String field(String name) {
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }
  }

  /** Splits what was written into answers, each body delimited by its Content-Length. */
  private static List<Answer> answers(String out) {
    List<Answer> answers = new ArrayList<>();
    int at = 0;
    while (at < out.length()) {
      int headEnd = out.indexOf("\r\n\r\n", at);
      assertThat(headEnd).as("the end of a head in %s", out.substring(at)).isPositive();
      String head = out.substring(at, headEnd);
      assertThat(head).startsWith("HTTP/1.1 ");
      Answer bodiless = new Answer(Integer.parseInt(head.substring(9, 12)), head, "");
      String length = bodiless.field("content-length");
      int bodyStart = headEnd + 4;
      int bodyEnd = bodyStart + (length == null ? 0 : Integer.parseInt(length));
      assertThat(out.length()).as("a whole body in %s", out.substring(at)).isGreaterThanOrEqualTo(bodyEnd);
      answers.add(new Answer(bodiless.status(), head, out.substring(bodyStart, bodyEnd)));
      at = bodyEnd;
    }
    return answers;
  }

  private static Answer single(String out) {
    List<Answer> answers = answers(out);
    assertThat(answers).as(out).hasSize(1);
    return answers.get(0);
  }

  /** Asserts that {@code out} is 200 answers with the bodies of {@code /nK.txt} for each K, in order. */
  private static void assertBodies(String out, int... files) {
    List<Answer> answers = answers(out);
    assertThat(answers).as("answers").hasSize(files.length);
    for (int i = 0; i < files.length; i++) {
      assertThat(answers.get(i).status()).as("status of answer %d", i).isEqualTo(200);
      assertThat(answers.get(i).body()).as("body of answer %d", i).isEqualTo(body(files[i]));
    }
  }

  /** Asserts that {@code out} is one refusal with {@code status}, and that the connection closed. */
  private void assertRefused(String out, int status) {
    Answer answer = single(out);
    assertThat(answer.status()).as(out).isEqualTo(status);
    assertThat(answer.field("connection")).isEqualTo("close");
    assertThat(answer.body()).isEqualTo(status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\n");
    assertThat(channel.isOpen()).as("open after %d", status).isFalse();
    assertThat(seen).as("requests that reached the responder").isEmpty();
  }

  /** Counts the bytes of every buffer allocated; {@link #used} is what is still allocated. */
  private static final class CountingAllocator extends AbstractByteBufAllocator {
    private final UnpooledByteBufAllocator delegate = new UnpooledByteBufAllocator(true);
    long allocated;

    CountingAllocator() {
      super(true);
    }

    long used() {
      return delegate.metric().usedDirectMemory() + delegate.metric().usedHeapMemory();
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      allocated += initialCapacity;
      return delegate.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      allocated += initialCapacity;
      return delegate.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  /** A buffer counting the bytes read from it one by one or searched. */
  private static final class CountingBuf extends UnpooledHeapByteBuf {
    long examined;

    CountingBuf(ByteBufAllocator alloc, int capacity) {
      super(alloc, capacity, capacity);
    }

    @Override
    public byte getByte(int index) {
      examined++;
      return super.getByte(index);
    }

    @Override
    public int indexOf(int fromIndex, int toIndex, byte value) {
      int found = super.indexOf(fromIndex, toIndex, value);
      examined += Math.abs((found < 0 ? toIndex : found + 1) - fromIndex);
      return found;
    }
  }

  private void holdWrites() {
    held = new HeldWrites();
    channel.pipeline().addFirst("held", held);
  }

  /**
   * Holds every write, with its promise, until released: a client that has not read its answers yet.
   * Must sit first in the pipeline (nearest the socket).
   */
  private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
    private final ArrayDeque<Object> messages = new ArrayDeque<>();
    private final ArrayDeque<ChannelPromise> promises = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      messages.add(msg);
      promises.add(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // held
    }

    int size() {
      return messages.size();
    }

    /** Lets out what is held now (writes made meanwhile are held in turn). */
    void release() {
      for (int n = messages.size(); n > 0; n--) {
        ctx.write(messages.poll(), promises.poll());
      }
      ctx.flush();
    }

    /** Releases what is held unwritten and fails its promises: the connection went away. */
    void drop() {
      while (!messages.isEmpty()) {
        ReferenceCountUtil.release(messages.poll());
        ChannelPromise promise = promises.poll();
        if (!promise.isVoid()) {
          promise.tryFailure(new ClosedChannelException());
        }
      }
    }
  }
}
