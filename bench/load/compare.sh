#!/usr/bin/env bash
# Load comparison: origin-server against nginx (Debian nginx-full) and Varnish (Debian varnish) on
# the same HLS files, driven by the same wrk on the same machine, interleaved in one run (issue 5,
# "Load comparison"; issue 11, "Benchmarks and targets").
#
# Usage, from anywhere (bench/load/out/ is gitignored and holds everything this makes):
#
#   bash bench/load/compare.sh                     # the full run, about 37 minutes here (2 cores)
#   SUITES=edge bash bench/load/compare.sh         # one suite: origin ~20 min, edge ~14, edge-disk ~4
#   DURATION=3 ROUNDS=1 CONNECTIONS=128 DISK_CONNECTIONS=128 WARMUP=5 PINNED_ROWS= CACHE_PINNED_ROWS= \
#     DISK_FILES=600 bash bench/load/compare.sh                                   # smoke, all suites
#   OURS_B_ENV=EDGE_LOG_ACCESS=false bash bench/load/compare.sh   # A/B of our own server: the log's cost
#   OURS_B_JAR=/tmp/old.jar SUITES=origin bash bench/load/compare.sh       # this jar against an older one
#   bash bench/load/compare.sh --table bench/load/out/results-<time>.csv   # reprint a run's tables
#
# Suites (SUITES ["origin edge edge-disk"]), each with its own servers, all started for the suite
# and measured one after the other, round by round:
#   origin     our origin (the library on local disk) against nginx serving the same files:
#              rows playlist, playlist-hdr, seg400k, seg3m, mix.
#   edge       three edges in front of ONE backend, every measured request a hit once warm: ours (edge
#              mode, no library, a 2 GiB memory tier), nginx proxy_cache + secure_link, and Varnish
#              (malloc storage); the same rows as origin. The backend is an nginx serving the library
#              without tokens and with our origin's Cache-Control per kind (segments "public,
#              max-age=31536000, immutable", VOD playlists "public, max-age=86400"): it is neutral to
#              the three (none of them is our own server talking to itself), costs nothing while idle
#              (the measured servers only serve hits), and its unbuffered access log counts exactly the
#              requests that reach it, so every run records how many of its requests were misses.
#   edge-disk  an edge whose catalogue is about ten times its memory tier: ours with a DISK_MEMORY
#              [128MiB] memory tier and a disk tier (EDGE_CACHE_DISK_DIR in out/run/, DISK_TIER_BYTES
#              [4GiB]), against nginx proxy_cache (the same files in its disk cache), both in front of
#              the same backend, over DISK_FILES [3000] distinct copies of a 425 KB segment (~1.3 GB):
#              row mix, round-robin. Every file is requested through each edge until it is stored
#              (ours: until all are entries of its disk tier, asking again for the ones whose write
#              it dropped), so a measured request is a disk-tier hit for ours (or a memory hit for
#              the ~8% its memory tier holds; the table gives the share) and a cache hit for nginx. Varnish is not in this suite: its storage is memory
#              (malloc) or an mmap'd file that is not a persistent disk cache either.
#   Tokens are checked where the peer can: ours (EdgeAuth HMAC-SHA256) and nginx (secure_link MD5)
#   check theirs on every request, edges included; Varnish cannot (no HMAC or MD5 secure_link
#   without extra vmods), so it is sent nginx's signed URLs unchecked and drops the query in vcl_recv
#   before hashing, so that its cache key is the path, as nginx's ($uri) and ours (the query without
#   the token: here none). wrk sends no Cookie or Authorization, so Varnish's built-in VCL caches.
#
# What it does, in one run:
#  1. Installs nginx-full, wrk, ffmpeg, time, varnish (for the edge suite) and curl, openssl,
#     util-linux with apt-get when one is missing, after one `apt-get update`; nothing is fetched when
#     all are there.
#  2. Makes the content once (kept in out/lib/ and reused while its recipe is unchanged), with ffmpeg
#     (testsrc2 + sine, H.264/AAC, MPEG-TS, CBR so the sizes are predictable):
#       /title/400k/playlist.m3u8   a VOD media playlist of 30 entries (~1 KB)
#       /title/400k/seg_NNN.ts      4 s segments of ~425 KB (640x360, 700 kbit/s + 96 kbit/s AAC)
#       /title/3m/seg_NNN.ts        6 s segments of ~3.2 MB (1280x720, 3.9 Mbit/s + 96 kbit/s AAC)
#       /mix/seg_NNNN.ts            MIX_FILES (1,000) *copies* (not links: the page cache and the
#                                   caches then hold that many distinct bodies) of one 400k segment
#       /disk/seg_NNNN.ts           DISK_FILES (3,000) more copies, for the edge-disk suite only
#  3. Copies origin-server/target/origin-server.jar (built with `mvn -B -q package -DskipTests` if
#     missing) into out/run/, so a rebuild by someone else mid-run cannot change it (and OURS_B_JAR,
#     if given, beside it).
#  4. Starts, for each suite and setting, every server of the suite, with production settings:
#     ACCESS LOGS ON everywhere, each to a real file in out/run/ (<server>-access.log):
#       ours     as shipped: one JSON line per request on stdout (log.access, the default), stdout
#                redirected to the file; tokens required (EDGE_TOKENS_KEYS=k1:<random hex>); a 2 GiB
#                memory tier (bodies are pooled direct buffers, hence -XX:MaxDirectMemorySize=3g),
#                -Xms/-Xmx JAVA_HEAP. Origin: `serve --library`. Edges: EDGE_LIBRARY_ROOT= and
#                EDGE_UPSTREAM_URLS=http://127.0.0.1:BACK_PORT.
#       nginx    a generated config in out/run/nginx/ (own prefix, pid and error log), `access_log
#                <file> bench buffer=64k flush=1s` with a JSON format of our fields (time, client,
#                method, path without query, status, bytes, request time, $upstream_cache_status,
#                user agent), sendfile, tcp_nopush, keepalive_requests 100000, open_file_cache,
#                `secure_link` on every request (MD5 of "$expires$uri secret"; nginx has no HMAC).
#                Edges: proxy_cache_path out/run/nginx/cache levels=1:2 keys_zone=edge:16m
#                max_size=4g inactive=7d use_temp_path=off; proxy_cache_key $uri; proxy_cache_lock on;
#                an upstream block with keepalive. worker_processes: 2 in the shared setting (one per
#                core, as our io-threads default), 1 in the pinned setting.
#       varnish  varnishd -s malloc,VARNISH_STORAGE [2g], the VCL above, default parameters; and
#                varnishncsa -j writing the same JSON fields to its file. varnishncsa is a separate
#                process reading Varnish's shared-memory log: its CPU and RSS are counted with
#                Varnish's (its CPU until SETTLE seconds after wrk ends, so that a reader lagging
#                behind is charged its backlog).
#     Every file of the suite is requested once through each server (all must be 200; edges fill
#     from the backend; our disk tier drops a write when more than 64 MiB of bodies wait for the
#     disk, so ours is asked again, pass after pass, until every file is on its disk), then, on
#     edges, a second time, and the requests that still reached the backend are logged. The caches
#     start empty at each (re)start: nginx's cache folder and our disk tier are wiped.
#  5. Signs: ours, one EdgeAuth token (`sign --acl '/*' --ttl 2h`) for every request, as one viewer
#     session would (the server caches a verified token's verdict, so this measures the cached
#     path: time, address and ACL checks per request, one HMAC per token); nginx, one md5 per URL.
#  6. Drives each server with `wrk -t1 -cC -dD --latency --timeout 10s`, interleaved: for each row
#     and connection count, ROUNDS rounds, each server once per round, ours first in odd rounds and
#     last in even ones (A B C / C B A, so that a drifting host favours no one), after an unmeasured
#     warm-up of each server (WARMUP seconds of mix and of playlist; edge-disk: of its mix):
#       playlist  /title/400k/playlist.m3u8 (ours rewrites it: every URI gets the token appended)
#       playlist-hdr  the same playlist, our token sent in an "hdnts" request header instead of the
#                 query, so ours sends it as stored, the same bytes as nginx: the rewrite's cost
#                 is the difference between the two playlist rows (nginx and Varnish run as in
#                 "playlist")
#       seg400k   /title/400k/seg_001.ts
#       seg3m     /title/3m/seg_000.ts
#       mix       round-robin over the MIX_FILES files (edge-disk: the DISK_FILES files; wrk.lua,
#                 one signed path a line)
#  7. Measures per run: requests/s, MB/s (10^6 bytes, headers included, as wrk counts), p50/p99
#     latency, server CPU seconds (utime+stime from /proc/<pid>/stat: ours the JVM; nginx master +
#     workers; Varnish manager + child + varnishncsa) and requests per server CPU-second, server and
#     wrk CPU as % of one core, server RSS after the run (VmRSS summed over the processes, which
#     counts shared pages twice), "other" CPU: the machine's busy time (/proc/stat) less server and
#     wrk, as % of one core (idle servers of the suite, other jobs, kernel threads such as ksoftirqd;
#     200% would be both cores); our GC pauses; and, after SETTLE [1.5] seconds: the access lines the
#     server wrote during the run (each log is emptied before a run; all are opened O_APPEND, so
#     this is safe and keeps a full run from filling the disk; the last run's lines stay) and among
#     them the cache hits (ours: "cache" memory or disk; nginx: $upstream_cache_status HIT;
#     Varnish: handling hit), the server's own counters (ours: edge_cache_lookups_total on /metrics;
#     Varnish: varnishstat MAIN.cache_hit and MAIN.client_req) and the requests that reached the
#     backend (edge suites; should be 0).
#     Setting "shared": servers and wrk float over both cores. Setting "pinned": the servers are
#     restarted under `taskset -c 1` (nginx and Varnish: the master/manager, the rest inherit; the
#     JVM then sees one CPU, so one event loop and serial GC by ergonomics) and wrk runs under
#     `taskset -c 0`. The backend is never pinned (it is idle while anything is measured).
#  8. Prints, per suite, one markdown table (a line per row, connection count and server, each value
#     the mean over the rounds; a server is "wrk-bound" where wrk used >= WRK_BOUND [95] % of its
#     core: there the client is the limit) and one of ratios per row (ours/nginx, ours/varnish,
#     ours-b/ours for req/s, req per CPU-s and p99), and writes them with the per-run CSV to
#     out/results-<UTC time>.{md,csv} (table.awk). The edge tables give the hits among the access
#     lines ("hits % (disk %)", from the server's own counters when it writes no lines) and every
#     table the access lines as % of wrk's requests (a few above 100: requests cut off at the end);
#     a line's notes flag errors, a noisy host, requests that reached the backend, and a server's
#     own counters when they disagree with its log. Stops everything it started on exit (trap).
#
# Our own A/B: with OURS_B=1, or any of OURS_B_ENV, OURS_B_JAVA_OPTS, OURS_B_JAR set, every suite also
# runs "ours-b": our server again (ports OURS_B_PORT [18082], OURS_B_ADMIN_PORT [18083]) with the
# same settings plus OURS_B_ENV (NAME=value words, after OURS_ENV so they win), OURS_B_JAVA_OPTS
# (after OURS_JAVA_OPTS) and the jar OURS_B_JAR [the same jar]; OURS_B=1 alone is an A/A run (the
# noise floor). The ratio table then has ours-b/ours. ours-b adds about 40% to the time (about 52
# minutes for the default full run). A variable the server does not know yet (say
# OURS_B_ENV=EDGE_SERVER_TRANSPORT=io_uring before it reads one) is logged by it as a warning and
# ignored, which makes the run an A/A: check out/run/ours-b.log.
#
# Environment (defaults in brackets): DURATION [10] seconds per run; ROUNDS [2]; SUITES [origin edge
# edge-disk]; WARMUP [15] seconds per server per setting and warm-up row (the JIT keeps compiling for
# about 30 s of traffic; a server runs for days).
#   origin:    ROWS ["playlist playlist-hdr seg400k seg3m mix"]; CONNECTIONS ["32 128 512"];
#              PINNED_ROWS [same as ROWS, "" to skip the pinned setting]; PINNED_CONNECTIONS ["128"].
#   edge:      CACHE_ROWS [same as ROWS]; CACHE_CONNECTIONS ["128"]; CACHE_PINNED_ROWS [those of
#              "playlist-hdr seg400k" in CACHE_ROWS, "" to skip]; CACHE_PINNED_CONNECTIONS [PINNED_CONNECTIONS];
#              VARNISH_STORAGE [2g].
#   edge-disk: DISK_CONNECTIONS ["128 512"]; DISK_PINNED_CONNECTIONS ["", that is no pinned setting];
#              DISK_FILES [3000]; DISK_MEMORY [128MiB] our memory tier; DISK_TIER_BYTES [4GiB] our
#              disk tier (nginx's max_size is 4g).
# MIX_FILES [1000]; MIX_BYTES [the whole segment]: the size of each mix file, its first MIX_BYTES
# bytes (scale.sh); JAVA_HEAP [256m]: our -Xms and -Xmx (bodies live in direct memory, outside the
# heap); OURS_ENV [""]: extra NAME=value words for our server in every suite (they win over the
# suite's), e.g. OURS_ENV=EDGE_CACHE_SENDFILE_MIN_BYTES=2147483647 makes our origin answer segments
# from its memory tier instead of with sendfile; OURS_JAVA_OPTS [""]; SETTLE [1.5] seconds
# after each run before its logs are counted (nginx flushes its buffer every second); NOISY [30]: a
# line where other jobs took more than this % of a core during one of its runs says so; WRK_BOUND [95];
# OUT [bench/load/out]; ports OURS_PORT [18080], OURS_ADMIN_PORT [18081], NGINX_PORT [18090],
# VARNISH_PORT [18092], BACK_PORT [18070] (the backend);
# SYSCALLS [0]: 1 counts system calls per request of the server and of wrk with `perf stat`
# (installs linux-perf if missing; the tracepoints cost a little, so keep it for a diagnostic run,
# not for the throughput table) and adds them to the table.
# OURS_MODE is gone: SUITES=edge measures our edge (against nginx and Varnish, not against nginx's origin).
# Loopback only: every server binds 127.0.0.1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

