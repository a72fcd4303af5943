package media.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the decoding of upstream responses: the pipeline of {@link UpstreamChannelInitializer} in an
 * {@code EmbeddedChannel}, one exchange begun, then arbitrary bytes in arbitrary reads and the connection
 * closed (issue 15). Whatever the upstream sends: nothing is thrown out of the pipeline, nothing stays
 * allocated, and the listener hears what {@link ExchangeListener} promises: at most one final response
 * head with a status from 200 to 599, body bytes only after it, then exactly one end or failure and nothing
 * after that.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest=UpstreamResponseFuzzTest}.
 */
class UpstreamResponseFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void exchange_anyResponseBytes_reportsOneOutcomeAndLeaksNothing(FuzzedDataProvider data) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      cuts.add(data.consumeInt(1, 512));
    }
    byte[] wire = data.consumeRemainingAsBytes();
    UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(allocator);
    Desyncs desyncs = new Desyncs(new UpstreamMetrics(new SimpleMeterRegistry(), new ParentHealth(List.of())), System::nanoTime);
    channel.pipeline().addLast(new UpstreamChannelInitializer(Duration.ofSeconds(10), Duration.ofSeconds(10), desyncs));
    Events events = new Events();
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/live/a.ts");
    request.headers().set("host", "origin.example");
    channel.pipeline().get(ExchangeHandler.class).begin(events, request, null);

    int from = 0;
    for (int i = 0; from < wire.length && channel.isOpen(); i++) { // a closed connection reads no more
      int to = i < cuts.size() ? Math.min(wire.length, from + cuts.get(i)) : wire.length;
      ByteBuf read = allocator.heapBuffer(to - from).writeBytes(wire, from, to - from);
      channel.writeInbound(read);
      from = to;
    }
    channel.close();
    channel.checkException();
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ReferenceCountUtil.release(out);
    }
    channel.finishAndReleaseAll();

    assertThat(events.outcomes).as("outcomes of %s", events.log).isEqualTo(1);
    assertThat(events.responses).isLessThanOrEqualTo(1);
    if (events.ended) {
      assertThat(events.responses).as("an end without a response: %s", events.log).isEqualTo(1);
    }
    assertThat(allocator.metric().usedHeapMemory()).as("bytes left allocated").isZero();
  }

  /** Checks the order of the listener's calls as they come. */
  private static final class Events implements ExchangeListener {
    final List<String> log = new ArrayList<>();
    int responses;
    int outcomes;
    boolean ended;

    @Override
    public void onResponse(HttpResponse response) {
      log.add("response " + response.status().code());
      assertThat(outcomes).as("a response after the outcome: %s", log).isZero();
      assertThat(response.status().code()).isBetween(200, 599);
      responses++;
    }

    @Override
    public void onBody(ByteBuf content) {
      log.add("body " + content.readableBytes());
      assertThat(outcomes).as("a body after the outcome: %s", log).isZero();
      assertThat(responses).as("a body before the response: %s", log).isEqualTo(1);
      assertThat(content.isReadable()).isTrue();
    }

    @Override
    public void onUntrusted() {
      log.add("untrusted");
      assertThat(outcomes).as("untrusted after the outcome: %s", log).isZero();
      assertThat(responses).as("untrusted before the response: %s", log).isEqualTo(1);
    }

    @Override
    public void onEnd(boolean reusable) {
      log.add("end " + reusable);
      outcomes++;
      ended = true;
    }

    @Override
    public void onFailure(UpstreamFailure failure, Progress progress, String detail) {
      log.add("failure " + failure + " " + progress);
      assertThat(failure).isNotNull();
      assertThat(progress).isNotNull();
      outcomes++;
    }
  }
}
