package media.edge.metrics;

/**
 * Why an answer in progress was cut off because of its client: the {@code reason} tag of
 * {@code edge_clients_cut_off_total}. A client that stops reading must not hold memory or an upstream
 * connection for everyone else.
 */
public enum CutOff {
  /** The client took nothing for {@code server.send-timeout} (a viewer that stopped reading, a window at 0). */
  SEND_TIMEOUT("send_timeout"),
  /** More bytes waited to be sent to the client than one connection may queue. */
  QUEUE_FULL("queue_full");

  private final String tag;

  CutOff(String tag) {
    this.tag = tag;
  }

  /** The tag value. */
  public String tag() {
    return tag;
  }
}
