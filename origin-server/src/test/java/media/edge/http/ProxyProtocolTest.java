package media.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import media.edge.config.TokenConfig;
import media.edge.config.TokenKey;
import media.edge.metrics.EdgeMetrics;
import media.edge.testing.Await;
import media.edge.testing.RawHttp;
import media.edge.testing.RawHttp.Response;
import media.edge.testing.TestServer;
import media.edge.token.EdgeAuthSigner;
import media.edge.token.TokenClaims;
import media.edge.token.TokenKeyGenerator;
import media.edge.token.TokenQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PROXY protocol from a trusted load balancer names the client that {@code ip=} tokens are checked against. */
class ProxyProtocolTest {
  private static final String KEY = TokenKeyGenerator.hmacHex(new SecureRandom());
  private static final String VIEWER = "203.0.113.9";

  @RegisterExtension
  static final TestServer server =
      TestServer.create(
          c -> c.withServer(c.server().withProxies(List.of("127.0.0.1"), true))
              .withTokens(new TokenConfig(true, "hdnts", "sha256", List.of(TokenKey.hmac("k1", KEY)), null, "",
                  Duration.ZERO, List.of("query"), List.of(), false)),
          root -> {});

  private static String tokenFor(String ip) {
    return EdgeAuthSigner.builder().keyHex(KEY).build()
        .sign(TokenClaims.acl("/demo/*").ip(ip).expires(Instant.now().plusSeconds(600)).build());
  }

  private static Response viaBalancer(String header, String token) throws IOException {
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.sendRaw(header);
      http.send("GET", TokenQuery.url("/demo/master.m3u8", "hdnts", token));
      return http.read(false);
    }
  }

  @Test
  void proxyHeaderFromTrustedPeer_namesTheClient() throws IOException {
    String header = "PROXY TCP4 " + VIEWER + " 127.0.0.1 55555 80\r\n";

    assertThat(viaBalancer(header, tokenFor(VIEWER)).status()).isEqualTo(200);
    assertThat(viaBalancer(header, tokenFor("127.0.0.1")).status()).isEqualTo(403);
  }

  @Test
  void proxyHeaderLocalCommand_keepsThePeerAddress() throws IOException {
    assertThat(viaBalancer("PROXY UNKNOWN\r\n", tokenFor("127.0.0.1")).status()).isEqualTo(200);
  }

  @Test
  void connectionWithoutProxyHeader_isClosedAndCounted() throws IOException {
    double before = server.metric("edge_http_rejections_total{reason=\"proxy_protocol\"}");
    try (RawHttp http = RawHttp.connect(server.port())) {
      http.send("GET", "/demo/master.m3u8");

      assertThat(http.closedByServer()).isTrue();
    }
    // Netty's decoder closes the connection before the handler counts it: the client can see the
    // close first, so wait (bounded) for the count rather than read it at once.
    String series = "edge_http_rejections_total{reason=\"proxy_protocol\"}";
    Await.metricAtLeast(server, series, before + 1);
    assertThat(server.metric(series)).isEqualTo(before + 1);
  }

  @Test
  void proxyHeaderFromUntrustedPeer_isIgnored() {
    EdgeMetrics metrics = EdgeMetrics.create();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new HAProxyMessageDecoder(), new ProxyProtocolHandler(TrustedProxies.of(List.of("10.0.0.0/8")), metrics));
    try {
      channel.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 " + VIEWER + " 10.0.0.1 5 80\r\nGET", StandardCharsets.US_ASCII));

      assertThat(channel.attr(ProxyProtocolHandler.SOURCE).get()).isNull();
      assertThat(channel.pipeline().get(ProxyProtocolHandler.class)).isNull();
    } finally {
      channel.finishAndReleaseAll();
      metrics.close();
    }
  }
}