if [[ -n ${OURS_MODE:-} ]]; then
  echo "OURS_MODE is gone: SUITES=edge measures our edge against nginx proxy_cache and Varnish" >&2
  exit 2
fi

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
SUITES=${SUITES:-"origin edge edge-disk"}
WARMUP=${WARMUP:-15}
ALL_ROWS="playlist playlist-hdr seg400k seg3m mix"
ROWS=${ROWS:-$ALL_ROWS}
CONNECTIONS=${CONNECTIONS:-"32 128 512"}
PINNED_ROWS=${PINNED_ROWS-$ROWS}
PINNED_CONNECTIONS=${PINNED_CONNECTIONS:-128}
CACHE_ROWS=${CACHE_ROWS:-$ROWS}
CACHE_CONNECTIONS=${CACHE_CONNECTIONS:-128}
if [[ -z ${CACHE_PINNED_ROWS+set} ]]; then
  CACHE_PINNED_ROWS=""
  for row in playlist-hdr seg400k; do [[ " $CACHE_ROWS " == *" $row "* ]] && CACHE_PINNED_ROWS+="$row "; done
fi
CACHE_PINNED_CONNECTIONS=${CACHE_PINNED_CONNECTIONS:-$PINNED_CONNECTIONS}
VARNISH_STORAGE=${VARNISH_STORAGE:-2g}
DISK_CONNECTIONS=${DISK_CONNECTIONS:-"128 512"}
DISK_PINNED_CONNECTIONS=${DISK_PINNED_CONNECTIONS:-}
DISK_FILES=${DISK_FILES:-3000}
DISK_MEMORY=${DISK_MEMORY:-128MiB}
DISK_TIER_BYTES=${DISK_TIER_BYTES:-4GiB}
MIX_FILES=${MIX_FILES:-1000}
JAVA_HEAP=${JAVA_HEAP:-256m}
OUT=${OUT:-$HERE/out}
OURS_PORT=${OURS_PORT:-18080}
OURS_ADMIN_PORT=${OURS_ADMIN_PORT:-18081}
OURS_B_PORT=${OURS_B_PORT:-18082}
OURS_B_ADMIN_PORT=${OURS_B_ADMIN_PORT:-18083}
NGINX_PORT=${NGINX_PORT:-18090}
VARNISH_PORT=${VARNISH_PORT:-18092}
BACK_PORT=${BACK_PORT:-18070}
SYSCALLS=${SYSCALLS:-0}
SETTLE=${SETTLE:-1.5}
NOISY=${NOISY:-30}
WRK_BOUND=${WRK_BOUND:-95}
OURS_ENV=${OURS_ENV:-}
OURS_JAVA_OPTS=${OURS_JAVA_OPTS:-}
OURS_B_ENV=${OURS_B_ENV:-}
OURS_B_JAVA_OPTS=${OURS_B_JAVA_OPTS:-}
OURS_B_JAR=${OURS_B_JAR:-}
OURS_B=${OURS_B:-}
[[ -n $OURS_B_ENV$OURS_B_JAVA_OPTS$OURS_B_JAR ]] && OURS_B=1
# Counted per run with SYSCALLS=1 (perf stat on the server's threads and on wrk); the
# breakdown by call stays in out/runs/*.perf.
SYSCALL_EVENTS=raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_readv,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_sendfile64,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_setsockopt,syscalls:sys_enter_futex,syscalls:sys_enter_newfstatat,syscalls:sys_enter_statx
# varnishncsa -j: the fields of our access line (duration in µs, as ours).
NCSA_FORMAT='{"time":"%{%Y-%m-%dT%H:%M:%S}t","client":"%h","method":"%m","path":"%U","status":%s,"bytes":%b,"duration_us":%D,"cache":"%{Varnish:handling}x","user_agent":"%{User-agent}i"}'

