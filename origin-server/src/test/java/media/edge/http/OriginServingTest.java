package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET and HEAD of the ffmpeg-made demo over a real socket: types, validators, caching, CORS, gzip. */
class OriginServingTest {
  private static final String MASTER = "/demo/master.m3u8";
  private static final String MEDIA = "/demo/240p/index.m3u8";
  private static final String SEGMENT = "/demo/240p/seg_001.ts";

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c,
          root -> {
            try {
              Files.writeString(root.resolve("notes.txt"), "hello\n");
              Files.write(root.resolve("demo/key.key"), new byte[16]);
              Files.writeString(root.resolve("demo/subs.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nhallo\n");
              Files.write(root.resolve("demo/init.mp4"), new byte[64]);
              Files.write(root.resolve("demo/part.m4s"), new byte[64]);
              Files.write(root.resolve("demo/audio.aac"), new byte[64]);
              Files.write(root.resolve("empty.ts"), new byte[0]);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

  private byte[] file(String path) throws IOException {
    return Files.readAllBytes(server.root().resolve(path.substring(1)));
  }

  @Test
  void get_segment_returnsFileBytesWithTypeAndValidators() throws IOException {
    Response response = RawHttp.get(server.port(), SEGMENT);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(file(SEGMENT));
    assertThat(response.header("content-type")).isEqualTo("video/mp2t");
    assertThat(response.header("content-length")).isEqualTo(Integer.toString(file(SEGMENT).length));
    assertThat(response.header("etag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
    assertThat(response.header("last-modified")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    assertThat(response.header("accept-ranges")).isEqualTo("bytes");
    assertThat(response.header("date")).isNotNull();
  }

  @Test
  void get_sameSegmentTwice_secondComesFromMemoryWithSameValidators() throws IOException {
    Response first = RawHttp.get(server.port(), "/demo/360p/seg_002.ts");
    double memoryBefore = memoryBytes();
    Response second = RawHttp.get(server.port(), "/demo/360p/seg_002.ts");

    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.header("etag")).isEqualTo(first.header("etag"));
    assertThat(memoryBefore).isPositive();
    // Counted when the response's last write completes, which can be after the client read it.
    Await.asserted("the memory hit to be counted", () -> assertThat(server.metrics())
        .contains("edge_http_requests_seconds_count{cache=\"memory\",kind=\"segment\",method=\"GET\",status=\"200\"}"));
  }

  private double memoryBytes() throws IOException {
    return server.metric("edge_cache_bytes{tier=\"memory\"}");
  }

  @Test
  void head_segment_sendsHeadersOnly() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.send("HEAD", SEGMENT);
      Response head = http.read(true);
      http.send("GET", "/notes.txt");
      Response next = http.read(false);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo(Integer.toString(file(SEGMENT).length));
      assertThat(head.body()).isEmpty();
      assertThat(next.text()).isEqualTo("hello\n");
    }
  }

  @Test
  void get_contentTypes_followHlsTable() throws IOException {
    assertThat(RawHttp.get(server.port(), MASTER).header("content-type")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(RawHttp.get(server.port(), "/demo/init.mp4").header("content-type")).isEqualTo("video/mp4");
    assertThat(RawHttp.get(server.port(), "/demo/part.m4s").header("content-type")).isEqualTo("video/iso.segment");
    assertThat(RawHttp.get(server.port(), "/demo/audio.aac").header("content-type")).isEqualTo("audio/aac");
    assertThat(RawHttp.get(server.port(), "/demo/subs.vtt").header("content-type")).startsWith("text/vtt");
    assertThat(RawHttp.get(server.port(), "/demo/key.key").header("content-type")).isEqualTo("application/octet-stream");
    assertThat(RawHttp.get(server.port(), "/notes.txt").header("content-type")).startsWith("text/plain");
  }

  @Test
  void get_cacheControl_dependsOnKind() throws IOException {
    assertThat(RawHttp.get(server.port(), SEGMENT).header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(RawHttp.get(server.port(), MEDIA).header("cache-control")).isEqualTo("public, max-age=86400");
    assertThat(RawHttp.get(server.port(), MASTER).header("cache-control")).isEqualTo("public, max-age=60");
    assertThat(RawHttp.get(server.port(), "/demo/init.mp4").header("cache-control")).contains("immutable");
    assertThat(RawHttp.get(server.port(), "/demo/key.key").header("cache-control")).isEqualTo("private, no-store");
    assertThat(RawHttp.get(server.port(), "/missing.ts").header("cache-control")).isEqualTo("no-store");
  }

  @Test
  void get_ifNoneMatchMatches_returns304WithValidators() throws IOException {
    String etag = RawHttp.get(server.port(), SEGMENT).header("etag");

    Response response = RawHttp.get(server.port(), SEGMENT, "If-None-Match: " + etag);

    assertThat(response.status()).isEqualTo(304);
    assertThat(response.header("etag")).isEqualTo(etag);
    assertThat(response.header("cache-control")).isNotNull();
    assertThat(response.body()).isEmpty();
  }

  @Test
  void get_ifNoneMatchListWeakOrStar_returns304() throws IOException {
    String etag = RawHttp.get(server.port(), SEGMENT).header("etag");

    assertThat(RawHttp.get(server.port(), SEGMENT, "If-None-Match: \"x\", W/" + etag).status()).isEqualTo(304);
    assertThat(RawHttp.get(server.port(), SEGMENT, "If-None-Match: *").status()).isEqualTo(304);
    assertThat(RawHttp.get(server.port(), SEGMENT, "If-None-Match: \"other\"").status()).isEqualTo(200);
  }

  @Test
  void get_ifModifiedSince_returns304OnlyWhenNotNewer() throws IOException {
    String lastModified = RawHttp.get(server.port(), SEGMENT).header("last-modified");

    assertThat(RawHttp.get(server.port(), SEGMENT, "If-Modified-Since: " + lastModified).status()).isEqualTo(304);
    assertThat(RawHttp.get(server.port(), SEGMENT, "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT").status())
        .isEqualTo(200);
  }

  @Test
  void get_ifNoneMatchMismatch_ignoresIfModifiedSince() throws IOException {
    String lastModified = RawHttp.get(server.port(), SEGMENT).header("last-modified");

    Response response =
        RawHttp.get(server.port(), SEGMENT, "If-None-Match: \"nope\"", "If-Modified-Since: " + lastModified);

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void get_malformedIfModifiedSince_isIgnored() throws IOException {
    Response response = RawHttp.get(server.port(), SEGMENT, "If-Modified-Since: yesterday-ish");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(file(SEGMENT));
  }

  @Test
  void get_range_returns206WithContentRange() throws IOException {
    byte[] whole = file(SEGMENT);

    Response first = RawHttp.get(server.port(), SEGMENT, "Range: bytes=0-99");
    Response open = RawHttp.get(server.port(), SEGMENT, "Range: bytes=1000-");
    Response suffix = RawHttp.get(server.port(), SEGMENT, "Range: bytes=-188");

    assertThat(first.status()).isEqualTo(206);
    assertThat(first.header("content-range")).isEqualTo("bytes 0-99/" + whole.length);
    assertThat(first.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 0, 100));
    assertThat(open.header("content-range")).isEqualTo("bytes 1000-" + (whole.length - 1) + "/" + whole.length);
    assertThat(open.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 1000, whole.length));
    assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 188, whole.length));
  }

  @Test
  void get_rangeBeyondEnd_returns416WithLength() throws IOException {
    int length = file(SEGMENT).length;

    Response response = RawHttp.get(server.port(), SEGMENT, "Range: bytes=" + length + "-");

    assertThat(response.status()).isEqualTo(416);
    assertThat(response.header("content-range")).isEqualTo("bytes */" + length);
    assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
  }

  @Test
  void get_multiRangeOrBadRange_sendsWholeFile() throws IOException {
    byte[] whole = file(SEGMENT);

    Response multi = RawHttp.get(server.port(), SEGMENT, "Range: bytes=0-9,20-29");
    Response garbage = RawHttp.get(server.port(), SEGMENT, "Range: bytes=abc");
    Response unit = RawHttp.get(server.port(), SEGMENT, "Range: pages=1-2");

    assertThat(multi.status()).isEqualTo(200);
    assertThat(multi.body()).isEqualTo(whole);
    assertThat(garbage.status()).isEqualTo(200);
    assertThat(unit.status()).isEqualTo(200);
  }

  @Test
  void get_ifRange_honoursRangeOnlyForCurrentVersion() throws IOException {
    Response full = RawHttp.get(server.port(), SEGMENT);
    String etag = full.header("etag");

    Response current = RawHttp.get(server.port(), SEGMENT, "Range: bytes=0-9", "If-Range: " + etag);
    Response stale = RawHttp.get(server.port(), SEGMENT, "Range: bytes=0-9", "If-Range: \"old\"");
    Response byDate =
        RawHttp.get(server.port(), SEGMENT, "Range: bytes=0-9", "If-Range: " + full.header("last-modified"));

    assertThat(current.status()).isEqualTo(206);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(full.body());
    assertThat(byDate.status()).isEqualTo(206);
  }

  @Test
  void get_emptyFile_returns200WithZeroLength() throws IOException {
    Response response = RawHttp.get(server.port(), "/empty.ts");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-length")).isEqualTo("0");
  }

  @Test
  void get_anyOrigin_allowsAndExposesHeaders() throws IOException {
    Response response = RawHttp.get(server.port(), SEGMENT, "Origin: https://player.example");

    assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
    assertThat(response.header("access-control-expose-headers")).contains("Content-Length", "Content-Range");
    assertThat(response.header("vary")).isNull();
  }

  @Test
  void options_preflight_answers204WithAllowedMethods() throws IOException {
    Response response =
        RawHttp.request(
            server.port(),
            "OPTIONS",
            SEGMENT,
            "Origin: https://player.example",
            "Access-Control-Request-Method: GET",
            "Access-Control-Request-Headers: range");

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("access-control-allow-origin")).isEqualTo("*");
    assertThat(response.header("access-control-allow-methods")).contains("GET", "HEAD");
    assertThat(response.header("access-control-allow-headers")).isEqualToIgnoringCase("range");
    assertThat(response.header("access-control-max-age")).isEqualTo("86400");
  }

  @Test
  void options_withoutPreflight_listsAllowedMethods() throws IOException {
    Response response = RawHttp.request(server.port(), "OPTIONS", SEGMENT);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
  }

  @Test
  void get_playlistAcceptingGzip_isCompressedWithWeakEtag() throws IOException {
    Response response = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-encoding")).isEqualTo("gzip");
    assertThat(response.header("vary")).containsIgnoringCase("accept-encoding");
    assertThat(response.header("etag")).startsWith("W/\"");
    try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
      assertThat(gunzip.readAllBytes()).isEqualTo(file(MEDIA));
    }
  }

