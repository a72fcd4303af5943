package media.edge.upstream;

import media.edge.config.UpstreamConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import media.edge.testing.TestUpstream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One NIO event loop group per test class, and the clients, scripted upstreams and recorders of each test,
 * closed after it. Register it as a {@code static} field with {@code @RegisterExtension}.
 */
final class UpstreamHarness implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final List<AutoCloseable> perTest = new ArrayList<>();
  private final List<Recorder> recorders = new ArrayList<>();
  private EventLoopGroup group;

  @Override
  public void beforeAll(ExtensionContext context) {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<String> violations = new ArrayList<>();
    synchronized (this) {
      for (int i = perTest.size() - 1; i >= 0; i--) {
        perTest.get(i).close();
      }
      perTest.clear();
      recorders.forEach(r -> violations.addAll(r.violations()));
      recorders.clear();
    }
    if (!violations.isEmpty()) {
      throw new AssertionError("listener contract broken: " + violations);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  EventLoopGroup group() {
    return group;
  }

  /** A {@link TestUpstream} running {@code script} on a free port, closed after the test. */
  synchronized TestUpstream server(TestUpstream.Script script) throws IOException {
    return server(0, script);
  }

  synchronized TestUpstream server(int port, TestUpstream.Script script) throws IOException {
    TestUpstream server = TestUpstream.start(port, script);
    perTest.add(server);
    return server;
  }

  /** Short timeouts and a recognisable node name; tests adjust what they exercise. */
  static UpstreamConfig.Builder config() {
    return UpstreamConfig.builder()
        .connectTimeout(Duration.ofSeconds(2))
        .responseTimeout(Duration.ofSeconds(5))
        .idleTimeout(Duration.ofSeconds(5))
        .healthInterval(Duration.ofHours(1))
        .healthPath("/health")
        .nodeName("edge-test");
  }

  /** A client on this class's group with its own registry, closed after the test. */
  UpstreamClient client(UpstreamConfig config) {
    return client(config, new SimpleMeterRegistry());
  }

  synchronized UpstreamClient client(UpstreamConfig config, MeterRegistry registry) {
    UpstreamClient client = UpstreamClient.create(config, group, NioSocketChannel.class, registry);
    perTest.add(client);
    return client;
  }

  /** A client built on this class's group, adjusted by {@code build} (TLS, a fake clock), closed after the test. */
  synchronized UpstreamClient client(
      UpstreamConfig config, MeterRegistry registry, UnaryOperator<UpstreamClient.Builder> build) {
    UpstreamClient client = build.apply(UpstreamClient.builder(config, group, registry)).build();
    perTest.add(client);
    return client;
  }

  /** Closed after the test, before the clients and servers started earlier. */
  synchronized <T extends AutoCloseable> T closeAfter(T resource) {
    perTest.add(resource);
    return resource;
  }

  /** A listener whose contract breaches fail the test. */
  synchronized Recorder recorder() {
    Recorder recorder = new Recorder(group);
    recorders.add(recorder);
    return recorder;
  }
}