LIB=$OUT/lib
RUN=$OUT/run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV=$OUT/results-$STAMP.csv
TABLE=$OUT/results-$STAMP.md
CLK_TCK=$(getconf CLK_TCK)

declare -A PID=() # server name -> pid: ours, ours-b, nginx, varnish, varnishncsa, backend

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has_suite() { [[ " $SUITES " == *" $1 "* ]]; }

# ---------------------------------------------------------------- processes

stop_pid() { # pid: TERM, up to 15 s, then KILL; always reaps
  local pid=$1 i
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_measured() { # the servers of a setting; the backend stays for the next one
  local name
  for name in varnishncsa varnish nginx ours-b ours; do
    stop_pid "${PID[$name]:-}"
    PID[$name]=""
  done
}
stop_all() { stop_measured; stop_pid "${PID[backend]:-}"; PID[backend]=""; }
trap stop_all EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
await_ready() { # name pid url: until the url answers 200 (60 s)
  local name=$1 pid=$2 url=$3 i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited; see its log in $RUN"
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) == 200 ]] && return 0
    sleep 0.2
  done
  die "$name not ready after 60 s"
}
await_port() { # name pid port: until something listens (20 s)
  local name=$1 pid=$2 port=$3 i
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited; see its log in $RUN"
    port_free "$port" || return 0
    sleep 0.1
  done
  die "$name not listening on $port after 20 s"
}

# ---------------------------------------------------------------- 1. tools

install_tools() {
  local missing=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-full)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  [[ -x /usr/bin/time ]] || missing+=(time)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v taskset >/dev/null || missing+=(util-linux)
  if has_suite edge; then command -v varnishd >/dev/null || [[ -x /usr/sbin/varnishd ]] || missing+=(varnish); fi
  [[ $SYSCALLS != 1 ]] || command -v perf >/dev/null || missing+=(linux-perf)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  VARNISHD=$(command -v varnishd || echo /usr/sbin/varnishd)
  # Debian's packages start a system nginx and Varnish where systemd runs; they use other ports.
}

# ---------------------------------------------------------------- 2. content

RECIPE="v1 400k:640x360@700k+96k/4s*30 3m:1280x720@3900k+96k/6s*2"

copies() { # folder count bytes: that many copies of one 400k segment (its first <bytes>, 0: all)
  local dir=$LIB/$1 n=$2 bytes=$3 recipe="v2 $2 x ${3/#0/all} of 400k/seg_001.ts"
  [[ -f $dir/.recipe && $(cat "$dir/.recipe") == "$recipe" ]] && return
  log "content: $n files in /$1/ ($recipe)"
  rm -rf "$dir"
  mkdir -p "$dir"
  # Copies, not links: the page cache and the caches then hold that many distinct bodies. One perl
  # process writes them all; a cp per file took minutes for 100,000.
  perl -e '
    my ($src, $dir, $n, $bytes) = @ARGV;
    open(my $in, "<:raw", $src) or die "$src: $!";
    local $/; my $body = <$in>; close $in;
    $body = substr($body, 0, $bytes) if $bytes > 0;
    for my $i (0 .. $n - 1) {
      my $path = sprintf("%s/seg_%04d.ts", $dir, $i);
      open(my $out, ">:raw", $path) or die "$path: $!";
      print $out $body; close $out or die "$path: $!";
    }' "$LIB/title/400k/seg_001.ts" "$dir" "$n" "$bytes"
  printf '%s' "$recipe" >"$dir/.recipe"
}

