package media.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What a real socket cannot show on demand: bytes that arrive while a request is still being written
 * ({@link Desync#EARLY}), and the log being quiet when an upstream desyncs on every response. The
 * pipeline is the production one, on an {@link EmbeddedChannel} whose writes the test holds.
 */
class ExchangeDesyncTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final UpstreamMetrics metrics = new UpstreamMetrics(registry, new ParentHealth(List.of()));
  private final AtomicLong nanos = new AtomicLong();
  private final Desyncs desyncs = new Desyncs(metrics, nanos::get);

  /** Swallows writes without completing them: a request stuck in a full socket buffer. */
  private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ReferenceCountUtil.release(msg);
    }
  }

  private static final class Events implements ExchangeListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onResponse(HttpResponse response) {
      events.add("response");
    }

    @Override
    public void onBody(ByteBuf content) {
      events.add("body");
    }

    @Override
    public void onEnd(boolean reusable) {
      events.add("end");
    }

    @Override
    public void onFailure(UpstreamFailure failure, Progress progress, String detail) {
      events.add(failure.tag() + ":" + progress);
    }
  }

  private EmbeddedChannel channel() {
    ResponseGate gate = new ResponseGate(desyncs);
    return new EmbeddedChannel(
        new HeldWrites(),
        gate,
        new ResponseDecoder(new HttpDecoderConfig(), gate, desyncs),
        new HttpRequestEncoder(),
        new ExchangeHandler(gate, Duration.ofSeconds(5), Duration.ofSeconds(5)));
  }

  @Test
  void bytesBeforeTheRequestIsWritten_failAsDesyncWithNothingReceived_andClose() {
    EmbeddedChannel channel = channel();
    Events listener = new Events();
    channel.pipeline().get(ExchangeHandler.class).begin(listener, get(), null);

    try (CapturedLog log = CapturedLog.of(Desyncs.class)) {
      channel.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL"));
      assertThat(log.messages()).singleElement().asString().contains("(early)");
    }

    // SENT, not RESPONSE_STARTED: a reused connection's idempotent request may go again on a fresh one.
    assertThat(listener.events).containsExactly("desync:SENT");
    assertThat(channel.isActive()).isFalse();
    assertThat(registry.get("edge.upstream.desyncs").tag("when", "early").counter().count()).isEqualTo(1.0);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void desyncs_areCountedEveryTime_butLoggedAtMostOncePerInterval() {
    EmbeddedChannel channel = new EmbeddedChannel();

    List<Boolean> logged = new ArrayList<>();
    List<String> lines;
    try (CapturedLog log = CapturedLog.of(Desyncs.class)) {
      logged.add(desyncs.report(Desync.IDLE, channel, 1));
      nanos.addAndGet(Desyncs.INTERVAL_NANOS - 1);
      logged.add(desyncs.report(Desync.IDLE, channel, 1));
      nanos.addAndGet(1);
      logged.add(desyncs.report(Desync.AFTER_RESPONSE, channel, 1));
      lines = log.messages();
    }

    assertThat(logged).containsExactly(true, false, true);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("(after_response)").contains("1 more since the last report");
    assertThat(registry.get("edge.upstream.desyncs").tag("when", "idle").counter().count()).isEqualTo(2.0);
    channel.finishAndReleaseAll();
  }

  private static DefaultFullHttpRequest get() {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a.ts", Unpooled.EMPTY_BUFFER);
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }
}
