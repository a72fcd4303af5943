package media.edge.upstream;

import media.edge.config.UpstreamConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Configuration and requests are checked up front, with messages that name what is wrong. */
class UpstreamConfigTest {
  private static EventLoopGroup group;

  @BeforeAll
  static void startGroup() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static UpstreamClient create(UpstreamConfig config) {
    return UpstreamClient.create(config, group, NioSocketChannel.class, new SimpleMeterRegistry());
  }

  @Test
  void builder_hasDefaults() {
    UpstreamConfig config = UpstreamConfig.builder().origins(URI.create("http://origin")).build();

    // The configuration's own defaults (ConfigLoader.defaults()), not a second set.
    assertThat(config.parents()).isEmpty();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxConnections()).isEqualTo(64);
    assertThat(config.healthInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.healthPath()).isEqualTo("/");
    assertThat(config.nodeName()).isEmpty();
    assertThat(config.resolvedNodeName()).isNotEmpty();
  }

  @Test
  void create_httpsOrigin_isRejectedNamingTheUri() {
    UpstreamConfig config = UpstreamConfig.builder().origins(URI.create("https://origin.example:8443/base")).build();

    assertThatThrownBy(() -> create(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://origin.example:8443/base");
  }

  @Test
  void create_parentWithQuery_isRejectedNamingTheUri() {
    UpstreamConfig config =
        UpstreamConfig.builder().parents(URI.create("http://parent:8080/?x=1")).build();

    assertThatThrownBy(() -> create(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://parent:8080/?x=1");
  }

  @Test
  void create_sameParentTwice_isRejected() {
    UpstreamConfig config =
        UpstreamConfig.builder()
            .parents(URI.create("http://parent:8080"), URI.create("http://parent:8080/other"))
            .build();

    assertThatThrownBy(() -> create(config)).hasMessageContaining("http://parent:8080/other");
  }

  @Test
  void create_withParents_reportsThemUp() {
    UpstreamConfig config =
        UpstreamConfig.builder().parents(URI.create("http://p1:8080"), URI.create("http://p2")).build();

    try (UpstreamClient client = create(config)) {
      assertThat(client.parents()).containsExactly(new ParentState("p1:8080", true), new ParentState("p2:80", true));
    }
  }

  @Test
  void config_zeroTimeout_isRejectedNamingTheKey() {
    assertThatThrownBy(
            () -> UpstreamConfig.builder().origins(URI.create("http://o")).idleTimeout(Duration.ZERO).build())
        .hasMessage("upstream.idle-timeout: PT0S (expected: a positive duration)");
  }

  @Test
  void config_noUpstreamAtAll_isRejected() {
    assertThatThrownBy(() -> create(UpstreamConfig.builder().build())).hasMessageContaining("upstream.urls");
  }

  @Test
  void config_nodeNameWithSpace_isRejected() {
    assertThatThrownBy(() -> UpstreamConfig.builder().origins(URI.create("http://o")).nodeName("edge 1").build())
        .hasMessageContaining("upstream.node-name: edge 1");
  }

  @Test
  void upstream_pathPrefix_joinsWithoutDoubleSlash() {
    Upstream upstream = Upstream.parse(URI.create("http://origin:8080/base/"));

    assertThat(upstream.target("/live/a.m3u8?t=1")).isEqualTo("/base/live/a.m3u8?t=1");
    assertThat(upstream.name()).isEqualTo("origin:8080");
    assertThat(upstream.authority()).isEqualTo("origin:8080");
  }

  @Test
  void upstream_withoutPathOrPort_usesPort80AndTheBarePath() {
    Upstream upstream = Upstream.parse(URI.create("http://origin"));

    assertThat(upstream.target("/a.ts")).isEqualTo("/a.ts");
    assertThat(upstream.name()).isEqualTo("origin:80");
    assertThat(upstream.authority()).isEqualTo("origin");
  }

  @Test
  void request_pathWithoutSlash_isRejectedAndItsBodyReleased() {
    ByteBuf body = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> new UpstreamRequest(HttpMethod.POST, "a.ts", null, body, null))
        .hasMessageContaining("pathAndQuery: a.ts");
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void request_pathWithLineBreak_isRejected() {
    assertThatThrownBy(() -> UpstreamRequest.get("/a.ts\r\nX-Injected: 1", "k"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @SuppressWarnings("deprecation")
  void fetch_headerValueWithLineBreak_isRefusedAndTheBodyReleased() {
    HttpHeaders unchecked = new DefaultHttpHeaders(false).add("X-Injected", "a\r\nHost: evil");
    ByteBuf body = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);
    UpstreamRequest request = new UpstreamRequest(HttpMethod.POST, "/a", unchecked, body, null);

    try (UpstreamClient client = create(UpstreamConfig.builder().origins(URI.create("http://127.0.0.1:1")).build())) {
      assertThatThrownBy(() -> client.fetch(request, new Recorder(group)))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void request_path_dropsTheQueryString() {
    assertThat(UpstreamRequest.get("/a.ts?token=secret", null).path()).isEqualTo("/a.ts");
    assertThat(UpstreamRequest.get("/a.ts?token=secret", null).hashKey()).isEqualTo("/a.ts?token=secret");
  }

  @Test
  void via_isAppendedToIncomingValues() {
    assertThat(OutgoingRequest.appendVia(List.of(), "1.1 edge")).isEqualTo("1.1 edge");
    assertThat(OutgoingRequest.appendVia(List.of("1.0 a", "1.1 b"), "1.1 edge")).isEqualTo("1.0 a, 1.1 b, 1.1 edge");
  }
}