make_content() {
  if [[ -f $LIB/.recipe && $(cat "$LIB/.recipe") == "$RECIPE" ]]; then
    log "content: reusing the titles in $LIB"
  else
    log "content: encoding with ffmpeg into $LIB"
    rm -rf "$LIB/title"
    mkdir -p "$LIB/title/400k" "$LIB/title/3m"
    encode() { # dir size video_rate seconds segment_seconds
      local dir=$1 size=$2 rate=$3 secs=$4 seg=$5
      ffmpeg -hide_banner -loglevel error -y \
        -f lavfi -i "testsrc2=size=$size:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
        -t "$secs" -c:v libx264 -preset veryfast -g $((seg * 25)) -keyint_min $((seg * 25)) -sc_threshold 0 \
        -b:v "$rate" -minrate "$rate" -maxrate "$rate" -bufsize "$rate" -x264-params nal-hrd=cbr \
        -c:a aac -b:a 96k -ac 2 \
        -f hls -hls_time "$seg" -hls_playlist_type vod \
        -hls_segment_filename "$dir/seg_%03d.ts" "$dir/playlist.m3u8"
    }
    encode "$LIB/title/400k" 640x360 700k 120 4
    encode "$LIB/title/3m" 1280x720 3900k 12 6
    printf '%s' "$RECIPE" >"$LIB/.recipe"
  fi
  copies mix "$MIX_FILES" "${MIX_BYTES:-0}"
  if has_suite edge-disk; then copies disk "$DISK_FILES" 0; fi
}

# ---------------------------------------------------------------- 3. our server

jar_info() { # built copy
  echo "$(basename "$1") of $(date -u -r "$1" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$2" | cut -c1-12)"
}

prepare_jar() {
  local built=$REPO/origin-server/target/origin-server.jar
  if [[ ! -f $built ]]; then
    log "building $built"
    (cd "$REPO" && mvn -B -q package -DskipTests)
  fi
  cp "$built" "$RUN/origin-server.jar"
  JAR=$RUN/origin-server.jar
  JAR_INFO=$(jar_info "$built" "$JAR")
  JAR_B=$JAR
  JAR_B_INFO="the same jar"
  if [[ -n $OURS_B_JAR ]]; then
    [[ -f $OURS_B_JAR ]] || die "OURS_B_JAR: $OURS_B_JAR (expected: a jar file)"
    cp "$OURS_B_JAR" "$RUN/origin-server-b.jar"
    JAR_B=$RUN/origin-server-b.jar
    JAR_B_INFO=$(jar_info "$OURS_B_JAR" "$JAR_B")
  fi
}

start_ours() { # variant (ours, ours-b) suite pin ("" or a cpu list for taskset)
  local variant=$1 suite=$2 pin=$3 pre=() mode=() args=() port admin jar extra_env extra_opts
  [[ -n $pin ]] && pre=(taskset -c "$pin")
  if [[ $variant == ours ]]; then
    port=$OURS_PORT admin=$OURS_ADMIN_PORT jar=$JAR extra_env="" extra_opts=""
  else
    port=$OURS_B_PORT admin=$OURS_B_ADMIN_PORT jar=$JAR_B extra_env=$OURS_B_ENV extra_opts=$OURS_B_JAVA_OPTS
  fi
  port_free "$port" && port_free "$admin" || die "port $port or $admin in use"
  case $suite in
    origin) mode=(EDGE_CACHE_MEMORY_BYTES=2GiB); args=(--library "$LIB") ;;
    edge) mode=(EDGE_LIBRARY_ROOT= "EDGE_UPSTREAM_URLS=http://127.0.0.1:$BACK_PORT" "EDGE_UPSTREAM_NODE_NAME=bench-$variant"
      EDGE_CACHE_MEMORY_BYTES=2GiB) ;;
    edge-disk)
      rm -rf "$RUN/$variant-disk"
      mkdir -p "$RUN/$variant-disk"
      mode=(EDGE_LIBRARY_ROOT= "EDGE_UPSTREAM_URLS=http://127.0.0.1:$BACK_PORT" "EDGE_UPSTREAM_NODE_NAME=bench-$variant"
        "EDGE_CACHE_MEMORY_BYTES=$DISK_MEMORY" "EDGE_CACHE_DISK_DIR=$RUN/$variant-disk" "EDGE_CACHE_DISK_BYTES=$DISK_TIER_BYTES") ;;
  esac
  # Access log on, as shipped: its JSON lines go to stdout, and stdout to a file (O_APPEND).
  # shellcheck disable=SC2086 # OURS_ENV and OURS_B_ENV are lists of NAME=value words, the options lists of words
  env EDGE_TOKENS_KEYS="k1:$OURS_KEY" EDGE_LOG_ACCESS=true "${mode[@]}" $OURS_ENV $extra_env \
    "${pre[@]}" java -Xms"$JAVA_HEAP" -Xmx"$JAVA_HEAP" -XX:MaxDirectMemorySize=3g $OURS_JAVA_OPTS $extra_opts \
    -jar "$jar" serve "${args[@]}" --port "$port" --admin-port "$admin" --bind 127.0.0.1 \
    >>"$RUN/$variant-access.log" 2>>"$RUN/$variant.log" &
  PID[$variant]=$!
  await_ready "$variant" "${PID[$variant]}" "http://127.0.0.1:$admin/readyz"
  log "$variant pid ${PID[$variant]} ready ($suite)${pin:+ (taskset -c $pin)}"
}

# ---------------------------------------------------------------- 4. nginx, Varnish, the backend

# nginx.conf for one role: origin (the library, secure_link), edge (proxy_cache in front of the
# backend, secure_link) or backend (the library, no tokens, our origin's Cache-Control).
nginx_conf() { # role port workers prefix
  local role=$1 port=$2 workers=$3 dir=$4 server
  case $role in
    origin) server="
  access_log $RUN/nginx-access.log bench buffer=64k flush=1s;
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $LIB;
    location / {
      secure_link \$arg_md5,\$arg_expires;
      secure_link_md5 \"\$secure_link_expires\$uri $NGINX_SECRET\";
      if (\$secure_link = \"\") { return 403; }
      if (\$secure_link = \"0\") { return 410; }
    }
  }" ;;
    edge) server="
  access_log $RUN/nginx-access.log bench buffer=64k flush=1s;
  proxy_cache_path $dir/cache levels=1:2 keys_zone=edge:16m max_size=4g inactive=7d use_temp_path=off;
  upstream library {
    server 127.0.0.1:$BACK_PORT;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port backlog=4096;
    location / {
      secure_link \$arg_md5,\$arg_expires;
      secure_link_md5 \"\$secure_link_expires\$uri $NGINX_SECRET\";
      if (\$secure_link = \"\") { return 403; }
      if (\$secure_link = \"0\") { return 410; }
      proxy_pass http://library;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_cache edge;
      proxy_cache_key \$uri;        # the path: the token is not part of what is cached
      proxy_cache_lock on;
    }
  }" ;;
    backend) server="
  access_log $RUN/backend-access.log bench; # unbuffered: its lines count the edges' misses
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $LIB;
    location ~ \\.m3u8\$ { add_header Cache-Control \"public, max-age=86400\"; }
    location / { add_header Cache-Control \"public, max-age=31536000, immutable\"; }
  }" ;;
  esac
  cat <<EOF
# Generated by bench/load/compare.sh for one run ($role); not a production config.
user root;                         # the library is root's; workers only read it
worker_processes $workers;
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  default_type application/octet-stream;
  # The fields of our access line.
  log_format bench escape=json '{"time":"\$time_iso8601","client":"\$remote_addr","method":"\$request_method",'
    '"path":"\$uri","status":\$status,"bytes":\$body_bytes_sent,"request_time":\$request_time,'
    '"cache":"\$upstream_cache_status","user_agent":"\$http_user_agent"}';
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000;
  open_file_cache max=4096 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_errors on;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$server
}
EOF
}