  @Test
  void headAndGet_ofAGzippedPlaylist_agreeOnHeaders() throws IOException {
    Response get = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip");
    Response head = RawHttp.request(server.port(), "HEAD", MEDIA, "Accept-Encoding: gzip");

    assertThat(head.header("content-encoding")).isEqualTo("gzip");
    assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
    assertThat(head.header("etag")).isEqualTo(get.header("etag"));
  }

  @Test
  void get_playlistRefusingGzip_isSentAsIs() throws IOException {
    Response refused = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip;q=0, br");

    assertThat(refused.header("content-encoding")).isNull();
    assertThat(refused.body()).isEqualTo(file(MEDIA));
  }

  @Test
  void get_playlistAcceptingOnlyDeflate_isDeflated() throws IOException {
    Response response = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: deflate");

    assertThat(response.header("content-encoding")).isEqualTo("deflate");
    try (java.util.zip.InflaterInputStream inflate = new java.util.zip.InflaterInputStream(new ByteArrayInputStream(response.body()))) {
      assertThat(inflate.readAllBytes()).isEqualTo(file(MEDIA));
    }
  }

  @Test
  void get_compressedPlaylistEtag_revalidatesTo304() throws IOException {
    String weak = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip").header("etag");

    Response response = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip", "If-None-Match: " + weak);

    assertThat(response.status()).isEqualTo(304);
  }

