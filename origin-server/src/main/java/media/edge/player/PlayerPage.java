package media.edge.player;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import media.edge.hls.PlaylistRewriter;
import media.edge.http.Body;
import media.edge.http.Compression;
import media.edge.http.Fields;
import media.edge.http.Pages;
import media.edge.http.Representation;

/**
 * The browser player page ({@code http.player-page}): an HTML page at {@code /} with a small inline
 * script, and hls.js at {@code /_player/hls.min.js}, shipped in the jar as the
 * {@code org.webjars.npm:hls.js} artifact, so that there is nothing to build or fetch. The page plays a
 * multivariant playlist (the demo's signed URL, a {@code ?src=} parameter, or one pasted in) and shows
 * the rendition playing, the bandwidth estimate, the buffer, and per segment its {@code X-Cache}:
 * whether this server answered it from memory, disk or upstream. It links to {@code /metrics} on the
 * admin port.
 *
 * <p>Both are read from the classpath once, at start-up, with a gzip form each, and served from memory
 * by the request gate ({@link Pages}), so conditionals, ranges, HEAD and compression work as for any
 * representation. The page carries the URL it opens with, token included: it gets {@code private,
 * no-cache} and {@code Referrer-Policy: no-referrer}, and a content security policy that runs only its
 * own inline script (by hash) and scripts from this origin.
 *
 * <p>Stateless; the {@link Pages} made are immutable.
 */
public final class PlayerPage {
  /** The page. */
  public static final String PAGE_PATH = "/";
  /** hls.js, minified, from the jar. */
  public static final String SCRIPT_PATH = "/_player/hls.min.js";

  private static final String TEMPLATE = "page.html";
  private static final String CONFIG_PLACEHOLDER = "{{CONFIG}}";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/hls.js/pom.properties";
  private static final String WEBJAR_ROOT = "META-INF/resources/webjars/hls.js/";
  private static final String INLINE_OPEN = "<script>";
  private static final String INLINE_CLOSE = "</script>";

  private PlayerPage() {}

  /**
   * Reads the page and hls.js and makes the pages the gate serves.
   *
   * @param source what the page opens with: a path and query such as a signed
   *     {@code /demo/master.m3u8?hdnts=…}, resolved against the page's own origin; null for none
   * @param adminBind {@code server.admin-bind}: the host the metrics link names, unless it is a wildcard
   *     address, when the link names the host the page was opened with
   * @param adminPort the bound admin port
   * @throws IOException when the page or hls.js is missing from the classpath (a broken build)
   */
  public static Pages pages(String source, String adminBind, int adminPort) throws IOException {
    String template = new String(read(PlayerPage.class, TEMPLATE), StandardCharsets.UTF_8);
    String script = hlsScriptPath();
    byte[] hls = read(PlayerPage.class.getClassLoader(), script);
    String html = template.replace(CONFIG_PLACEHOLDER, config(source, adminBind, adminPort));
    byte[] page = html.getBytes(StandardCharsets.UTF_8);
    Fields pageFields =
        Fields.builder()
            .add(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
            .add(HttpHeaderNames.ETAG, etag(page))
            // It carries the token it plays with: not for shared caches, revalidated on every load.
            .add(HttpHeaderNames.CACHE_CONTROL, "private, no-cache")
            .add(HttpHeaderNames.VARY, "accept-encoding")
            .add(HttpHeaderNames.CONTENT_SECURITY_POLICY, contentSecurityPolicy(html))
            .add("referrer-policy", "no-referrer")
            .add("x-content-type-options", "nosniff")
            .build();
    Fields scriptFields =
        Fields.builder()
            .add(HttpHeaderNames.CONTENT_TYPE, "text/javascript; charset=utf-8")
            .add(HttpHeaderNames.ETAG, etag(hls))
            .add(HttpHeaderNames.CACHE_CONTROL, "public, max-age=86400")
            .add(HttpHeaderNames.ACCEPT_RANGES, "bytes")
            .add(HttpHeaderNames.VARY, "accept-encoding")
            .add("x-content-type-options", "nosniff")
            .build();
    return Pages.of(Map.of(PAGE_PATH, inMemory(page, pageFields), SCRIPT_PATH, inMemory(hls, scriptFields)));
  }

  /** The resource path of hls.min.js in the webjar on the classpath, whose version its pom.properties names. */
  static String hlsScriptPath() throws IOException {
    Properties pom = new Properties();
    try (InputStream in = PlayerPage.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IOException("hls.js is missing from the classpath (" + WEBJAR_POM + ")");
      }
      pom.load(in);
    }
    String version = pom.getProperty("version");
    if (version == null || !version.matches("[0-9A-Za-z.+-]+")) {
      throw new IOException("hls.js: " + WEBJAR_POM + " names no usable version (" + version + ")");
    }
    return WEBJAR_ROOT + version + "/dist/hls.min.js";
  }

