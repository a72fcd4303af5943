package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Path;
import media.edge.hls.ContentKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one decision from a request and a representation (RFC 9110 section 13.2.2 and 14), as a pure
 * function: the order of the conditionals, 412, ranges, and when an answer is per viewer or compressed.
 * The same cases over real sockets, against every source, are in {@code EverySourceTest}.
 */
class AnswersTest {
  private static final String ETAG = "\"5f1e2d3c4b5a0-4e20\"";
  private static final String OTHER = "\"5f1e2d3c4b5a1-4e20\"";
  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";
  private static final String EARLIER = "Sun, 06 Nov 1994 08:49:36 GMT";
  private static final String LATER = "Sun, 06 Nov 1994 08:49:38 GMT";

  private static Representation file(ContentKind kind, long length, Body body) {
    Fields fields = Fields.builder()
        .add(HttpHeaderNames.ETAG, ETAG)
        .add(HttpHeaderNames.LAST_MODIFIED, MODIFIED)
        .build();
    return Representation.builder(200, fields, body).length(length).kind(kind).build();
  }

  private static Representation segment() {
    return file(ContentKind.SEGMENT, 1000, Body.Empty.INSTANCE);
  }

  private static Request get(String... headers) {
    return request(HttpMethod.GET, headers);
  }

  private static Request request(HttpMethod method, String... headers) {
    DefaultFullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/a.ts", Unpooled.EMPTY_BUFFER);
    for (int i = 0; i < headers.length; i += 2) {
      message.headers().add(headers[i], headers[i + 1]);
    }
    return new Http2Request(message);
  }

  private static Answer decide(Request request, Representation representation) {
    return Answers.decide(request, false, representation, true);
  }