start_nginx_role() { # name role port pin workers
  local name=$1 role=$2 port=$3 pin=$4 workers=$5 dir=$RUN/$1 pre=()
  [[ -n $pin ]] && pre=(taskset -c "$pin")
  port_free "$port" || die "port $port in use"
  rm -rf "$dir/cache"
  mkdir -p "$dir/tmp" "$dir/cache"
  nginx_conf "$role" "$port" "$workers" "$dir" >"$dir/nginx.conf"
  "${pre[@]}" "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' >>"$dir/stdout.log" 2>&1 &
  PID[$name]=$!
  await_port "$name" "${PID[$name]}" "$port"
  log "$name pid ${PID[$name]} ready ($role), $workers worker(s)${pin:+ (taskset -c $pin)}"
}

start_nginx() { # suite pin workers
  local role=origin
  [[ $1 == origin ]] || role=edge
  start_nginx_role nginx "$role" "$NGINX_PORT" "$2" "$3"
}

start_backend() {
  [[ -z ${PID[backend]:-} ]] || return 0
  : >"$RUN/backend-access.log"
  start_nginx_role backend backend "$BACK_PORT" "" 1
}

start_varnish() { # pin
  local pin=$1 pre=() dir=$RUN/varnish
  [[ -n $pin ]] && pre=(taskset -c "$pin")
  port_free "$VARNISH_PORT" || die "port $VARNISH_PORT in use"
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 755 "$dir" # varnishd's child runs as its own user and reads the compiled VCL in here
  cat >"$dir/default.vcl" <<EOF
vcl 4.1;
# Generated by bench/load/compare.sh for one run; the rest is Varnish's built-in VCL.
backend library { .host = "127.0.0.1"; .port = "$BACK_PORT"; }
sub vcl_recv {
  # No token check: Varnish has no HMAC or MD5 secure_link without extra vmods. The signed query
  # (md5, expires) is dropped so that the hash is the path alone, as nginx's \$uri key.
  set req.url = regsub(req.url, "\\?.*\$", "");
}
EOF
  "${pre[@]}" "$VARNISHD" -F -n "$dir/work" -a "127.0.0.1:$VARNISH_PORT" -f "$dir/default.vcl" \
    -s "malloc,$VARNISH_STORAGE" >>"$RUN/varnish.log" 2>&1 &
  PID[varnish]=$!
  await_port varnish "${PID[varnish]}" "$VARNISH_PORT"
  : >"$RUN/varnish-access.log"
  "${pre[@]}" varnishncsa -n "$dir/work" -j -a -w "$RUN/varnish-access.log" -F "$NCSA_FORMAT" >>"$RUN/varnish.log" 2>&1 &
  PID[varnishncsa]=$!
  sleep 1
  kill -0 "${PID[varnishncsa]}" 2>/dev/null || die "varnishncsa exited; see $RUN/varnish.log"
  log "varnish pid ${PID[varnish]} ready, varnishncsa pid ${PID[varnishncsa]}${pin:+ (taskset -c $pin)}"
}

# shellcheck disable=SC2046 # one word per pid
children() { local p; for p in "$@"; do echo "$p" $(pgrep -P "$p" || true); done; }

# ---------------------------------------------------------------- servers

servers_of() { # suite -> the servers it measures, ours first
  local list="ours"
  [[ -n $OURS_B ]] && list+=" ours-b"
  list+=" nginx"
  [[ $1 == edge ]] && list+=" varnish"
  echo "$list"
}
port_of() { case $1 in ours) echo "$OURS_PORT" ;; ours-b) echo "$OURS_B_PORT" ;; nginx) echo "$NGINX_PORT" ;; varnish) echo "$VARNISH_PORT" ;; esac; }
admin_of() { case $1 in ours) echo "$OURS_ADMIN_PORT" ;; ours-b) echo "$OURS_B_ADMIN_PORT" ;; esac; }
urls_of() { case $1 in ours | ours-b) echo ours ;; *) echo nginx ;; esac; } # which signed lists it gets
pids_of() {
  case $1 in
    ours | ours-b) echo "${PID[$1]}" ;;
    nginx) children "${PID[nginx]}" ;;
    varnish) children "${PID[varnish]}" ;; # manager and child
  esac
}
logpids_of() { [[ $1 == varnish ]] && echo "${PID[varnishncsa]}" || true; } # log shippers beside the server

start_server() { # server suite pin workers
  case $1 in
    ours | ours-b) start_ours "$1" "$2" "$3" ;;
    nginx) start_nginx "$2" "$3" "$4" ;;
    varnish) start_varnish "$3" ;;
  esac
}

# ---------------------------------------------------------------- 5. signed URLs

nginx_sig() { # uri -> md5 base64url, as secure_link_md5 "$secure_link_expires$uri secret"
  printf '%s' "$NGINX_EXPIRES$1 $NGINX_SECRET" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
}

# paths (stdin) -> "path?md5=..&expires=.." lines. One perl process for the 1,000+ paths when
# Digest::MD5 is there (five processes a path add minutes on a busy 2-core machine); the first
# line is checked against nginx_sig's openssl pipeline so that both compute the same thing.
nginx_sign_all() {
  local first
  if perl -MDigest::MD5 -e 1 2>/dev/null; then
    EXPIRES=$NGINX_EXPIRES SECRET=$NGINX_SECRET perl -MDigest::MD5=md5_base64 -ne '
      chomp; my $s = md5_base64("$ENV{EXPIRES}$_ $ENV{SECRET}"); $s =~ tr{+/}{-_};
      print "$_?md5=$s&expires=$ENV{EXPIRES}\n"'
  else
    while IFS= read -r first; do printf '%s?md5=%s&expires=%s\n' "$first" "$(nginx_sig "$first")" "$NGINX_EXPIRES"; done
  fi
}

row_path() {
  case $1 in
    playlist | playlist-hdr) echo /title/400k/playlist.m3u8 ;;
    seg400k) echo /title/400k/seg_001.ts ;;
    seg3m) echo /title/3m/seg_000.ts ;;
    *) die "unknown row $1" ;;
  esac
}

