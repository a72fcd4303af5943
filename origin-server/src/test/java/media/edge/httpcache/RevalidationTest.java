package media.edge.httpcache;

import static media.edge.httpcache.Times.HOUR;
import static media.edge.httpcache.Times.MINUTE;
import static media.edge.httpcache.Times.SECOND;
import static media.edge.httpcache.Times.T0;
import static media.edge.httpcache.Times.date;
import static media.edge.httpcache.Times.headers;
import static media.edge.httpcache.Times.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/**
 * Validators, conditional requests (RFC 9111 section 4.3.1), which stored response a 304 selects
 * (4.3.4) and how it freshens it (3.2, 4.3.4).
 */
class RevalidationTest {

  private static final String LAST_MODIFIED = date(T0 - 100 * HOUR);

  // ---- validators and conditional headers ---------------------------------------------------

  @Test
  void conditionalHeaders_etagAndLastModified_sendsBoth() {
    StoredHead head = stored("ETag", "\"v1\"", "Last-Modified", LAST_MODIFIED);
    assertThat(head.hasValidators()).isTrue();
    HttpHeaders conditional = head.conditionalHeaders();
    assertThat(conditional.get(HttpHeaderNames.IF_NONE_MATCH)).isEqualTo("\"v1\"");
    assertThat(conditional.get(HttpHeaderNames.IF_MODIFIED_SINCE)).isEqualTo(LAST_MODIFIED);
    assertThat(conditional.size()).isEqualTo(2);
  }

  @Test
  void conditionalHeaders_weakEtag_isSentAsIs() {
    assertThat(stored("ETag", "W/\"v1\"").conditionalHeaders().get(HttpHeaderNames.IF_NONE_MATCH))
        .isEqualTo("W/\"v1\"");
  }

  @Test
  void conditionalHeaders_onlyLastModified() {
    StoredHead head = stored("Last-Modified", LAST_MODIFIED);
    assertThat(head.hasValidators()).isTrue();
    assertThat(head.conditionalHeaders().names()).containsExactly("if-modified-since");
  }

  @Test
  void hasValidators_none_isFalseAndNoConditionalHeaders() {
    StoredHead head = stored("Cache-Control", "max-age=60");
    assertThat(head.hasValidators()).isFalse();
    assertThat(head.conditionalHeaders().isEmpty()).isTrue();
  }

  @Test
  void hasValidators_malformedLastModifiedAndBlankEtag_doNotCount() {
    StoredHead head = stored("Last-Modified", "last tuesday", "ETag", " ");
    assertThat(head.hasValidators()).isFalse();
    assertThat(head.conditionalHeaders().isEmpty()).isTrue();
  }

  // ---- which stored response a 304 is about -------------------------------------------------

  @Test
  void isSelectedBy_sameStrongEtag() {
    assertThat(stored("ETag", "\"v1\"").isSelectedBy(headers("ETag", "\"v1\""))).isTrue();
  }

  @Test
  void isSelectedBy_differentStrongEtag_isNot() {
    assertThat(stored("ETag", "\"v1\"").isSelectedBy(headers("ETag", "\"v2\""))).isFalse();
  }

  @Test
  void isSelectedBy_strongEtagAgainstStoredWeakOne_isNot() {
    assertThat(stored("ETag", "W/\"v1\"").isSelectedBy(headers("ETag", "\"v1\""))).isFalse();
  }

  @Test
  void isSelectedBy_weakEtag_matchesWeakly() {
    assertThat(stored("ETag", "\"v1\"").isSelectedBy(headers("ETag", "W/\"v1\""))).isTrue();
    assertThat(stored("ETag", "W/\"v1\"").isSelectedBy(headers("ETag", "W/\"v1\""))).isTrue();
    assertThat(stored("ETag", "\"v1\"").isSelectedBy(headers("ETag", "W/\"v2\""))).isFalse();
  }

  @Test
  void isSelectedBy_etagButWeStoredNone_isNot() {
    assertThat(stored("Last-Modified", LAST_MODIFIED).isSelectedBy(headers("ETag", "\"v1\""))).isFalse();
  }

