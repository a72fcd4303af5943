#!/usr/bin/env bash
# Load comparison: origin-server against nginx (Debian nginx-full) serving the same HLS files
# behind signed URLs, driven by the same wrk on the same machine (issue 5, "Load comparison").
#
# Usage, from anywhere (bench/load/out/ is gitignored and holds everything this makes):
#
#   bash bench/load/compare.sh                           # the full run, about 13 minutes here
#   DURATION=2 CONNECTIONS=128 ROUNDS=1 PINNED_ROWS=playlist bash bench/load/compare.sh   # smoke
#
# What it does, in one run:
#  1. Installs nginx-full, wrk, ffmpeg, time (and curl, openssl, util-linux) with apt-get when one
#     is missing, after one `apt-get update`; nothing is fetched when all are there.
#  2. Makes the content once (kept in out/lib/ and reused while its recipe is unchanged), with ffmpeg
#     (testsrc2 + sine, H.264/AAC, MPEG-TS, CBR so the sizes are predictable):
#       /title/400k/playlist.m3u8   a VOD media playlist of 30 entries (~1 KB)
#       /title/400k/seg_NNN.ts      4 s segments of ~425 KB (640x360, 700 kbit/s + 96 kbit/s AAC)
#       /title/3m/seg_NNN.ts        6 s segments of ~3.2 MB (1280x720, 3.9 Mbit/s + 96 kbit/s AAC)
#       /mix/seg_NNNN.ts            MIX_FILES (1,000) *copies* (cp, not hard links: the page cache
#                                   and our memory tier then hold 1,000 distinct bodies each) of
#                                   one real 400k segment
#  3. Copies origin-server/target/origin-server.jar (built with `mvn -B -q package -DskipTests` if
#     missing) into out/run/, so a rebuild by someone else mid-run cannot change it, and starts it:
#     tokens required (EDGE_TOKENS_KEYS=k1:<random hex>), access log off, a 2 GiB memory tier
#     (bodies are pooled direct buffers, hence -XX:MaxDirectMemorySize=3g), then requests every
#     file once so the memory tier is warm, and checks the tier's size on /metrics.
#  4. Starts nginx with a generated config in out/run/ (own prefix, pid and error log, access log
#     off, sendfile, tcp_nopush, keepalive_requests 100000, open_file_cache), `secure_link` on
#     every request (MD5 of "$expires$uri secret"; nginx has no HMAC-SHA256), correct MIME types.
#     worker_processes: 2 in the shared setting (one per core, as our io-threads default), 1 in the
#     pinned setting (one core to run on). Every file is requested once to warm the page cache and
#     the open-file cache.
#  5. Signs: ours, one EdgeAuth token (`sign --acl '/*' --ttl 2h`) for every request, as one viewer
#     session would (the server caches a verified token's verdict, so this measures the cached
#     path: time, address and ACL checks per request, one HMAC per token); nginx, one md5 per URL.
#  6. Drives both with `wrk -t1 -cC -dD --latency --timeout 10s`, A/B/A/B (ROUNDS rounds, ours
#     first) for each row and connection count, after an unmeasured warm-up of each server:
#       playlist  /title/400k/playlist.m3u8 (ours rewrites it: every URI gets the token appended)
#       playlist-hdr  the same playlist, our token sent in an "hdnts" request header instead of the
#                 query, so ours sends it as stored, the same bytes as nginx: the rewrite's cost
#                 is the difference between the two playlist rows (nginx runs the same as "playlist")
#       seg400k   /title/400k/seg_001.ts
#       seg3m     /title/3m/seg_000.ts
#       mix       round-robin over the MIX_FILES files (wrk.lua, one signed path a line)
#  7. Measures per run: requests/s, MB/s (10^6 bytes, headers included, as wrk counts), p50/p99
#     latency, server CPU seconds per 1,000 requests (utime+stime from /proc/<pid>/stat; nginx
#     master + workers), server and wrk CPU as % of one core, server RSS after the run (VmRSS; nginx
#     summed over master and workers, which counts shared pages twice), and "other" CPU: the
#     machine's busy time (/proc/stat) less server and wrk, as % of one core (other jobs sharing
#     the machine, kernel threads such as ksoftirqd; 200% would be both cores).
#     Setting "shared": server and wrk float over both cores. Setting "pinned": both servers are
#     restarted under `taskset -c 1` (nginx: the master, workers inherit; the JVM then sees one
#     CPU, so one event loop and serial GC by ergonomics) and wrk runs under `taskset -c 0`, for
#     PINNED_ROWS at PINNED_CONNECTIONS.
#  8. Prints one markdown table (each value the mean over the rounds; ratio = ours / nginx; a row
#     where another job took more than NOISY [30] % of a core during one of its runs says so) and
#     writes it with the per-run CSV to out/results-<UTC time>.{md,csv}. Stops everything it
#     started on exit (trap), whatever happens.
#
#   bash bench/load/compare.sh --table bench/load/out/results-<time>.csv   # reprint a table
#
# Environment (defaults in brackets): DURATION [10] seconds per run; CONNECTIONS ["32 128 512"];
# ROUNDS [2]; ROWS ["playlist seg400k seg3m mix"]; PINNED_ROWS [same as ROWS, "" to skip];
# PINNED_CONNECTIONS ["128"]; WARMUP [15] seconds per server per setting
# and warm-up row (the JIT keeps compiling for about 30 s of traffic; a server runs for days); MIX_FILES [1000];
# MIX_BYTES [the whole segment]: the size of each mix file, its first MIX_BYTES bytes (scale.sh);
# JAVA_HEAP [256m]: our -Xms and -Xmx (bodies live in direct memory, outside the heap);
# OURS_MODE [origin]: "edge" measures this server in edge mode instead: an edge (tokens on, no
# library) in front of an origin of ours (tokens off) on BACK_PORT [18070] and BACK_ADMIN_PORT
# [18071]; the edge alone is measured, every request a memory hit once warm;
# OUT [bench/load/out]; OURS_PORT [18080], OURS_ADMIN_PORT [18081], NGINX_PORT [18090];
# SYSCALLS [0]: 1 counts system calls per request of the server and of wrk with `perf stat`
# (installs linux-perf if missing; the tracepoints cost a little, so keep it for a diagnostic run,
# not for the throughput table) and prints a second table; OURS_ENV [""]: extra NAME=value words
# for our server, e.g. OURS_ENV=EDGE_CACHE_MEMORY_MAX_OBJECT_BYTES=64KiB sends segments with
# sendfile from the page cache instead of from the memory tier.
# Loopback only: both servers bind 127.0.0.1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"32 128 512"}
ROUNDS=${ROUNDS:-2}
ROWS=${ROWS:-"playlist playlist-hdr seg400k seg3m mix"}
JAVA_HEAP=${JAVA_HEAP:-256m}
OURS_MODE=${OURS_MODE:-origin}
[[ $OURS_MODE == origin || $OURS_MODE == edge ]] || { echo "OURS_MODE must be origin or edge, not $OURS_MODE" >&2; exit 2; }
BACK_PORT=${BACK_PORT:-18070}
BACK_ADMIN_PORT=${BACK_ADMIN_PORT:-18071}
PINNED_ROWS=${PINNED_ROWS-$ROWS}
PINNED_CONNECTIONS=${PINNED_CONNECTIONS:-128}
WARMUP=${WARMUP:-15}
MIX_FILES=${MIX_FILES:-1000}
OUT=${OUT:-$HERE/out}
OURS_PORT=${OURS_PORT:-18080}
OURS_ADMIN_PORT=${OURS_ADMIN_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18090}
SYSCALLS=${SYSCALLS:-0}
OURS_ENV=${OURS_ENV:-}
OURS_JAVA_OPTS=${OURS_JAVA_OPTS:-}
# Counted per run with SYSCALLS=1 (perf stat on the server's threads and on wrk); the
# breakdown by call stays in out/runs/*.perf.
SYSCALL_EVENTS=raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_readv,syscalls:sys_enter_recvfrom,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_sendfile64,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_setsockopt,syscalls:sys_enter_futex,syscalls:sys_enter_newfstatat,syscalls:sys_enter_statx