# Lists per signer (ours, nginx): main (all but /disk/: the origin and edge suites), mix, disk.
sign_everything() {
  local who first
  OURS_KEY=$(openssl rand -hex 32)
  NGINX_SECRET=$(openssl rand -hex 16)
  NGINX_EXPIRES=$(($(date +%s) + 7200))
  OURS_TOKEN=$(EDGE_TOKENS_KEYS="k1:$OURS_KEY" java -jar "$JAR" sign --acl '/*' --ttl 2h)
  [[ $OURS_TOKEN == exp=*hmac=* ]] || die "unexpected token: $OURS_TOKEN"
  (cd "$LIB" && find . -type f ! -name '.*' | sed 's|^\.||' | sort) >"$RUN/paths.txt"
  sed "s|\$|?hdnts=$OURS_TOKEN|" "$RUN/paths.txt" >"$RUN/ours-all.txt"
  nginx_sign_all <"$RUN/paths.txt" >"$RUN/nginx-all.txt"
  first=$(head -1 "$RUN/paths.txt")
  [[ $(head -1 "$RUN/nginx-all.txt") == "$first?md5=$(nginx_sig "$first")&expires=$NGINX_EXPIRES" ]] ||
    die "perl and openssl disagree on the md5 of $first"
  for who in ours nginx; do
    grep -v '^/disk/' "$RUN/$who-all.txt" >"$RUN/$who-main.txt"
    grep '^/mix/' "$RUN/$who-all.txt" >"$RUN/$who-mix.txt"
    grep '^/disk/' "$RUN/$who-all.txt" >"$RUN/$who-disk.txt" || true
  done
  log "signed $(wc -l <"$RUN/ours-all.txt") paths for each signer"
}

# ---------------------------------------------------------------- counters

backend_requests() { [[ -n ${PID[backend]:-} ]] && wc -l <"$RUN/backend-access.log" || true; }

# "hits disk_hits requests" by the server's own account; empty for nginx, which has none.
own_counts() {
  case $1 in
    ours | ours-b)
      # Every edge request looks in the memory tier first, so memory lookups count requests.
      curl -s "http://127.0.0.1:$(admin_of "$1")/metrics" | awk '/^edge_cache_lookups_total\{/ {
          t = $0; sub(/.*tier="/, "", t); sub(/".*/, "", t); r = $0; sub(/.*result="/, "", r); sub(/".*/, "", r)
          if (r == "hit" && (t == "memory" || t == "disk")) h += $NF
          if (r == "hit" && t == "disk") d += $NF
          if (t == "memory") m += $NF }
        END { printf "%.0f %.0f %.0f\n", h, d, m }' ;;
    varnish)
      varnishstat -n "$RUN/varnish/work" -1 -I MAIN.cache_hit -I MAIN.client_req | awk '
        $1 == "MAIN.cache_hit" {h = $2} $1 == "MAIN.client_req" {r = $2} END { printf "%.0f 0 %.0f\n", h, r }' ;;
    *) echo "" ;;
  esac
}

# "lines hits disk_hits" of an access log: ours "cache":"memory"/"disk", nginx HIT, Varnish hit.
log_counts() {
  LC_ALL=C awk '{n++} /"cache":"(memory|disk|HIT|hit)"/ {h++} /"cache":"disk"/ {d++} END {printf "%d %d %d\n", n, h, d}' "$1"
}

# ---------------------------------------------------------------- warming