  @Test
  void noConditions_wholeBody() {
    Answer answer = decide(get(), segment());

    assertThat(answer.kind()).isEqualTo(Answer.Kind.FULL);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.count()).isEqualTo(1000);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // If-Match first; If-Unmodified-Since only without it (RFC 9110 section 13.2.2 steps 1 and 2)
        "If-Match|\"5f1e2d3c4b5a0-4e20\"|FULL",
        "If-Match|\"5f1e2d3c4b5a1-4e20\"|PRECONDITION_FAILED",
        "If-Match|*|FULL",
        "If-Match|W/\"5f1e2d3c4b5a0-4e20\"|PRECONDITION_FAILED",
        "If-Unmodified-Since|Sun, 06 Nov 1994 08:49:37 GMT|FULL",
        "If-Unmodified-Since|Sun, 06 Nov 1994 08:49:36 GMT|PRECONDITION_FAILED",
        "If-Unmodified-Since|not a date|FULL",
        // If-None-Match, then If-Modified-Since (steps 3 and 4)
        "If-None-Match|\"5f1e2d3c4b5a0-4e20\"|NOT_MODIFIED",
        "If-None-Match|W/\"5f1e2d3c4b5a0-4e20\"|NOT_MODIFIED",
        "If-None-Match|\"5f1e2d3c4b5a1-4e20\"|FULL",
        "If-None-Match|*|NOT_MODIFIED",
        "If-Modified-Since|Sun, 06 Nov 1994 08:49:37 GMT|NOT_MODIFIED",
        "If-Modified-Since|Sun, 06 Nov 1994 08:49:38 GMT|NOT_MODIFIED",
        "If-Modified-Since|Sun, 06 Nov 1994 08:49:36 GMT|FULL",
        "If-Modified-Since|yesterday|FULL",
        // ranges (step 5)
        "Range|bytes=0-99|PARTIAL",
        "Range|bytes=-10|PARTIAL",
        "Range|bytes=1000-|RANGE_NOT_SATISFIABLE",
        "Range|bytes=0-9,20-29|FULL",
        "Range|items=0-9|FULL",
        "Range|bytes=9-0|FULL"
      })
  void oneCondition(String field, String value, Answer.Kind expected) {
    assertThat(decide(get(field, value), segment()).kind()).isEqualTo(expected);
  }

  @Test
  void ifMatchFailing_winsOverIfNoneMatchMatching() {
    assertThat(decide(get("If-Match", OTHER, "If-None-Match", ETAG), segment()).kind())
        .isEqualTo(Answer.Kind.PRECONDITION_FAILED);
  }

  @Test
  void ifMatchPresent_ifUnmodifiedSinceIsIgnored() {
    assertThat(decide(get("If-Match", ETAG, "If-Unmodified-Since", EARLIER), segment()).kind()).isEqualTo(Answer.Kind.FULL);
  }

  @Test
  void ifNoneMatchMismatch_ifModifiedSinceIsIgnored() {
    // RFC 9110 section 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
    assertThat(decide(get("If-None-Match", OTHER, "If-Modified-Since", LATER), segment()).kind()).isEqualTo(Answer.Kind.FULL);
  }

  @Test
  void ifNoneMatchMatch_winsOverAStaleIfModifiedSince() {
    assertThat(decide(get("If-None-Match", ETAG, "If-Modified-Since", EARLIER), segment()).kind())
        .isEqualTo(Answer.Kind.NOT_MODIFIED);
  }

  @Test
  void notModified_beforeRange() {
    assertThat(decide(get("If-None-Match", ETAG, "Range", "bytes=0-9"), segment()).kind()).isEqualTo(Answer.Kind.NOT_MODIFIED);
  }

  @Test
  void range_windowIsClampedToTheLength() {
    Answer answer = decide(get("Range", "bytes=990-5000"), segment());

    assertThat(answer.kind()).isEqualTo(Answer.Kind.PARTIAL);
    assertThat(answer.first()).isEqualTo(990);
    assertThat(answer.count()).isEqualTo(10);
    assertThat(answer.status()).isEqualTo(206);
  }

  @Test
  void ifRange_otherVersion_sendsTheWholeBody() {
    assertThat(decide(get("Range", "bytes=0-9", "If-Range", OTHER), segment()).kind()).isEqualTo(Answer.Kind.FULL);
    assertThat(decide(get("Range", "bytes=0-9", "If-Range", ETAG), segment()).kind()).isEqualTo(Answer.Kind.PARTIAL);
    assertThat(decide(get("Range", "bytes=0-9", "If-Range", MODIFIED), segment()).kind()).isEqualTo(Answer.Kind.PARTIAL);
    assertThat(decide(get("Range", "bytes=0-9", "If-Range", LATER), segment()).kind()).isEqualTo(Answer.Kind.FULL);
  }

  @Test
  void otherStatuses_areSentAsTheyAre() {
    Representation notFound =
        Representation.builder(404, Fields.builder().add(HttpHeaderNames.ETAG, ETAG).build(), Body.Empty.INSTANCE)
            .length(0)
            .build();

    assertThat(decide(get("If-None-Match", ETAG), notFound).kind()).isEqualTo(Answer.Kind.FULL);
    assertThat(decide(get("If-None-Match", ETAG), notFound).status()).isEqualTo(404);
    assertThat(decide(get("Range", "bytes=0-1"), notFound).kind()).isEqualTo(Answer.Kind.FULL);
  }

  @Test
  void arriving_rangeWithoutLength_waitsForTheWholeBody() {
    Representation arriving = file(ContentKind.SEGMENT, -1, Body.Arriving.INSTANCE);

    assertThat(decide(get("Range", "bytes=0-9"), arriving).kind()).isEqualTo(Answer.Kind.NEEDS_WHOLE_BODY);
    assertThat(decide(get(), arriving).kind()).isEqualTo(Answer.Kind.FULL);
    assertThat(decide(get(), arriving).count()).isEqualTo(-1);
  }

  @Test
  void perViewerPlaylist_isRewrittenAndNeverRanged() {
    Representation playlist = file(ContentKind.PLAYLIST, 500, Body.Empty.INSTANCE);

    Answer answer = Answers.decide(get("Range", "bytes=0-9"), true, playlist, true);

    assertThat(answer.kind()).isEqualTo(Answer.Kind.FULL);
    assertThat(answer.rewrite()).isTrue();
    assertThat(Answers.decide(get(), true, file(ContentKind.SEGMENT, 9, Body.Empty.INSTANCE), true).rewrite()).isFalse();
  }

  @Test
  void perViewerPlaylist_stillAnswers304ToItsOwnValidator() {
    Representation playlist = file(ContentKind.PLAYLIST, 500, Body.Empty.INSTANCE);

    assertThat(Answers.decide(get("If-None-Match", "W/" + ETAG), true, playlist, true).kind())
        .isEqualTo(Answer.Kind.NOT_MODIFIED);
  }

  @Test
  void playlists_areCompressedForClientsThatAcceptIt_segmentsNever() {
    Representation playlist = file(ContentKind.PLAYLIST, 500, Body.Empty.INSTANCE);

    assertThat(decide(get("Accept-Encoding", "gzip"), playlist).coding()).isEqualTo(Answer.Coding.GZIP);
    assertThat(decide(get("Accept-Encoding", "deflate"), playlist).coding()).isEqualTo(Answer.Coding.DEFLATE);
    assertThat(decide(get("Accept-Encoding", "gzip;q=0"), playlist).coding()).isEqualTo(Answer.Coding.IDENTITY);
    assertThat(decide(get("Accept-Encoding", "gzip"), segment()).coding()).isEqualTo(Answer.Coding.IDENTITY);
    assertThat(Answers.decide(get("Accept-Encoding", "gzip"), false, playlist, false).coding())
        .isEqualTo(Answer.Coding.IDENTITY);
  }

  /** The player page's script is no playlist, but keeps a gzip form: that form goes to gzip clients, nothing else is made. */
  @Test
  void otherContentWithAStoredGzipForm_sendsThatForm_neverCompressesForTheAnswer() {
    Representation gzip = Representation.builder(200, Fields.builder().add(HttpHeaderNames.CONTENT_ENCODING, "gzip").build(),
        Body.Empty.INSTANCE).length(300).build();
    Representation script = Representation.builder(200, Fields.builder().add(HttpHeaderNames.ETAG, ETAG).build(),
            Body.Empty.INSTANCE)
        .length(1000)
        .kind(ContentKind.OTHER)
        .variants(new Representation.Variants() {
          @Override
          public Representation gzip() {
            return gzip;
          }

          @Override
          public media.edge.hls.PlaylistRewriter.PlanSlot plans() {
            return null;
          }
        })
        .build();

    Answer toGzipClient = decide(get("Accept-Encoding", "gzip"), script);
    assertThat(toGzipClient.coding()).isEqualTo(Answer.Coding.STORED_GZIP);
    assertThat(toGzipClient.representation()).isSameAs(gzip);
    assertThat(Answers.decide(get("Accept-Encoding", "gzip"), false, script, false).representation())
        .as("http.gzip-playlists is about playlists").isSameAs(gzip);
    assertThat(decide(get("Accept-Encoding", "deflate"), script).coding()).isEqualTo(Answer.Coding.IDENTITY);
    assertThat(decide(get(), script).representation()).isSameAs(script);
    assertThat(decide(get("Accept-Encoding", "gzip", "Range", "bytes=0-9"), script).kind()).isEqualTo(Answer.Kind.PARTIAL);
  }

  /**
   * Regression: a playlist sent from a file went out as the file's bytes under Content-Encoding: gzip
   * (or deflate) and the identity length; the writer compresses only bytes held in memory.
   */
  @Test
  void playlistInAFile_isSentAsItIs() {
    Representation playlist = file(ContentKind.PLAYLIST, 500, new Body.InFile(FileSource.perRequest(Path.of("x")), 0));

    assertThat(decide(get("Accept-Encoding", "gzip"), playlist).coding()).isEqualTo(Answer.Coding.IDENTITY);
    assertThat(decide(get("Accept-Encoding", "deflate"), playlist).coding()).isEqualTo(Answer.Coding.IDENTITY);
  }

  @Test
  void head_neverCompressesOnlyToMeasure() {
    Representation playlist = file(ContentKind.PLAYLIST, 500, Body.Empty.INSTANCE);

    assertThat(decide(request(HttpMethod.HEAD, "Accept-Encoding", "gzip"), playlist).coding())
        .isEqualTo(Answer.Coding.IDENTITY);
  }

  private static Representation encoded(String contentEncoding) {
    Fields fields = Fields.builder()
        .add(HttpHeaderNames.ETAG, ETAG)
        .add(HttpHeaderNames.CONTENT_ENCODING, contentEncoding)
        .build();
    return Representation.builder(200, fields, Body.Empty.INSTANCE).length(100).kind(ContentKind.SEGMENT).build();
  }

  /** Issue 15: a gzip body an upstream sent anyway was passed to clients that never asked for gzip. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "gzip      | none                | NOT_ACCEPTABLE",
        "gzip      | identity            | NOT_ACCEPTABLE",
        "gzip      | gzip;q=0, deflate   | NOT_ACCEPTABLE",
        "gzip      | br                  | NOT_ACCEPTABLE",
        "gzip      | gzip, deflate, br   | FULL",
        "gzip      | x-gzip              | FULL",
        "gzip      | *                   | FULL",
        "deflate   | gzip                | NOT_ACCEPTABLE",
        "gzip, br  | gzip                | NOT_ACCEPTABLE",
        "gzip, br  | br, gzip            | FULL",
        "identity  | none                | FULL"
      })
  void contentEncodedBody_goesOnlyToClientsAcceptingEveryCoding(String coding, String accept, Answer.Kind expected) {
    Request request = accept == null ? get() : get("Accept-Encoding", accept);

    Answer answer = decide(request, encoded(coding));

    assertThat(answer.kind()).isEqualTo(expected);
    if (expected == Answer.Kind.NOT_ACCEPTABLE) {
      assertThat(answer.status()).isEqualTo(406);
      assertThat(answer.hasBody()).isFalse();
    }
  }
}
