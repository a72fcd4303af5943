package media.edge.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Key hashes: SHA-256 as the standard defines it, printed and parsed as the file names use it. */
class KeyHashTest {

  @Test
  void of_emptyKey_isTheSha256OfNothing() {
    assertThat(KeyHash.of("").hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void of_abc_isTheStandardTestVector() {
    assertThat(KeyHash.of("abc").hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void file_liesInTwoShardFoldersOfTwoHexDigits() {
    Path file = KeyHash.of("abc").file(Path.of("/cache"));

    assertThat(file).isEqualTo(Path.of("/cache/ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  }

  @Test
  void parse_ofHex_givesTheHashBack() {
    for (String key : new String[] {"", "/vod/a.ts", "/live/ü/é.m3u8?x=1", "\uD83C\uDFAC", "k".repeat(5000)}) {
      KeyHash hash = KeyHash.of(key);

      assertThat(KeyHash.parse(hash.hex())).isEqualTo(hash).hasSameHashCodeAs(hash);
    }
  }

  @Test
  void parse_notAnEntryName_isNull() {
    String hex = KeyHash.of("abc").hex();

    assertThat(KeyHash.parse(hex.toUpperCase(Locale.ROOT))).isNull();
    assertThat(KeyHash.parse(hex.substring(1))).isNull();
    assertThat(KeyHash.parse(hex + "0")).isNull();
    assertThat(KeyHash.parse(hex.substring(0, 63) + "g")).isNull();
    assertThat(KeyHash.parse(hex + ".tmp")).isNull();
  }
}