LIB=$OUT/lib
RUN=$OUT/run
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV=$OUT/results-$STAMP.csv
TABLE=$OUT/results-$STAMP.md
CLK_TCK=$(getconf CLK_TCK)

OURS_PID=""
BACK_PID=""
NGINX_PID=""

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

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

stop_servers() {
  stop_pid "$OURS_PID"; OURS_PID=""
  stop_pid "$BACK_PID"; BACK_PID=""
  stop_pid "$NGINX_PID"; NGINX_PID=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

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
  [[ $SYSCALLS != 1 ]] || command -v perf >/dev/null || missing+=(linux-perf)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  # Debian's package starts a system nginx where systemd runs; it does not use our ports.
}

# ---------------------------------------------------------------- 2. content

RECIPE="v1 400k:640x360@700k+96k/4s*30 3m:1280x720@3900k+96k/6s*2"
MIX_RECIPE="v2 $MIX_FILES x ${MIX_BYTES:-all} of 400k/seg_001.ts"

make_content() {
  if [[ -f $LIB/.recipe && $(cat "$LIB/.recipe") == "$RECIPE" ]]; then
    log "content: reusing the titles in $LIB"
  else
    log "content: encoding with ffmpeg into $LIB"
    rm -rf "$LIB"
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
  if [[ -f $LIB/mix/.recipe && $(cat "$LIB/mix/.recipe") == "$MIX_RECIPE" ]]; then
    return
  fi
  log "content: $MIX_FILES mix files (${MIX_BYTES:-all} bytes of a 400k segment each)"
  rm -rf "$LIB/mix"
  mkdir -p "$LIB/mix"
  # Copies, not links: the page cache and our memory tier then hold that many distinct bodies. One
  # perl process writes them all; a cp per file took minutes for 100,000.
  perl -e '
    my ($src, $dir, $n, $bytes) = @ARGV;
    open(my $in, "<:raw", $src) or die "$src: $!";
    local $/; my $body = <$in>; close $in;
    $body = substr($body, 0, $bytes) if $bytes > 0;
    for my $i (0 .. $n - 1) {
      my $path = sprintf("%s/seg_%04d.ts", $dir, $i);
      open(my $out, ">:raw", $path) or die "$path: $!";
      print $out $body; close $out or die "$path: $!";
    }' "$LIB/title/400k/seg_001.ts" "$LIB/mix" "$MIX_FILES" "${MIX_BYTES:-0}"
  printf '%s' "$MIX_RECIPE" >"$LIB/mix/.recipe"
}

