package media.edge.upstream;

/** A parent edge as the health checker sees it: {@code name} is {@code host:port}. */
public record ParentState(String name, boolean up) {}