  /**
   * The page's settings as JSON, for a {@code <script type="application/json">} element: {@code <},
   * {@code >} and {@code &} are escaped too, so no value can end the element.
   */
  static String config(String source, String adminBind, int adminPort) {
    boolean wildcard = adminBind.equals("0.0.0.0") || adminBind.equals("::") || adminBind.equals("[::]");
    boolean loopback = adminBind.startsWith("127.") || adminBind.equals("::1") || adminBind.equals("[::1]")
        || adminBind.equalsIgnoreCase("localhost");
    return "{\"source\":" + (source == null ? "null" : json(source))
        + ",\"metricsHost\":" + (wildcard ? "null" : json(adminBind))
        + ",\"metricsPort\":" + adminPort
        + ",\"metricsLoopback\":" + loopback + "}";
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /**
   * Scripts: this origin's and the page's one inline script, by its hash; media and connections
   * anywhere (a pasted URL may name another server); hls.js's worker from a blob.
   */
  private static String contentSecurityPolicy(String html) {
    int open = html.indexOf(INLINE_OPEN);
    int close = open < 0 ? -1 : html.indexOf(INLINE_CLOSE, open);
    if (open < 0 || close < 0 || html.indexOf(INLINE_OPEN, close) >= 0) {
      throw new IllegalStateException(TEMPLATE + " must have exactly one inline <script>");
    }
    byte[] inline = html.substring(open + INLINE_OPEN.length(), close).getBytes(StandardCharsets.UTF_8);
    String hash = Base64.getEncoder().encodeToString(sha256(inline));
    return "default-src 'none'; script-src 'self' 'sha256-" + hash + "'; style-src 'unsafe-inline'; img-src data:;"
        + " media-src * blob:; connect-src *; worker-src blob:; base-uri 'none'; form-action 'none';"
        + " frame-ancestors 'none'";
  }

  /** A strong validator from the bytes themselves: the same build gives the same tag on every server. */
  private static String etag(byte[] bytes) {
    return "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 12) + "\"";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A representation over {@code bytes}, with its gzip form made now. */
  private static Representation inMemory(byte[] bytes, Fields fields) {
    byte[] gzip = gzip(bytes);
    Fields gzipFields = fields.toBuilder()
        .set(HttpHeaderNames.ETAG, "W/" + fields.get(HttpHeaderNames.ETAG))
        .add(HttpHeaderNames.CONTENT_ENCODING, "gzip")
        .build();
    Representation gzipped = Representation.builder(200, gzipFields, body(gzip)).length(gzip.length).build();
    Representation.Variants variants =
        new Representation.Variants() {
          @Override
          public Representation gzip() {
            return gzipped;
          }

          @Override
          public PlaylistRewriter.PlanSlot plans() {
            return null;
          }
        };
    return Representation.builder(200, fields, body(bytes)).length(bytes.length).variants(variants).build();
  }

  /**
   * A body over a heap buffer that lives as long as the server: each answer writes a retained duplicate,
   * and the one reference kept here is never released (an unpooled heap buffer is left to the collector).
   */
  private static Body.InMemory body(byte[] bytes) {
    ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
    return buffer::retainedDuplicate;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteBuf compressed = Compression.gzipOnce(Unpooled.wrappedBuffer(bytes), UnpooledByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(compressed);
    } finally {
      compressed.release();
    }
  }

  private static byte[] read(Class<?> owner, String name) throws IOException {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("the player page is missing from the classpath (" + name + ")");
      }
      return in.readAllBytes();
    }
  }

  private static byte[] read(ClassLoader loader, String name) throws IOException {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("hls.js is missing from the classpath (" + name + ")");
      }
      return in.readAllBytes();
    }
  }
}
