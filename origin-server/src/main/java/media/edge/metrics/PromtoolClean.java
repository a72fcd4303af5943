package media.edge.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Keeps the exposition within Prometheus naming rules ({@code promtool check metrics} reports no
 * problem): two of Micrometer's stock meters break them, so they are renamed or replaced here.
 * Dashboards should use the names this class produces.
 */
final class PromtoolClean {
  /** {@code system_cpu_count} is a gauge, and {@code _count} is reserved for histograms and summaries. */
  static final MeterFilter FILTER =
      new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
          if ("system.cpu.count".equals(id.getName())) {
            return id.withName("system.cpu.logical");
          }
          return id;
        }

        @Override
        public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
          // process_cpu_time_ns_total abbreviates its unit; process_cpu_seconds_total replaces it.
          return "process.cpu.time".equals(id.getName())
              ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
              : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
        }
      };

  private PromtoolClean() {}

  /** Registers {@code process_cpu_seconds_total}, the conventional name, when the JVM exposes it. */
  static void bindProcessCpuSeconds(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean)) {
      return;
    }
    com.sun.management.OperatingSystemMXBean bean = (com.sun.management.OperatingSystemMXBean) os;
    FunctionCounter.builder("process.cpu", bean, b -> b.getProcessCpuTime() / 1e9)
        .description("CPU time used by the server process")
        .baseUnit("seconds")
        .register(registry);
  }
}