# ---------------------------------------------------------------- 3. our server

prepare_jar() {
  local built=$REPO/origin-server/target/origin-server.jar
  if [[ ! -f $built ]]; then
    log "building $built"
    (cd "$REPO" && mvn -B -q package -DskipTests)
  fi
  cp "$built" "$RUN/origin-server.jar"
  JAR=$RUN/origin-server.jar
  JAR_INFO="origin-server.jar of $(date -u -r "$built" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$JAR" | cut -c1-12)"
}

start_ours() { # pin: "" or a cpu list for taskset
  local pin=$1 pre=() i source=(--library "$LIB")
  [[ -n $pin ]] && pre=(taskset -c "$pin")
  port_free "$OURS_PORT" && port_free "$OURS_ADMIN_PORT" || die "port $OURS_PORT or $OURS_ADMIN_PORT in use"
  if [[ $OURS_MODE == edge ]]; then
    # An origin of ours behind, tokens off (an internal network); the measured server is the edge in
    # front of it, checking tokens and answering from its memory tier once warm.
    port_free "$BACK_PORT" && port_free "$BACK_ADMIN_PORT" || die "port $BACK_PORT or $BACK_ADMIN_PORT in use"
    env EDGE_TOKENS_REQUIRED=false EDGE_LOG_ACCESS=false EDGE_CACHE_MEMORY_BYTES=64MiB \
      "${pre[@]}" java -Xms128m -Xmx128m -jar "$JAR" serve --library "$LIB" \
      --port "$BACK_PORT" --admin-port "$BACK_ADMIN_PORT" --bind 127.0.0.1 >>"$RUN/back.log" 2>&1 &
    BACK_PID=$!
    source=()
    for ((i = 0; i < 300; i++)); do
      kill -0 "$BACK_PID" 2>/dev/null || die "the origin behind the edge exited; see $RUN/back.log"
      [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BACK_ADMIN_PORT/readyz" || true) == 200 ]] && break
      sleep 0.2
    done
  fi
  # shellcheck disable=SC2086 # OURS_ENV is a list of NAME=value words
  env EDGE_TOKENS_KEYS="k1:$OURS_KEY" EDGE_LOG_ACCESS=false EDGE_CACHE_MEMORY_BYTES=2GiB $OURS_ENV \
    ${BACK_PID:+EDGE_LIBRARY_ROOT= EDGE_UPSTREAM_URLS=http://127.0.0.1:$BACK_PORT EDGE_UPSTREAM_NODE_NAME=bench-edge} \
    "${pre[@]}" java -Xms"$JAVA_HEAP" -Xmx"$JAVA_HEAP" -XX:MaxDirectMemorySize=3g $OURS_JAVA_OPTS -jar "$JAR" serve "${source[@]}" \
    --port "$OURS_PORT" --admin-port "$OURS_ADMIN_PORT" --bind 127.0.0.1 \
    >>"$RUN/ours.log" 2>&1 &
  OURS_PID=$!
  for ((i = 0; i < 300; i++)); do
    kill -0 "$OURS_PID" 2>/dev/null || die "origin-server exited; see $RUN/ours.log"
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OURS_ADMIN_PORT/readyz" || true) == 200 ]] && break
    sleep 0.2
  done
  [[ $i -lt 300 ]] || die "origin-server not ready after 60 s"
  log "origin-server pid $OURS_PID ready${pin:+ (taskset -c $pin)}"
}

# ---------------------------------------------------------------- 4. nginx

start_nginx() { # pin workers
  local pin=$1 workers=$2 pre=() i
  [[ -n $pin ]] && pre=(taskset -c "$pin")
  port_free "$NGINX_PORT" || die "port $NGINX_PORT in use"
  mkdir -p "$RUN/nginx/tmp"
  cat >"$RUN/nginx/nginx.conf" <<EOF
# Generated by bench/load/compare.sh for one run; not a production config.
user root;                         # the library is root's; workers only read it
worker_processes $workers;
worker_rlimit_nofile 65536;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000;
  open_file_cache max=4096 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_errors on;
  client_body_temp_path $RUN/nginx/tmp/body;
  proxy_temp_path $RUN/nginx/tmp/proxy;
  fastcgi_temp_path $RUN/nginx/tmp/fastcgi;
  uwsgi_temp_path $RUN/nginx/tmp/uwsgi;
  scgi_temp_path $RUN/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    root $LIB;
    location / {
      secure_link \$arg_md5,\$arg_expires;
      secure_link_md5 "\$secure_link_expires\$uri $NGINX_SECRET";
      if (\$secure_link = "") { return 403; }
      if (\$secure_link = "0") { return 410; }
    }
  }
}
EOF
  "${pre[@]}" "$NGINX" -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" \
    -g 'daemon off;' >>"$RUN/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  for ((i = 0; i < 100; i++)); do
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited; see $RUN/nginx/error.log"
    port_free "$NGINX_PORT" || break
    sleep 0.1
  done
  [[ $i -lt 100 ]] || die "nginx not listening after 10 s"
  log "nginx pid $NGINX_PID ready, $workers worker(s)${pin:+ (taskset -c $pin)}"
}

