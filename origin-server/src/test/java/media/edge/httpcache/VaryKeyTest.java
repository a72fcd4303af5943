package media.edge.httpcache;

import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secondary cache keys from Vary (RFC 9111 section 4.1). */
class VaryKeyTest {

  private static final HttpHeaders VARY_ON_ENCODING = headers("Vary", "Accept-Encoding");

  // ---- fields -------------------------------------------------------------------------------

  @Test
  void fields_lowerCasedSortedDeduplicatedAcrossLines() {
    HttpHeaders response = headers("Vary", "Origin, accept-encoding", "Vary", "ACCEPT-ENCODING,, X-Device ");
    assertThat(VaryKey.fields(response)).containsExactly("accept-encoding", "origin", "x-device");
  }

  @Test
  void fields_noVary_isEmpty() {
    assertThat(VaryKey.fields(headers())).isEmpty();
  }

  @Test
  void fields_star_isStarAlone() {
    assertThat(VaryKey.fields(headers("Vary", "Origin, *"))).containsExactly("*");
  }

  // ---- of -----------------------------------------------------------------------------------

  @Test
  void of_noVary_isEmptyString() {
    assertThat(VaryKey.of(headers(), headers("Accept-Encoding", "gzip"))).isEmpty();
    assertThat(VaryKey.of(headers("Vary", " , "), headers())).isEmpty();
  }

  @Test
  void of_varyStar_isNull() {
    assertThat(VaryKey.of(headers("Vary", "*"), headers())).isNull();
    assertThat(VaryKey.of(List.of("origin", "*"), headers())).isNull();
  }

  @Test
  void of_orderAndCaseOfVary_doNotMatter() {
    HttpHeaders request = headers("Origin", "https://a.example", "X-Device", "tv");
    assertThat(VaryKey.of(headers("Vary", "Origin, X-Device"), request))
        .isEqualTo(VaryKey.of(headers("Vary", "x-device", "Vary", "ORIGIN"), request))
        .isEqualTo(VaryKey.of(List.of(" X-Device", "origin", "Origin"), request));
  }

  @Test
  void of_rememberedFields_agreeWithResponse() {
    HttpHeaders response = headers("Vary", "Accept-Encoding, Origin");
    HttpHeaders request = headers("Accept-Encoding", "br, gzip", "Origin", "https://a.example");
    assertThat(VaryKey.of(VaryKey.fields(response), request)).isEqualTo(VaryKey.of(response, request));
  }

  @Test
  void of_originIsUsedAsIs() {
    HttpHeaders response = headers("Vary", "Origin");
    assertThat(VaryKey.of(response, headers("Origin", "https://a.example")))
        .isNotEqualTo(VaryKey.of(response, headers("Origin", "https://b.example")))
        .isNotEqualTo(VaryKey.of(response, headers("Origin", "https://A.example")));
  }

  @Test
  void of_absentAndEmptyField_differ() {
    HttpHeaders response = headers("Vary", "Origin");
    assertThat(VaryKey.of(response, headers())).isNotEqualTo(VaryKey.of(response, headers("Origin", "")));
  }

  @Test
  void of_whitespaceAndLineSplitting_doNotMatter() {
    HttpHeaders response = headers("Vary", "X-List");
    String key = VaryKey.of(response, headers("X-List", "a, b  c"));
    assertThat(VaryKey.of(response, headers("X-List", "a,b c"))).isEqualTo(key);
    assertThat(VaryKey.of(response, headers("X-List", "a", "X-List", " b \t c "))).isEqualTo(key);
    assertThat(VaryKey.of(response, headers("X-List", "a,bc"))).isNotEqualTo(key);
  }

  @Test
  void of_sameRequestValues_sameKey_differentValues_differentKey() {
    HttpHeaders response = headers("Vary", "X-Device");
    String tv = VaryKey.of(response, headers("X-Device", "tv"));
    assertThat(VaryKey.of(response, headers("X-Device", "tv"))).isEqualTo(tv);
    assertThat(VaryKey.of(response, headers("X-Device", "phone"))).isNotEqualTo(tv);
  }

  @Test
  void of_separatorsInValues_doNotCollide() {
    List<String> twoFields = List.of("a", "b");
    String oneValueLookingLikeTwo = VaryKey.of(twoFields, headers("a", "x\nb=y"));
    String twoValues = VaryKey.of(twoFields, headers("a", "x", "b", "y"));
    assertThat(oneValueLookingLikeTwo).isNotEqualTo(twoValues);
    assertThat(VaryKey.of(twoFields, headers("a", "%0A"))).isNotEqualTo(VaryKey.of(twoFields, headers("a", "\n")));
  }

  // ---- Accept-Encoding ----------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "x-gzip", "GZIP", "br, *;q=0.1",
      "gzip;q=bogus", "deflate, gzip ; q=0.5"})
  void of_acceptEncodingAcceptingGzip_isOneVariant(String acceptEncoding) {
    assertThat(VaryKey.of(VARY_ON_ENCODING, headers("Accept-Encoding", acceptEncoding)))
        .isEqualTo("accept-encoding=gzip");
  }

  @ParameterizedTest
  @ValueSource(strings = {"identity", "br", "gzip;q=0", "gzip;q=0.0, br", "*;q=0", "br, *, gzip;q=0", ""})
  void of_acceptEncodingRefusingGzip_isTheIdentityVariant(String acceptEncoding) {
    assertThat(VaryKey.of(VARY_ON_ENCODING, headers("Accept-Encoding", acceptEncoding))).isEqualTo("accept-encoding=");
  }

  @Test
  void of_noAcceptEncoding_isTheIdentityVariant() {
    assertThat(VaryKey.of(VARY_ON_ENCODING, headers())).isEqualTo("accept-encoding=");
  }

  @Test
  void of_acceptEncodingOverSeveralLines_isCombined() {
    assertThat(VaryKey.of(VARY_ON_ENCODING, headers("Accept-Encoding", "br", "Accept-Encoding", "gzip")))
        .isEqualTo("accept-encoding=gzip");
  }

  @Test
  void of_keyShape_isOneLinePerFieldSorted() {
    HttpHeaders response = headers("Vary", "Origin, Accept-Encoding, X-Absent");
    assertThat(VaryKey.of(response, headers("Accept-Encoding", "gzip", "Origin", "https://a.example")))
        .isEqualTo("accept-encoding=gzip\norigin=https://a.example\nx-absent");
  }
}
