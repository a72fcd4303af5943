package media.edge.upstream;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every {@link Fetch} of one client shares.
 *
 * @param via this edge's {@code Via} entry, {@code 1.1 <nodeName>}
 * @param closed set once by {@link UpstreamClient#close()}
 */
record FetchContext(UpstreamMetrics metrics, ParentHealth health, String via, AtomicBoolean closed) {
  boolean isClosed() {
    return closed.get();
  }
}
