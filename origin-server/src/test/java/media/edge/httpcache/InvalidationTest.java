package media.edge.httpcache;

import static media.edge.httpcache.Times.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalidation after unsafe requests (RFC 9111 section 4.4). */
class InvalidationTest {

  private static final String HOST = "cdn.example";

  // ---- invalidates --------------------------------------------------------------------------

  @Test
  void invalidates_unsafeMethodWithSuccessOrRedirect() {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH,
        HttpMethod.valueOf("PURGE")}) {
      assertThat(Invalidation.invalidates(method, 200)).as(method.name()).isTrue();
      assertThat(Invalidation.invalidates(method, 204)).as(method.name()).isTrue();
      assertThat(Invalidation.invalidates(method, 303)).as(method.name()).isTrue();
    }
  }

  @Test
  void invalidates_safeMethods_never() {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE}) {
      assertThat(Invalidation.invalidates(method, 200)).as(method.name()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 199, 400, 404, 500, 503})
  void invalidates_errorOrInterimStatus_not(int status) {
    assertThat(Invalidation.invalidates(HttpMethod.POST, status)).isFalse();
  }

  // ---- targets ------------------------------------------------------------------------------

  @Test
  void targets_requestPathAlone_withoutLocationHeaders() {
    assertThat(Invalidation.targets("/live/a.m3u8", headers(), HOST)).containsExactly("/live/a.m3u8");
  }

  @Test
  void targets_absolutePathLocationAndContentLocation() {
    assertThat(Invalidation.targets("/upload", headers("Location", "/vod/1.m3u8", "Content-Location", "/vod/1.json"),
        HOST)).containsExactly("/upload", "/vod/1.m3u8", "/vod/1.json");
  }

  @Test
  void targets_relativeReference_isResolvedAgainstTheRequestPath() {
    assertThat(Invalidation.targets("/live/stream/index.m3u8", headers("Location", "../other/index.m3u8"), HOST))
        .containsExactly("/live/stream/index.m3u8", "/live/other/index.m3u8");
    assertThat(Invalidation.targets("/live/a", headers("Content-Location", "b?v=2"), HOST))
        .containsExactly("/live/a", "/live/b?v=2");
  }

  @Test
  void targets_queryOnlyReference_keepsThePath() {
    assertThat(Invalidation.targets("/live/a?v=1", headers("Location", "?v=2"), HOST))
        .containsExactly("/live/a?v=1", "/live/a?v=2");
  }

  @Test
  void targets_sameHostAbsoluteUri_isTakenWithQueryAndWithoutFragment() {
    assertThat(Invalidation.targets("/x",
        headers("Location", "https://CDN.example:8443/vod/1.m3u8?token=t#frag"), "cdn.example:8080"))
        .containsExactly("/x", "/vod/1.m3u8?token=t");
  }

  @Test
  void targets_absoluteUriWithoutPath_isTheRoot() {
    assertThat(Invalidation.targets("/x", headers("Location", "http://cdn.example"), HOST)).containsExactly("/x", "/");
  }

  @Test
  void targets_otherHost_isIgnored() {
    assertThat(Invalidation.targets("/x", headers("Location", "https://evil.example/vod/1.m3u8",
        "Content-Location", "//evil.example/y"), HOST)).containsExactly("/x");
  }

  @Test
  void targets_otherSchemes_areIgnored() {
    assertThat(Invalidation.targets("/x", headers("Location", "ftp://cdn.example/a", "Content-Location",
        "mailto:ops@cdn.example"), HOST)).containsExactly("/x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://[bad", "/a b", "%zz", "http:///nohost", "\\\\server\\share"})
  void targets_malformedReferences_areIgnored(String location) {
    assertThat(Invalidation.targets("/x", headers("Location", location), HOST)).containsExactly("/x");
  }

  @Test
  void targets_withoutRequestHost_onlyRelativeReferences() {
    assertThat(Invalidation.targets("/x", headers("Location", "http://cdn.example/a", "Content-Location", "/b"), null))
        .containsExactly("/x", "/b");
  }

  @Test
  void targets_duplicates_areDropped() {
    assertThat(Invalidation.targets("/x", headers("Location", "/x", "Content-Location", "http://cdn.example/x"), HOST))
        .containsExactly("/x");
  }
}
