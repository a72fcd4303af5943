package media.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import media.edge.config.AdminConfig;
import media.edge.config.ConfigLoader;
import media.edge.testing.EdgeNode;
import media.edge.testing.RawHttp;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 (admin access): the admin port is loopback by default, and no state changes through it
 * without the bearer token: not without it, not with a wrong one, not from a form. Reading stays open.
 */
class AdminAccessTest {
  private static TestUpstream upstream;

  @BeforeAll
  static void startUpstream() throws Exception {
    upstream = TestUpstream.start();
  }

  @AfterAll
  static void stopUpstream() throws Exception {
    upstream.close();
  }

  @Test
  void defaults_adminPortOnLoopback() {
    assertThat(ConfigLoader.defaults().server().adminBind()).isEqualTo("127.0.0.1");
    assertThat(ConfigLoader.defaults().admin().token()).isEmpty();
  }

  @Test
  void purge_withoutTheRightToken_refusedAndCounted() throws Exception {
    try (EdgeNode edge = EdgeNode.start(c -> c, upstream.uri())) {
      RawHttp.Response none = RawHttp.request(edge.adminPort(), "PURGE", "/*");
      RawHttp.Response wrong = RawHttp.request(edge.adminPort(), "PURGE", "/*", "Authorization: Bearer " + EdgeNode.ADMIN_TOKEN + "x");
      RawHttp.Response basic = RawHttp.request(edge.adminPort(), "PURGE", "/*", "Authorization: Basic YWRtaW46YWRtaW4=");
      RawHttp.Response form = RawHttp.request(edge.adminPort(), "POST", "/purge?prefix=/", EdgeNode.ADMIN_AUTHORIZATION,
          "Content-Type: application/x-www-form-urlencoded", "Content-Length: 0");
      RawHttp.Response right = RawHttp.request(edge.adminPort(), "PURGE", "/*", EdgeNode.ADMIN_AUTHORIZATION);

      assertThat(none.status()).isEqualTo(401);
      assertThat(none.header("www-authenticate")).startsWith("Bearer");
      assertThat(wrong.status()).isEqualTo(403);
      assertThat(basic.status()).isEqualTo(401);
      assertThat(form.status()).isEqualTo(403);
      assertThat(form.text()).contains("form");
      assertThat(right.status()).isEqualTo(200);
      assertThat(wrong.text() + none.text()).doesNotContain(EdgeNode.ADMIN_TOKEN);
      assertThat(edge.metric("edge_admin_refused_total{reason=\"missing\"}")).isEqualTo(2);
      assertThat(edge.metric("edge_admin_refused_total{reason=\"wrong\"}")).isEqualTo(1);
      assertThat(edge.metric("edge_admin_refused_total{reason=\"form\"}")).isEqualTo(1);
      assertThat(edge.metric("edge_cache_purges_total{kind=\"prefix\"}")).isEqualTo(1);
    }
  }

  @Test
  void purge_noTokenConfigured_alwaysRefused_readingStaysOpen() throws Exception {
    try (EdgeNode edge = EdgeNode.start(c -> c.withAdmin(new AdminConfig("", null)), upstream.uri())) {
      assertThat(RawHttp.request(edge.adminPort(), "PURGE", "/*", "Authorization: Bearer ").status()).isEqualTo(403);
      assertThat(RawHttp.request(edge.adminPort(), "PURGE", "/*").text()).contains("admin.token-file");
      assertThat(RawHttp.get(edge.adminPort(), "/metrics").status()).isEqualTo(200);
      assertThat(RawHttp.get(edge.adminPort(), "/healthz").status()).isEqualTo(200);
      assertThat(RawHttp.get(edge.adminPort(), "/readyz").status()).isEqualTo(200);
      assertThat(RawHttp.get(edge.adminPort(), "/audience").status()).isEqualTo(200);
      assertThat(edge.metric("edge_admin_refused_total{reason=\"not_configured\"}")).isEqualTo(2);
    }
  }

  @Test
  void tokenFile_isRead_trimmed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("admin-token"), "from-a-file\n");
    try (EdgeNode edge = EdgeNode.start(c -> c.withAdmin(new AdminConfig("", file)), upstream.uri())) {
      assertThat(RawHttp.request(edge.adminPort(), "PURGE", "/*", "Authorization: Bearer from-a-file").status()).isEqualTo(200);
      assertThat(RawHttp.request(edge.adminPort(), "PURGE", "/*", EdgeNode.ADMIN_AUTHORIZATION).status()).isEqualTo(403);
    }
  }

  @Test
  void adminPort_notReachableOnOtherInterfaces() throws Exception {
    Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .filter(n -> { try { return n.isUp() && !n.isLoopback(); } catch (Exception e) { return false; } })
        .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address)
        .findFirst();
    org.junit.jupiter.api.Assumptions.assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this machine");
    try (EdgeNode edge = EdgeNode.start(c -> c.withServer(c.server().withBind("0.0.0.0").withAdminBind("127.0.0.1")), upstream.uri())) {
      try (Socket data = new Socket(external.get(), edge.port())) {
        assertThat(data.isConnected()).isTrue();
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(external.get(), edge.adminPort()).close())
          .isInstanceOf(java.net.ConnectException.class);
    }
  }
}