disk_entries() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^edge_cache_entries\{.*tier="disk"/ {e = $NF} END {printf "%.0f\n", e}'; }
disk_dropped() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^edge_cache_disk_errors_total\{.*reason="dropped"/ {e = $NF} END {printf "%.0f\n", e}'; }

warm_pass() { # server list -> requests every line once over one keep-alive connection; all must be 200
  local server=$1 list=$2 bad
  sed "s|.*|url = \"http://127.0.0.1:$(port_of "$server")&\"\noutput = \"/dev/null\"|" "$list" >"$RUN/warm-$server.curl"
  bad=$(curl -s -g -K "$RUN/warm-$server.curl" -w '%{http_code}\n' | grep -vc '^200$' || true)
  [[ $bad == 0 ]] || die "$server: $bad of $(wc -l <"$list") warm-up requests were not 200"
}

warm() { # server suite
  local server=$1 suite=$2 set=main list n b0 i entries last pass admin
  [[ $suite == edge-disk ]] && set=disk
  list=$RUN/$(urls_of "$server")-$set.txt
  n=$(wc -l <"$list")
  warm_pass "$server" "$list"
  if [[ $server == varnish ]]; then
    sleep 0.5
    [[ -s $RUN/varnish-access.log ]] || die "varnishncsa wrote no line for the warm-up requests; see $RUN/varnish.log"
  fi
  admin=$(admin_of "$server")
  if [[ $suite == edge-disk && -n $admin ]]; then
    # Disk writes finish after the answers, and a write is dropped when more than the disk tier's
    # backlog bound (64 MiB) of bodies waits for it, as at loopback speed here. So: let the writes
    # settle, and ask again for every file until each one is an entry of the disk tier (a file still
    # in the memory tier is not written again until it has been evicted and fetched anew).
    for ((pass = 1; ; pass++)); do
      entries=-1
      for ((i = 0; i < 240; i++)); do # until the count stops moving for 2 s, or all are in (120 s)
        last=$entries
        sleep 0.5
        entries=$(disk_entries "$admin")
        ((entries >= n)) && break
        ((i % 4 == 3)) || continue
        ((entries == last)) && break
      done
      ((entries >= n)) && break
      ((pass < 10)) || die "$server: $entries of $n files in the disk tier after $pass passes"
      log "$server: $entries of $n files in the disk tier after pass $pass ($(disk_dropped "$admin") writes dropped so far); again"
      warm_pass "$server" "$list"
    done
  fi
  if [[ $suite != origin ]]; then
    b0=$(backend_requests)
    warm_pass "$server" "$list"
    log "$server: second pass over $n files, $(($(backend_requests) - b0)) reached the backend"
  fi
  if [[ -n $admin ]]; then
    log "$server: $(curl -s "http://127.0.0.1:$admin/metrics" | awk '
      /^edge_cache_bytes\{.*tier="memory"/ {m = $NF} /^edge_cache_bytes\{.*tier="disk"/ {d = $NF}
      /^edge_cache_entries\{.*tier="disk"/ {e = $NF} /^edge_cache_disk_errors_total\{.*reason="dropped"/ {x = $NF}
      END {printf "memory tier %.0f MB", m / 1e6; if (e) printf ", disk tier %.0f MB in %d entries (%d writes dropped)", d / 1e6, e, x}') after warming $n files"
  fi
}

# ---------------------------------------------------------------- 6, 7. runs

cpu_ticks() { local p t=0; for p in "$@"; do t=$((t + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat"))); done; echo $t; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; } # user nice system irq softirq steal
# Our JVM's GC pauses so far, from Micrometer's jvm_gc_pause_seconds on /metrics: "count seconds max".
# The max is Micrometer's decaying maximum (the largest pause of the last two minutes or so).
gc_pauses() { # admin port
  curl -s "http://127.0.0.1:$1/metrics" | awk '
    /^jvm_gc_pause_seconds_count\{/ {c += $NF} /^jvm_gc_pause_seconds_sum\{/ {s += $NF}
    /^jvm_gc_pause_seconds_max\{/ {if ($NF > m) m = $NF}
    END {printf "%d %.6f %.6f\n", c, s, m}'
}
rss_kb() { local p t=0; for p in "$@"; do t=$((t + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status"))); done; echo $t; }

run_wrk() { # server suite row conns duration pin out; raw wrk output (with its RESULT line) to <out>
  local server=$1 suite=$2 row=$3 conns=$4 dur=$5 pin=$6 out=$7 base urls set=mix pre=()
  # shellcheck disable=SC2054 # "-x," is one word: perf's CSV separator
  [[ $SYSCALLS == 1 ]] && pre=(perf stat -x, -o "$out.wrkperf" -e raw_syscalls:sys_enter --)
  [[ -n $pin ]] && pre+=(taskset -c "$pin")
  base="http://127.0.0.1:$(port_of "$server")"
  urls=$(urls_of "$server")
  [[ $suite == edge-disk ]] && set=disk
  if [[ $row == mix ]]; then
    WRK_PATHS=$RUN/$urls-$set.txt /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" "$base/" >"$out" 2>&1
  elif [[ $row == playlist-hdr && $urls == ours ]]; then
    # The token in a request header: nothing to propagate, so the playlist goes out as stored, the
    # same bytes nginx sends; the difference from "playlist" is the cost of the rewrite.
    WRK_PATHS='' /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" -H "hdnts: $OURS_TOKEN" \
      "$base$(row_path "$row")" >"$out" 2>&1
  else
    WRK_PATHS='' /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" \
      "$base$(grep -m1 "^$(row_path "$row")?" "$RUN/$urls-main.txt")" >"$out" 2>&1
  fi
}

CSV_HEADER="suite,setting,row,conns,server,round,requests,bytes,duration_s,req_per_s,MB_per_s,p50_ms,p99_ms,errors,status_errors,server_cpu_s,server_cpu_s_per_1k,req_per_cpu_s,server_cpu_pct,wrk_cpu_pct,rss_MB,other_cpu_pct,server_syscalls_per_req,wrk_syscalls_per_req,gc_pauses,gc_pause_ms,gc_pause_max_ms,log_lines,log_hits,log_disk_hits,counted_hits,counted_disk_hits,counted_requests,upstream_requests"

measure() { # suite setting row conns server round pin_wrk
  local suite=$1 setting=$2 row=$3 conns=$4 server=$5 round=$6 pin=$7 pids logpids raw res rss admin
  local t0 t1 l0 l1 b0 b1 u0 u1 c0 c1 perf_pid="" sc_srv=0 sc_wrk=0 gc0="0 0 0" gc1="0 0 0" logfile=$RUN/$5-access.log
  pids=$(pids_of "$server"); logpids=$(logpids_of "$server"); admin=$(admin_of "$server")
  raw=$OUT/runs/$STAMP-$suite-$setting-$row-c$conns-$server-r$round.txt
  : >"$logfile" # this run's lines only; every server appends (O_APPEND), so emptying is safe
  if [[ $SYSCALLS == 1 ]]; then
    # shellcheck disable=SC2086
    perf stat -x, -o "$raw.perf" -e "$SYSCALL_EVENTS" -p "$(echo $pids $logpids | tr ' ' ,)" 2>/dev/null &
    perf_pid=$!
    sleep 0.3
  fi
  c0=$(own_counts "$server"); u0=$(backend_requests)
  [[ -n $admin ]] && gc0=$(gc_pauses "$admin")
  # shellcheck disable=SC2086
  t0=$(cpu_ticks $pids); l0=$(cpu_ticks $logpids); b0=$(busy_ticks)
  run_wrk "$server" "$suite" "$row" "$conns" "$DURATION" "$pin" "$raw" || die "wrk failed: $raw"
  # shellcheck disable=SC2086
  t1=$(cpu_ticks $pids); b1=$(busy_ticks)
  [[ -n $admin ]] && gc1=$(gc_pauses "$admin")
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    sc_srv=$(awk -F, '$3 == "raw_syscalls:sys_enter" {print $1}' "$raw.perf")
    sc_wrk=$(awk -F, '$3 == "raw_syscalls:sys_enter" {print $1}' "$raw.wrkperf")
  fi
  # shellcheck disable=SC2086
  rss=$(rss_kb $pids $logpids)
  sleep "$SETTLE" # nginx flushes its log buffer each second; a log shipper catches up
  # shellcheck disable=SC2086
  l1=$(cpu_ticks $logpids)
  c1=$(own_counts "$server"); u1=$(backend_requests)
  res=$(grep '^RESULT ' "$raw") || die "no RESULT line in $raw"
  # shellcheck disable=SC2086
  awk -v suite="$suite" -v setting="$setting" -v row="$row" -v conns="$conns" -v server="$server" -v round="$round" \
    -v ticks=$((t1 - t0 + l1 - l0)) -v busy=$((b1 - b0)) -v hz="$CLK_TCK" -v rss="$rss" -v wrkcpu="$(awk '{print $1 + $2}' "$raw.time")" \
    -v res="$res" -v scs="$sc_srv" -v scw="$sc_wrk" -v gc0="$gc0" -v gc1="$gc1" -v logc="$(log_counts "$logfile")" \
    -v c0="$c0" -v c1="$c1" -v u0="$u0" -v u1="$u1" 'BEGIN {
      split(gc0, g0, / /); split(gc1, g1, / /); split(logc, lc, / /)
      n = split(res, kv, / /); for (i = 2; i <= n; i++) { split(kv[i], p, "="); r[p[1]] = p[2] }
      d = r["duration_us"] / 1e6; cpu = ticks / hz
      other = 100 * (busy / hz - cpu - wrkcpu) / d; if (other < 0) other = 0
      counted = ""
      if (c1 != "") { split(c0, a, / /); split(c1, b, / /); counted = sprintf("%d,%d,%d", b[1] - a[1], b[2] - a[2], b[3] - a[3]) }
      else counted = ",,"
      printf "%s,%s,%s,%d,%s,%d,%d,%d,%.3f,%.1f,%.1f,%.3f,%.3f,%d,%d,%.2f,%.4f,%.0f,%.1f,%.1f,%.0f,%.1f,%.2f,%.2f,%d,%.1f,%.1f,%d,%d,%d,%s,%s\n",
        suite, setting, row, conns, server, round, r["requests"], r["bytes"], d,
        r["requests"] / d, r["bytes"] / d / 1e6, r["p50_us"] / 1e3, r["p99_us"] / 1e3,
        r["connect"] + r["read"] + r["write"] + r["timeout"], r["status"],
        cpu, (r["requests"] ? cpu / r["requests"] * 1000 : 0), (cpu > 0 ? r["requests"] / cpu : 0),
        100 * cpu / d, 100 * wrkcpu / d, rss / 1024, other,
        (r["requests"] ? scs / r["requests"] : 0), (r["requests"] ? scw / r["requests"] : 0),
        g1[1] - g0[1], 1000 * (g1[2] - g0[2]), 1000 * g1[3], lc[1], lc[2], lc[3], counted,
        (u1 != "" ? u1 - u0 : "") }' | tee -a "$CSV" |
    awk -F, '{ printf "  %-9s %-7s %-12s c=%-4s %-7s r%s %8.0f req/s %7.1f MB/s  p50 %7.2f ms  p99 %7.2f ms  %6.0f req/CPU-s  srv %5.1f%%  wrk %5.1f%%  other %5.1f%%  rss %5.0f MB  log %d hits %d disk %d%s%s\n",
      $1, $2, $3, $4, $5, $6, $10, $11, $12, $13, $18, $19, $20, $22, $21, $28, $29, $30,
      $34 != "" ? "  upstream " $34 : "", ($14 || $15) ? "  ERRORS " $14 " status " $15 : "" }' >&2
}

warmup_load() { # suite pin: unmeasured load so that the JIT and the caches see the traffic first
  local suite=$1 pin=$2 server row rows="mix playlist"
  ((WARMUP > 0)) || return 0
  [[ $suite == edge-disk ]] && rows=mix
  for server in $(servers_of "$suite"); do
    for row in $rows; do
      run_wrk "$server" "$suite" "$row" 128 "$WARMUP" "$pin" "$OUT/runs/$STAMP-$suite-warmup-$server-$row.txt"
    done
  done
  sleep "$SETTLE"
}

run_setting() { # suite setting rows conns_list pin_server pin_wrk nginx_workers
  local suite=$1 setting=$2 rows=$3 conns_list=$4 pin_server=$5 pin_wrk=$6 workers=$7 row conns round server order
  [[ -n ${rows// /} && -n ${conns_list// /} ]] || return 0
  log "$suite, $setting: starting servers (load average $(cut -d" " -f1-3 /proc/loadavg))"
  [[ $suite == origin ]] || start_backend
  for server in $(servers_of "$suite"); do start_server "$server" "$suite" "$pin_server" "$workers"; done
  for server in $(servers_of "$suite"); do warm "$server" "$suite"; done
  warmup_load "$suite" "$pin_wrk"
  for row in $rows; do
    for conns in $conns_list; do
      for ((round = 1; round <= ROUNDS; round++)); do
        order=$(servers_of "$suite")
        ((round % 2)) || order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
        for server in $order; do measure "$suite" "$setting" "$row" "$conns" "$server" "$round" "$pin_wrk"; done
      done
    done
  done
  stop_measured
}

# ---------------------------------------------------------------- 8. table

table() { awk -v noisy="$NOISY" -v wrkbound="$WRK_BOUND" -f "$HERE/table.awk" "${1:-$CSV}"; }

# ---------------------------------------------------------------- main

words() { set -f; set -- $1; set +f; echo $#; } # how many words
estimate_minutes() { # rough: measured runs plus warm-ups and start-ups
  local s=0 suite n
  for suite in $SUITES; do
    n=$(words "$(servers_of "$suite")")
    case $suite in
      origin) s=$((s + ($(words "$ROWS") * $(words "$CONNECTIONS") + $(words "$PINNED_ROWS") * $(words "$PINNED_CONNECTIONS")) * ROUNDS * n * (DURATION + 3)
        + (1 + ($(words "$PINNED_ROWS") > 0)) * (n * 2 * WARMUP + 20))) ;;
      edge) s=$((s + ($(words "$CACHE_ROWS") * $(words "$CACHE_CONNECTIONS") + $(words "$CACHE_PINNED_ROWS") * $(words "$CACHE_PINNED_CONNECTIONS")) * ROUNDS * n * (DURATION + 3)
        + (1 + ($(words "$CACHE_PINNED_ROWS") > 0)) * (n * 2 * WARMUP + 30))) ;;
      edge-disk) s=$((s + ($(words "$DISK_CONNECTIONS") + $(words "$DISK_PINNED_CONNECTIONS")) * ROUNDS * n * (DURATION + 3)
        + (1 + ($(words "$DISK_PINNED_CONNECTIONS") > 0)) * (n * WARMUP + 20 + DISK_FILES / 50))) ;;
    esac
  done
  echo $(((s + 59) / 60))
}

check_settings() {
  local suite row
  for suite in $SUITES; do
    [[ $suite == origin || $suite == edge || $suite == edge-disk ]] || die "SUITES: $suite (expected: origin, edge, edge-disk)"
  done
  for row in $ROWS $PINNED_ROWS $CACHE_ROWS $CACHE_PINNED_ROWS; do
    [[ " $ALL_ROWS " == *" $row "* ]] || die "row $row (expected one of: $ALL_ROWS)"
  done
}

main() {
  if [[ ${1:-} == --table ]]; then # reprint the tables of an earlier run's CSV
    table "$2"
    return
  fi
  check_settings
  install_tools
  mkdir -p "$OUT/runs" "$RUN"
  rm -f "$RUN"/*-access.log "$RUN"/*.log
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  make_content
  prepare_jar
  sign_everything
  log "content: playlist $(stat -c %s "$LIB/title/400k/playlist.m3u8") B," \
    "seg400k $(stat -c %s "$LIB/title/400k/seg_001.ts") B, seg3m $(stat -c %s "$LIB/title/3m/seg_000.ts") B," \
    "mix $MIX_FILES x $(stat -c %s "$LIB/mix/seg_0000.ts") B$(has_suite edge-disk && echo ", disk $DISK_FILES x $(stat -c %s "$LIB/disk/seg_0000.ts") B")"
  log "suites: $SUITES; about $(estimate_minutes) minutes"
  echo "$CSV_HEADER" >"$CSV"

  local suite
  for suite in $SUITES; do
    case $suite in
      origin)
        run_setting origin shared "$ROWS" "$CONNECTIONS" "" "" 2
        run_setting origin pinned "$PINNED_ROWS" "$PINNED_CONNECTIONS" 1 0 1 ;;
      edge)
        run_setting edge shared "$CACHE_ROWS" "$CACHE_CONNECTIONS" "" "" 2
        run_setting edge pinned "$CACHE_PINNED_ROWS" "$CACHE_PINNED_CONNECTIONS" 1 0 1 ;;
      edge-disk)
        run_setting edge-disk shared mix "$DISK_CONNECTIONS" "" "" 2
        run_setting edge-disk pinned mix "$DISK_PINNED_CONNECTIONS" 1 0 1 ;;
    esac
  done
  stop_all

  {
    echo "Run $STAMP: suites $SUITES; DURATION=${DURATION}s ROUNDS=$ROUNDS, wrk -t1, access logs on everywhere."
    echo "ours: $JAR_INFO${OURS_ENV:+, with $OURS_ENV}${OURS_JAVA_OPTS:+, java $OURS_JAVA_OPTS}."
    if [[ -n $OURS_B ]]; then
      local b_env="$OURS_ENV $OURS_B_ENV" b_opts="$OURS_JAVA_OPTS $OURS_B_JAVA_OPTS"
      b_env=$(echo $b_env) b_opts=$(echo $b_opts) # trimmed
      echo "ours-b: $JAR_B_INFO${b_env:+, with $b_env}${b_opts:+, java $b_opts}$([[ -n $OURS_B_ENV$OURS_B_JAVA_OPTS$OURS_B_JAR ]] || echo " (an A/A run: the same as ours)")."
    fi
    echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')$(has_suite edge && echo "; Varnish $("$VARNISHD" -V 2>&1 | sed -n 's/.*(varnish-\([^ ]*\) .*/\1/p')")."
    echo "Each value is the mean over the rounds (RSS: the largest); within a round ours goes first in odd rounds, last in even ones."
    echo
    table
  } | tee "$TABLE"
  log "per-run values: $CSV; tables: $TABLE; raw wrk output: $OUT/runs/"
}

main "$@"