nginx_pids() { echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true); }

# ---------------------------------------------------------------- 5. signed URLs

nginx_sig() { # uri -> md5 base64url, as secure_link_md5 "$secure_link_expires$uri secret"
  printf '%s' "$NGINX_EXPIRES$1 $NGINX_SECRET" | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
}

# paths (stdin) -> "path?md5=..&expires=.." lines. One perl process for the 1,000+ paths when
# Digest::MD5 is there (five processes a path add minutes on a busy 2-core machine); the first
# line is checked against nginx_sig's openssl pipeline so that both compute the same thing.
nginx_sign_all() {
  local first sig
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

sign_everything() {
  OURS_KEY=$(openssl rand -hex 32)
  NGINX_SECRET=$(openssl rand -hex 16)
  NGINX_EXPIRES=$(($(date +%s) + 7200))
  OURS_TOKEN=$(EDGE_TOKENS_KEYS="k1:$OURS_KEY" java -jar "$JAR" sign --acl '/*' --ttl 2h)
  [[ $OURS_TOKEN == exp=*hmac=* ]] || die "unexpected token: $OURS_TOKEN"
  (cd "$LIB" && find . -type f ! -name '.*' | sed 's|^\.||' | sort) >"$RUN/paths.txt"
  sed "s|\$|?hdnts=$OURS_TOKEN|" "$RUN/paths.txt" >"$RUN/ours-all.txt"
  nginx_sign_all <"$RUN/paths.txt" >"$RUN/nginx-all.txt"
  local first
  first=$(head -1 "$RUN/paths.txt")
  [[ $(head -1 "$RUN/nginx-all.txt") == "$first?md5=$(nginx_sig "$first")&expires=$NGINX_EXPIRES" ]] ||
    die "perl and openssl disagree on the md5 of $first"
  grep '^/mix/' "$RUN/ours-all.txt" >"$RUN/ours-mix.txt"
  grep '^/mix/' "$RUN/nginx-all.txt" >"$RUN/nginx-mix.txt"
  log "signed $(wc -l <"$RUN/ours-all.txt") paths for each server"
}

# ---------------------------------------------------------------- warming

warm() { # server: requests every file once, over one keep-alive connection; all must be 200
  local server=$1 port list bad
  if [[ $server == ours ]]; then port=$OURS_PORT; list=$RUN/ours-all.txt; else port=$NGINX_PORT; list=$RUN/nginx-all.txt; fi
  sed "s|.*|url = \"http://127.0.0.1:$port&\"\noutput = \"/dev/null\"|" "$list" >"$RUN/warm-$server.curl"
  bad=$(curl -s -g -K "$RUN/warm-$server.curl" -w '%{http_code}\n' | grep -vc '^200$' || true)
  [[ $bad == 0 ]] || die "$server: $bad of $(wc -l <"$list") warm-up requests were not 200"
  if [[ $server == ours ]]; then
    log "ours: memory tier $(curl -s "http://127.0.0.1:$OURS_ADMIN_PORT/metrics" |
      awk '/^edge_cache_bytes\{/ {printf "%.0f MB", $2 / 1e6}') after warming $(wc -l <"$list") files"
  fi
}

