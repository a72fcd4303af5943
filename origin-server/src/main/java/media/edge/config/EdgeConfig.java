package media.edge.config;

import java.util.Objects;

/**
 * The whole, validated configuration of one server. Built once at start-up by {@link ConfigLoader}
 * and then only read; nothing below this package reads system properties or the environment.
 */
public record EdgeConfig(
    ServerConfig server,
    LibraryConfig library,
    CacheConfig cache,
    HttpConfig http,
    TokenConfig tokens,
    LogConfig log,
    UpstreamConfig upstream,
    EdgeCacheConfig edgeCache,
    CmcdConfig cmcd,
    AdminConfig admin) {

  public EdgeConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(edgeCache, "edgeCache");
    Objects.requireNonNull(cmcd, "cmcd");
    Objects.requireNonNull(admin, "admin");
  }

  /** Returns a copy with another library root (tests and the demo use this). */
  public EdgeConfig withLibrary(LibraryConfig library) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other server settings. */
  public EdgeConfig withServer(ServerConfig server) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other cache settings. */
  public EdgeConfig withCache(CacheConfig cache) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other HTTP settings. */
  public EdgeConfig withHttp(HttpConfig http) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other token settings (tests and the demo use this). */
  public EdgeConfig withTokens(TokenConfig tokens) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other log settings. */
  public EdgeConfig withLog(LogConfig log) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other upstream settings (edge mode). */
  public EdgeConfig withUpstream(UpstreamConfig upstream) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other settings for upstream responses. */
  public EdgeConfig withEdgeCache(EdgeCacheConfig edgeCache) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other CMCD settings. */
  public EdgeConfig withCmcd(CmcdConfig cmcd) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }

  /** Returns a copy with other admin credentials. */
  public EdgeConfig withAdmin(AdminConfig admin) {
    return new EdgeConfig(server, library, cache, http, tokens, log, upstream, edgeCache, cmcd, admin);
  }
}