  @Test
  void isSelectedBy_lastModifiedOnly_mustBeEqual() {
    StoredHead head = stored("Last-Modified", LAST_MODIFIED);
    assertThat(head.isSelectedBy(headers("Last-Modified", LAST_MODIFIED))).isTrue();
    assertThat(head.isSelectedBy(headers("Last-Modified", date(T0)))).isFalse();
    assertThat(head.isSelectedBy(headers("Last-Modified", "garbage"))).isFalse();
  }

  @Test
  void isSelectedBy_noValidatorsInThe304_isAccepted() {
    assertThat(stored("ETag", "\"v1\"").isSelectedBy(headers("Cache-Control", "max-age=60"))).isTrue();
  }

  // ---- refreshing from a 304 ----------------------------------------------------------------

  private static final long REVALIDATED = T0 + HOUR;

  private static StoredHead original() {
    return StoredHead.of(200, headers(
        "Date", date(T0),
        "Cache-Control", "max-age=60",
        "ETag", "\"v1\"",
        "Content-Type", "video/mp2t",
        "Content-Length", "1234",
        "Content-Encoding", "gzip",
        "X-Origin", "a",
        "X-Origin", "b",
        "Age", "20"), T0, T0, -1);
  }

  @Test
  void refreshedBy_304Fields_replaceStoredOnes() {
    StoredHead refreshed = original().refreshedBy(headers(
        "Date", date(REVALIDATED),
        "Cache-Control", "max-age=600",
        "ETag", "\"v1\"",
        "X-Origin", "c"), REVALIDATED, REVALIDATED, -1);
    HttpHeaders h = refreshed.headers();
    assertThat(h.getAll(HttpHeaderNames.CACHE_CONTROL)).containsExactly("max-age=600");
    assertThat(h.getAll("X-Origin")).containsExactly("c");
    assertThat(h.get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("video/mp2t");
    assertThat(h.get(HttpHeaderNames.DATE)).isEqualTo(date(REVALIDATED));
    assertThat(refreshed.status()).isEqualTo(200);
  }

  @Test
  void refreshedBy_timingIsResetAndLifetimeRecomputed() {
    StoredHead refreshed = original().refreshedBy(headers(
        "Date", date(REVALIDATED), "Cache-Control", "max-age=600"), REVALIDATED - SECOND, REVALIDATED, -1);
    assertThat(refreshed.requestMillis()).isEqualTo(REVALIDATED - SECOND);
    assertThat(refreshed.responseMillis()).isEqualTo(REVALIDATED);
    assertThat(refreshed.lifetimeMillis()).isEqualTo(10 * MINUTE);
    assertThat(refreshed.ageMillis(REVALIDATED)).isEqualTo(SECOND);
    assertThat(refreshed.isFresh(REVALIDATED + 5 * MINUTE)).isTrue();
    assertThat(refreshed.cacheControl().maxAge()).isEqualTo(600);
  }

  @Test
  void refreshedBy_contentLengthAndEncodingOfThe304_areNotTaken() {
    StoredHead refreshed = original().refreshedBy(headers(
        "Content-Length", "0", "Content-Encoding", "br", "Content-Range", "bytes 0-1/2"), REVALIDATED,
        REVALIDATED, -1);
    HttpHeaders h = refreshed.headers();
    assertThat(h.get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("1234");
    assertThat(h.get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
    assertThat(h.contains(HttpHeaderNames.CONTENT_RANGE)).isFalse();
  }

  /** Regression (cache-tests 304-etag-update-response-Content-MD5): a body digest stays the stored body's. */
  @Test
  void refreshedBy_digestsOfThe304_areNotTaken() {
    StoredHead refreshed = original().refreshedBy(headers(
        "Content-MD5", "rL0Y20zC+Fzt72VPzMSk2A==", "Content-Digest", "sha-256=:abc=:"), REVALIDATED, REVALIDATED, -1);

    assertThat(refreshed.headers().contains("content-md5")).isFalse();
    assertThat(refreshed.headers().contains("content-digest")).isFalse();
  }

  @Test
  void refreshedBy_hopByHopAndConnectionListedFields_areNotTaken() {
    StoredHead refreshed = original().refreshedBy(headers(
        "Connection", "keep-alive, X-Hop",
        "Keep-Alive", "timeout=5",
        "Transfer-Encoding", "chunked",
        "X-Hop", "secret",
        "X-End", "kept"), REVALIDATED, REVALIDATED, -1);
    HttpHeaders h = refreshed.headers();
    assertThat(h.contains(HttpHeaderNames.CONNECTION)).isFalse();
    assertThat(h.contains(HttpHeaderNames.KEEP_ALIVE)).isFalse();
    assertThat(h.contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    assertThat(h.contains("X-Hop")).isFalse();
    assertThat(h.get("X-End")).isEqualTo("kept");
  }

  @Test
  void refreshedBy_304WithoutDate_recordsTheRevalidationTime() {
    StoredHead refreshed = original().refreshedBy(headers("Cache-Control", "max-age=60"), REVALIDATED,
        REVALIDATED, -1);
    assertThat(refreshed.headers().get(HttpHeaderNames.DATE)).isEqualTo(date(REVALIDATED));
    assertThat(refreshed.isFresh(REVALIDATED)).isTrue();
  }

  @Test
  void refreshedBy_304WithoutAge_dropsTheOldAge() {
    StoredHead refreshed = original().refreshedBy(headers("Date", date(REVALIDATED)), REVALIDATED, REVALIDATED, -1);
    assertThat(refreshed.headers().contains(HttpHeaderNames.AGE)).isFalse();
    assertThat(refreshed.ageMillis(REVALIDATED)).isZero();
  }

  @Test
  void refreshedBy_304WithAge_takesIt() {
    StoredHead refreshed = original().refreshedBy(headers("Date", date(REVALIDATED), "Age", "5"), REVALIDATED,
        REVALIDATED, -1);
    assertThat(refreshed.ageMillis(REVALIDATED)).isEqualTo(5 * SECOND);
  }

  @Test
  void refreshedBy_heuristicAppliesWhenNeitherHasExplicitFreshness() {
    StoredHead head = StoredHead.of(200, headers("Date", date(T0), "Last-Modified", LAST_MODIFIED), T0, T0, MINUTE);
    StoredHead refreshed = head.refreshedBy(headers("Date", date(REVALIDATED)), REVALIDATED, REVALIDATED, HOUR);
    assertThat(refreshed.lifetimeMillis()).isEqualTo(HOUR);
  }

  @Test
  void refreshedBy_storedIsUnchanged() {
    StoredHead head = original();
    head.refreshedBy(headers("Cache-Control", "no-cache", "X-Origin", "z"), REVALIDATED, REVALIDATED, -1);
    assertThat(head.headers().getAll("X-Origin")).containsExactly("a", "b");
    assertThat(head.cacheControl().noCache()).isFalse();
  }

  // ---- immutability and argument checks -----------------------------------------------------

  @Test
  void headers_areReadOnly() {
    StoredHead head = original();
    assertThatThrownBy(() -> head.headers().set("X-Evil", "1")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void of_copiesTheCallersHeaders() {
    HttpHeaders mine = headers("Cache-Control", "max-age=60");
    StoredHead head = StoredHead.of(200, mine, T0, T0, -1);
    mine.set("Cache-Control", "no-store");
    assertThat(head.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("max-age=60");
  }

  @Test
  void of_badArguments_areRefusedWithTheirName() {
    assertThatThrownBy(() -> StoredHead.of(99, headers(), T0, T0, -1)).hasMessageStartingWith("status: 99");
    assertThatThrownBy(() -> StoredHead.of(200, headers(), -1, T0, -1)).hasMessageStartingWith("requestMillis: -1");
    assertThatThrownBy(() -> StoredHead.of(200, headers(), T0, Long.MAX_VALUE, -1))
        .hasMessageStartingWith("responseMillis: ");
    assertThatThrownBy(() -> StoredHead.of(200, headers(), T0, T0, -2))
        .hasMessageStartingWith("heuristicLifetimeMillis: -2");
  }
}