# ---------------------------------------------------------------- 6, 7. runs

cpu_ticks() { local p t=0; for p in "$@"; do t=$((t + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat"))); done; echo $t; }
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; } # user nice system irq softirq steal
# Our JVM's GC pauses so far, from Micrometer's jvm_gc_pause_seconds on /metrics: "count seconds max".
# The max is Micrometer's decaying maximum (the largest pause of the last two minutes or so).
gc_pauses() {
  curl -s "http://127.0.0.1:$OURS_ADMIN_PORT/metrics" | awk '
    /^jvm_gc_pause_seconds_count\{/ {c += $NF} /^jvm_gc_pause_seconds_sum\{/ {s += $NF}
    /^jvm_gc_pause_seconds_max\{/ {if ($NF > m) m = $NF}
    END {printf "%d %.6f %.6f\n", c, s, m}'
}
rss_kb() { local p t=0; for p in "$@"; do t=$((t + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status"))); done; echo $t; }

# wrk_once server row conns duration pin -> prints RESULT line; writes raw output to $2 file
run_wrk() {
  local server=$1 row=$2 conns=$3 dur=$4 pin=$5 out=$6 port base url pre=()
  [[ $SYSCALLS == 1 ]] && pre=(perf stat -x, -o "$out.wrkperf" -e raw_syscalls:sys_enter --)
  [[ -n $pin ]] && pre+=(taskset -c "$pin")
  if [[ $server == ours ]]; then port=$OURS_PORT; else port=$NGINX_PORT; fi
  base="http://127.0.0.1:$port"
  if [[ $row == mix ]]; then
    url="$base/"
    WRK_PATHS=$RUN/$server-mix.txt /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" "$url" >"$out" 2>&1
  elif [[ $row == playlist-hdr && $server == ours ]]; then
    # The token in a request header: nothing to propagate, so the playlist goes out as stored, the
    # same bytes nginx sends; the difference from "playlist" is the cost of the rewrite.
    WRK_PATHS= /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" -H "hdnts: $OURS_TOKEN" \
      "$base$(row_path "$row")" >"$out" 2>&1
  else
    url="$base$(grep -m1 "^$(row_path "$row")?" "$RUN/$server-all.txt")"
    WRK_PATHS= /usr/bin/time -f '%U %S' -o "$out.time" "${pre[@]}" \
      wrk -t1 -c"$conns" -d"${dur}s" --timeout 10s --latency -s "$HERE/wrk.lua" "$url" >"$out" 2>&1
  fi
}

measure() { # setting row conns server round pin_wrk
  local setting=$1 row=$2 conns=$3 server=$4 round=$5 pin=$6 pids t0 t1 b0 b1 raw res rss perf_pid="" sc_srv=0 sc_wrk=0 gc0="0 0 0" gc1="0 0 0"
  if [[ $server == ours ]]; then pids=$OURS_PID; else pids=$(nginx_pids); fi
  raw=$OUT/runs/$STAMP-$setting-$row-c$conns-$server-r$round.txt
  if [[ $SYSCALLS == 1 ]]; then
    # shellcheck disable=SC2086
    perf stat -x, -o "$raw.perf" -e "$SYSCALL_EVENTS" -p "$(echo $pids | tr ' ' ,)" 2>/dev/null &
    perf_pid=$!
    sleep 0.3
  fi
  [[ $server == ours ]] && gc0=$(gc_pauses)
  t0=$(cpu_ticks $pids); b0=$(busy_ticks)
  run_wrk "$server" "$row" "$conns" "$DURATION" "$pin" "$raw" || die "wrk failed: $raw"
  t1=$(cpu_ticks $pids); b1=$(busy_ticks)
  [[ $server == ours ]] && gc1=$(gc_pauses)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    sc_srv=$(awk -F, '$3 == "raw_syscalls:sys_enter" {print $1}' "$raw.perf")
    sc_wrk=$(awk -F, '$3 == "raw_syscalls:sys_enter" {print $1}' "$raw.wrkperf")
  fi
  rss=$(rss_kb $pids)
  res=$(grep '^RESULT ' "$raw") || die "no RESULT line in $raw"
  # shellcheck disable=SC2086
  awk -v setting="$setting" -v row="$row" -v conns="$conns" -v server="$server" -v round="$round" \
    -v ticks=$((t1 - t0)) -v busy=$((b1 - b0)) -v hz="$CLK_TCK" -v rss="$rss" -v wrkcpu="$(awk '{print $1 + $2}' "$raw.time")" \
    -v res="$res" -v scs="$sc_srv" -v scw="$sc_wrk" -v gc0="$gc0" -v gc1="$gc1" 'BEGIN {
      split(gc0, g0, / /); split(gc1, g1, / /)
      n = split(res, kv, / /); for (i = 2; i <= n; i++) { split(kv[i], p, "="); r[p[1]] = p[2] }
      d = r["duration_us"] / 1e6; cpu = ticks / hz
      other = 100 * (busy / hz - cpu - wrkcpu) / d; if (other < 0) other = 0
      printf "%s,%s,%d,%s,%d,%d,%d,%.3f,%.1f,%.1f,%.3f,%.3f,%d,%d,%.2f,%.4f,%.1f,%.1f,%.0f,%.1f,%.2f,%.2f,%d,%.1f,%.1f\n",
        setting, row, conns, server, round, r["requests"], r["bytes"], d,
        r["requests"] / d, r["bytes"] / d / 1e6, r["p50_us"] / 1e3, r["p99_us"] / 1e3,
        r["connect"] + r["read"] + r["write"] + r["timeout"], r["status"],
        cpu, (r["requests"] ? cpu / r["requests"] * 1000 : 0),
        100 * cpu / d, 100 * wrkcpu / d, rss / 1024, other,
        (r["requests"] ? scs / r["requests"] : 0), (r["requests"] ? scw / r["requests"] : 0),
        g1[1] - g0[1], 1000 * (g1[2] - g0[2]), 1000 * g1[3] }' | tee -a "$CSV" |
    awk -F, '{ printf "  %-7s %-8s c=%-4s %-5s r%s  %9.0f req/s %8.1f MB/s  p50 %7.2f ms  p99 %7.2f ms  srv %5.1f%% (%.4f s/1k)  wrk %5.1f%%  other %5.1f%%  rss %6.0f MB%s\n",
      $1, $2, $3, $4, $5, $9, $10, $11, $12, $17, $16, $18, $20, $19, ($13 || $14) ? "  ERRORS " $13 " status " $14 : "" }' >&2
}

warmup_load() { # pin: unmeasured load so the JIT and the caches see the traffic first
  local pin=$1 server
  ((WARMUP > 0)) || return 0
  for server in ours nginx; do
    run_wrk "$server" mix 128 "$WARMUP" "$pin" "$OUT/runs/$STAMP-warmup-$server-mix.txt"
    run_wrk "$server" playlist 128 "$WARMUP" "$pin" "$OUT/runs/$STAMP-warmup-$server-playlist.txt"
  done
}

run_setting() { # setting rows conns_list pin_server pin_wrk nginx_workers
  local setting=$1 rows=$2 conns_list=$3 pin_server=$4 pin_wrk=$5 workers=$6 row conns round
  [[ -n $rows ]] || return 0
  log "setting $setting: starting servers (load average $(cut -d" " -f1-3 /proc/loadavg))"
  start_ours "$pin_server"
  start_nginx "$pin_server" "$workers"
  warm ours
  warm nginx
  warmup_load "$pin_wrk"
  for row in $rows; do
    for conns in $conns_list; do
      for ((round = 1; round <= ROUNDS; round++)); do
        measure "$setting" "$row" "$conns" ours "$round" "$pin_wrk"; sleep 1
        measure "$setting" "$row" "$conns" nginx "$round" "$pin_wrk"; sleep 1
      done
    done
  done
  stop_servers
}

# ---------------------------------------------------------------- 8. table

table() {
  awk -F, -v noisy="${NOISY:-30}" '
    function mean(k, f) { return s[k, f] / c[k] }
    function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
    NR == 1 { next } # the header
    {
      k = $1 "|" $2 "|" $3 "|" $4
      c[k]++
      for (f = 6; f <= 24; f++) s[k, f] += $f
      if ($25 > gcmax[k]) gcmax[k] = $25
      if ($21 > 0) syscalls = 1
      if ($19 > rssmax[k]) rssmax[k] = $19
      bad[k] += $13 + $14
      if ($20 > busy[k]) busy[k] = $20
      grp = $1 "|" $2 "|" $3
      if (!(grp in seen)) { seen[grp] = 1; order[++n] = grp }
    }
    END {
      print "| setting | content | conns | req/s ours | req/s nginx | req/s ratio | MB/s ours / nginx | MB/s ratio | p50 ms ours / nginx | p99 ms ours / nginx | p99 ratio | srv CPU s per 1k req ours / nginx | CPU ratio | srv CPU % ours / nginx | wrk CPU % ours / nginx | other CPU % ours / nginx | RSS MB ours / nginx | our GC pauses per run: n, total ms, max ms | notes |"
      print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
      for (i = 1; i <= n; i++) {
        split(order[i], key, "|"); o = order[i] "|ours"; x = order[i] "|nginx"
        if (!(o in c) || !(x in c)) continue
        flag = (bad[o] || bad[x]) ? "errors " bad[o] " / " bad[x] "; " : ""
        if (busy[o] > noisy || busy[x] > noisy) flag = flag sprintf("noisy: other jobs up to %.0f / %.0f %%", busy[o], busy[x])
        printf "| %s | %s | %d | %.0f | %.0f | %s | %.0f / %.0f | %s | %.2f / %.2f | %.2f / %.2f | %s | %.4f / %.4f | %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f, %.1f, %.1f | %s |\n",
          key[1], key[2], key[3], mean(o, 9), mean(x, 9), ratio(mean(o, 9), mean(x, 9)),
          mean(o, 10), mean(x, 10), ratio(mean(o, 10), mean(x, 10)),
          mean(o, 11), mean(x, 11), mean(o, 12), mean(x, 12), ratio(mean(o, 12), mean(x, 12)),
          mean(o, 16), mean(x, 16), ratio(mean(o, 16), mean(x, 16)),
          mean(o, 17), mean(x, 17), mean(o, 18), mean(x, 18), mean(o, 20), mean(x, 20), rssmax[o], rssmax[x],
          mean(o, 23), mean(o, 24), gcmax[o], flag
      }
      if (!syscalls) exit
      print ""
      print "| setting | content | conns | server syscalls per request ours / nginx | wrk syscalls per request ours / nginx |"
      print "| --- | --- | ---: | ---: | ---: |"
      for (i = 1; i <= n; i++) {
        split(order[i], key, "|"); o = order[i] "|ours"; x = order[i] "|nginx"
        if (!(o in c) || !(x in c)) continue
        printf "| %s | %s | %d | %.1f / %.1f | %.1f / %.1f |\n",
          key[1], key[2], key[3], mean(o, 21), mean(x, 21), mean(o, 22), mean(x, 22)
      }
    }' "${1:-$CSV}"
}

# ---------------------------------------------------------------- main

main() {
  if [[ ${1:-} == --table ]]; then # reprint the table of an earlier run's CSV
    table "$2"
    return
  fi
  install_tools
  mkdir -p "$OUT/runs" "$RUN"
  : >"$RUN/ours.log"
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  make_content
  prepare_jar
  sign_everything
  log "content: playlist $(stat -c %s "$LIB/title/400k/playlist.m3u8") B," \
    "seg400k $(stat -c %s "$LIB/title/400k/seg_001.ts") B, seg3m $(stat -c %s "$LIB/title/3m/seg_000.ts") B," \
    "mix $MIX_FILES x $(stat -c %s "$LIB/mix/seg_0000.ts") B"
  echo "setting,row,conns,server,round,requests,bytes,duration_s,req_per_s,MB_per_s,p50_ms,p99_ms,errors,status_errors,server_cpu_s,server_cpu_s_per_1k,server_cpu_pct,wrk_cpu_pct,rss_MB,other_cpu_pct,server_syscalls_per_req,wrk_syscalls_per_req,gc_pauses,gc_pause_ms,gc_pause_max_ms" >"$CSV"

  run_setting shared "$ROWS" "$CONNECTIONS" "" "" 2
  run_setting pinned "$PINNED_ROWS" "$PINNED_CONNECTIONS" 1 0 1

  {
    echo "Run $STAMP: DURATION=${DURATION}s ROUNDS=$ROUNDS, wrk -t1${OURS_ENV:+; ours with $OURS_ENV}; $JAR_INFO; nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')."
    echo "Each value is the mean over the rounds (RSS: the largest); ratio = ours / nginx."
    echo
    table
  } | tee "$TABLE"
  log "per-run values: $CSV; table: $TABLE; raw wrk output: $OUT/runs/"
}

main "$@"
