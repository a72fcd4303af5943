package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static final InetSocketAddress BALANCER = new InetSocketAddress("10.1.2.3", 40000);
  private static final InetSocketAddress VIEWER = new InetSocketAddress("198.51.100.7", 40000);

  @Test
  void client_noTrustedProxies_isTheDirectPeerWhateverTheHeaderSays() {
    TrustedProxies none = TrustedProxies.of(List.of());

    assertThat(none.client(TrustedProxies.text(VIEWER), Requests.get("/", "X-Forwarded-For", "1.2.3.4"))).isEqualTo("198.51.100.7");
  }

  @Test
  void client_untrustedPeerSendingTheHeader_isNotBelieved() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8"));

    assertThat(proxies.client(TrustedProxies.text(VIEWER), Requests.get("/", "X-Forwarded-For", "1.2.3.4"))).isEqualTo("198.51.100.7");
  }

  @Test
  void client_trustedPeer_takesTheRightmostUntrustedHop() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8"));

    assertThat(proxies.client(TrustedProxies.text(BALANCER), Requests.get("/", "X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.9.9.9"))).isEqualTo("203.0.113.9");
  }

  @Test
  void client_severalHeaderLines_areReadAsOneList() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8"));
    Request request = Requests.get("/", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-For", "10.0.0.5");

    assertThat(proxies.client(TrustedProxies.text(BALANCER), request)).isEqualTo("203.0.113.9");
  }

  @Test
  void client_malformedHop_stopsAtTheProxy() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8"));

    assertThat(proxies.client(TrustedProxies.text(BALANCER), Requests.get("/", "X-Forwarded-For", "203.0.113.9, evil.example"))).isEqualTo("10.1.2.3");
  }

  @Test
  void client_trustedPeerWithoutHeader_isThePeer() {
    TrustedProxies proxies = TrustedProxies.of(List.of("10.1.2.3"));

    assertThat(proxies.client(TrustedProxies.text(BALANCER), Requests.get("/"))).isEqualTo("10.1.2.3");
  }

  @Test
  void client_ipv6Blocks_match() {
    TrustedProxies proxies = TrustedProxies.of(List.of("fd00::/8"));
    InetSocketAddress peer = new InetSocketAddress("fd12::1", 1);

    assertThat(proxies.client(TrustedProxies.text(peer), Requests.get("/", "X-Forwarded-For", "2001:db8::42"))).isEqualTo("2001:db8:0:0:0:0:0:42");
  }

  @Test
  void literal_refusesHostNamesWithoutLookingThemUp() {
    assertThat(TrustedProxies.literal("localhost")).isNull();
    assertThat(TrustedProxies.literal("1.2.3")).isNull();
    assertThat(TrustedProxies.literal("256.1.1.1")).isNull();
    assertThat(TrustedProxies.literal("1.2.3.4")).containsExactly(1, 2, 3, 4);
  }
}