  @Test
  void get_segmentAcceptingGzip_isNeverCompressed() throws IOException {
    Response response = RawHttp.get(server.port(), SEGMENT, "Accept-Encoding: gzip, deflate");

    assertThat(response.header("content-encoding")).isNull();
    assertThat(response.body()).isEqualTo(file(SEGMENT));
  }

  @Test
  void get_playlistRangeAcceptingGzip_isNotCompressed() throws IOException {
    Response response = RawHttp.get(server.port(), MEDIA, "Accept-Encoding: gzip", "Range: bytes=0-6");

    assertThat(response.status()).isEqualTo(206);
    assertThat(response.header("content-encoding")).isNull();
    assertThat(response.text()).isEqualTo("#EXTM3U");
  }

  @Test
  void get_absoluteFormAndQuery_servesThePath() throws IOException {
    Response absolute = RawHttp.get(server.port(), "http://edge.example" + SEGMENT);
    Response query = RawHttp.get(server.port(), SEGMENT + "?session=1&x=%2F..");

    assertThat(absolute.status()).isEqualTo(200);
    assertThat(query.status()).isEqualTo(200);
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw(
          "GET /notes.txt HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET /missing HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET " + MASTER + " HTTP/1.1\r\nHost: a\r\n\r\n"
              + "HEAD " + SEGMENT + " HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET /demo/360p/seg_003.ts HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(http.read(false).text()).isEqualTo("hello\n");
      assertThat(http.read(false).status()).isEqualTo(404);
      assertThat(http.read(false).body()).isEqualTo(file(MASTER));
      assertThat(http.read(true).status()).isEqualTo(200);
      assertThat(http.read(false).body()).isEqualTo(file("/demo/360p/seg_003.ts"));
    }
  }

  @Test
  void connectionClose_isHonoured() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.send("GET", "/notes.txt", "Connection: close");
      Response response = http.read(false);

      assertThat(response.header("connection")).isEqualToIgnoringCase("close");
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void http10WithoutKeepAlive_isClosedAfterResponse() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /notes.txt HTTP/1.0\r\n\r\n");
      Response response = http.read(false);

      assertThat(response.text()).isEqualTo("hello\n");
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void largeRequestBodyOnGet_isRefusedWith413() throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw("GET /notes.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000));
      assertThat(http.read(false).status()).isEqualTo(413);
    }
  }

  @Test
  void playlistPath_withinLibrary_isNotReadFromOutside() throws IOException {
    Path outside = Files.createTempFile("outside", ".m3u8");
    try {
      Response response = RawHttp.get(server.port(), "/" + outside.getFileName());
      assertThat(response.status()).isEqualTo(404);
    } finally {
      Files.delete(outside);
    }
  }
}
