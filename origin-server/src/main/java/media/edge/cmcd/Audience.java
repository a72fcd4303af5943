package media.edge.cmcd;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is watching what, from the CMCD session ({@code sid}) and content ({@code cid}) ids players send:
 * sessions active in the window, and per title its sessions, their mean encoded bitrate and the share of
 * them that rebuffered ({@code bs}) in the window.
 *
 * <p>Bounded and private by construction: a table of at most {@code maxSessions} sessions (about
 * {@value #BYTES_PER_SESSION} bytes each), keyed by a 64-bit hash of the session id under a salt drawn at
 * start-up and never shown, so that no session id is held in the clear; a session leaves the table one
 * window after its last request (Caffeine's expiry, with a scheduler so that it leaves even when nothing
 * else happens). Past {@code maxSessions} the least recently used sessions are dropped and the counts are
 * a lower bound, which {@link Snapshot#capped()} says.
 *
 * <p>Thread-safe: the table is a Caffeine cache; each session's fields are guarded by itself.
 */
public final class Audience {
  /** Titles listed at most. */
  public static final int TOP_TITLES = 50;
  /** A session's entry: key, node and value objects, and its title's string shared with others. */
  static final int BYTES_PER_SESSION = 120;

  private final Cache<Long, Session> sessions;
  private final Ticker ticker;
  private final long windowNanos;
  private final int maxSessions;
  private final long salt = new SecureRandom().nextLong();

  Audience(Duration window, int maxSessions, Ticker ticker) {
    this.ticker = ticker;
    this.windowNanos = window.toNanos();
    this.maxSessions = maxSessions;
    this.sessions = Caffeine.newBuilder()
        .maximumSize(maxSessions)
        .expireAfterAccess(window)
        .ticker(ticker)
        // Maintenance on the recording thread (an event loop) in small amortized steps, rather than a
        // hand-off to the common pool that wakes a thread: what the access log avoids too.
        .executor(Runnable::run)
        .scheduler(Scheduler.systemScheduler())
        .build();
  }

  /** One request's reading; without a session id it adds to no one. */
  void record(Cmcd cmcd) {
    String sid = cmcd.string("sid");
    if (sid == null || maxSessions == 0) {
      return;
    }
    long now = ticker.read();
    Session session = sessions.get(hash(sid), k -> new Session());
    String ot = cmcd.token("ot");
    boolean media = ot == null || ot.equals("v") || ot.equals("av") || ot.equals("a");
    session.update(cmcd.string("cid"), media ? cmcd.integer("br") : -1, cmcd.flag("bs"), now);
  }

  /** Sessions seen in the window (an estimate from Caffeine's size, for the gauge). */
  double activeSessions() {
    return sessions.estimatedSize();
  }

  /** Who is watching now. */
  public Snapshot snapshot() {
    sessions.cleanUp(); // evictions and expiries still pending, so that the counts below are bounded
    long now = ticker.read();
    Map<String, Title> titles = new HashMap<>();
    int active = 0;
    for (Session session : sessions.asMap().values()) {
      synchronized (session) {
        if (now - session.lastSeen > windowNanos) {
          continue;
        }
        active++;
        if (session.cid == null) {
          continue;
        }
        Title title = titles.computeIfAbsent(session.cid, Title::new);
        title.sessions++;
        if (session.bitrateKbps >= 0) {
          title.bitrateSum += session.bitrateKbps;
          title.bitrateCount++;
        }
        if (session.lastRebuffer != Long.MIN_VALUE && now - session.lastRebuffer <= windowNanos) {
          title.rebuffering++;
        }
      }
    }
    List<Title> top = new ArrayList<>(titles.values());
    top.sort(Comparator.comparingInt((Title t) -> -t.sessions).thenComparing(t -> t.cid));
    List<TitleView> views = top.stream().limit(TOP_TITLES).map(Title::view).toList();
    return new Snapshot(Duration.ofNanos(windowNanos).toSeconds(), active, titles.size(), views,
        sessions.estimatedSize() >= maxSessions);
  }

  /**
   * FNV-1a over the id's characters from a salted basis, then a 64-bit finalizer (from SplitMix64): fast,
   * and without the salt the hash says nothing about the id.
   */
  private long hash(String sid) {
    long h = salt ^ 0xcbf29ce484222325L;
    for (int i = 0; i < sid.length(); i++) {
      h = (h ^ sid.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** What one session last said. */
  private static final class Session {
    private String cid;
    private long bitrateKbps = -1;
    private long lastRebuffer = Long.MIN_VALUE;
    private long lastSeen;

    synchronized void update(String cid, long bitrateKbps, boolean rebuffering, long now) {
      if (cid != null) {
        this.cid = cid;
      }
      if (bitrateKbps >= 0) {
        this.bitrateKbps = bitrateKbps;
      }
      if (rebuffering) {
        this.lastRebuffer = now;
      }
      this.lastSeen = now;
    }
  }

  private static final class Title {
    final String cid;
    int sessions;
    int rebuffering;
    long bitrateSum;
    int bitrateCount;

    Title(String cid) {
      this.cid = cid;
    }

    TitleView view() {
      return new TitleView(
          cid, sessions, bitrateCount == 0 ? -1 : Math.round((double) bitrateSum / bitrateCount), (double) rebuffering / sessions);
    }
  }

  /**
   * One title.
   *
   * @param meanBitrateKbps the mean of its sessions' last encoded bitrate ({@code br}), or -1 when none sent one
   * @param rebufferingShare the share of its sessions that rebuffered in the window
   */
  public record TitleView(String cid, int sessions, long meanBitrateKbps, double rebufferingShare) {}

  /**
   * The audience now.
   *
   * @param windowSeconds how recent a session's last request must be to count
   * @param activeSessions distinct session ids in the window
   * @param titleCount distinct content ids among them
   * @param titles the {@value #TOP_TITLES} titles with the most sessions, most first
   * @param capped true when the table is full, so that counts are a lower bound
   */
  public record Snapshot(long windowSeconds, int activeSessions, int titleCount, List<TitleView> titles, boolean capped) {
    /**
     * As JSON. Content ids came through the CMCD parser, so they are printable ASCII; quotes and
     * backslashes are escaped.
     */
    public String toJson() {
      StringBuilder json = new StringBuilder(128 + titles.size() * 96);
      json.append("{\"window_seconds\":").append(windowSeconds)
          .append(",\"active_sessions\":").append(activeSessions)
          .append(",\"titles_total\":").append(titleCount)
          .append(",\"capped\":").append(capped)
          .append(",\"titles\":[");
      for (int i = 0; i < titles.size(); i++) {
        TitleView title = titles.get(i);
        json.append(i == 0 ? "" : ",").append("{\"cid\":\"");
        for (int c = 0; c < title.cid().length(); c++) {
          char ch = title.cid().charAt(c);
          if (ch == '"' || ch == '\\') {
            json.append('\\');
          }
          json.append(ch < 0x20 || ch > 0x7e ? '?' : ch);
        }
        json.append("\",\"sessions\":").append(title.sessions())
            .append(",\"mean_bitrate_kbps\":").append(title.meanBitrateKbps() < 0 ? "null" : Long.toString(title.meanBitrateKbps()))
            .append(",\"rebuffering_share\":").append(Math.round(title.rebufferingShare() * 1000) / 1000.0)
            .append('}');
      }
      return json.append("]}\n").toString();
    }
  }
}
