package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {
  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip|true",
        "gzip, deflate, br|true",
        "br;q=1.0, gzip;q=0.8|true",
        "x-gzip|true",
        "GZIP|true",
        "gzip;q=0|false",
        "gzip;q=0.000|false",
        "deflate, br|false",
        "*|true",
        "*;q=0|false",
        "gzip;q=0, *|false",
        "identity|false",
        "gzip;q=abc|true"
      })
  void gzip_followsTheWeights(String header, boolean expected) {
    assertThat(AcceptEncoding.accepts(header, "gzip")).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void gzip_withoutHeader_isFalse() {
    assertThat(AcceptEncoding.accepts(null, "gzip")).isFalse();
  }
}
