#!/usr/bin/env bash
# Soak run (issue 15, "Soak"; bench/, not CI): an edge tier in front of a parent edge in front of an
# origin of ours, under mixed traffic for DURATION seconds while faults are injected, then checked.
#
# Usage, from anywhere (bench/soak/out/ is gitignored and holds everything this makes):
#
#   bash bench/soak/soak.sh                      # the full run: 30 minutes
#   DURATION=120 bash bench/soak/soak.sh         # smoke: the same faults, compressed (see below)
#   python3 bench/soak/analyze.py bench/soak/out/<time>   # re-check a finished run
#
# Topology, all on loopback, each a JVM running origin-server/target/origin-server.jar (built with
# `mvn -B -q -pl origin-server -am package -DskipTests` when missing, then copied into the run folder):
#
#   load.py ──> edge   :18280 (admin :18281)   upstream.parents: [parent]  upstream.urls: [origin]
#                 │        memory 16 MiB, disk tier 48 MiB: the ~85 MB catalogue is evicted and refetched
#                 v
#               parent :18180 (admin :18181)   upstream.urls: [origin];  memory 16 MiB, disk 256 MiB
#                 v
#               origin :18080 (admin :18081)   serve --library out/lib (OBJECTS random files, 1-16 KiB)
#
# Every JVM: -Xms256m -Xmx256m -XX:+AlwaysPreTouch (the heap is resident from the start, so that RSS
# measures what grows outside it) -XX:MaxDirectMemorySize=512m -Dio.netty.leakDetection.level=paranoid
# (every buffer tracked: a leak is reported as "LEAK:" in the node's log). Tokens off (a token costs
# nothing here that the rest of the suite does not already test), access logs off (disk space), the
# admin token from a file (admin.token-file) made for the run.
#
# Traffic (load.py): THREADS [8] keep-alive clients, MISS [0.05] of requests for paths that exist
# nowhere (must be 404), the rest Zipf(ZIPF [1.0]) over the OBJECTS [10000] objects (must be 200 with the
# file's length).
#
# Faults, on a schedule scaled to DURATION (faults.csv records each window):
#   origin flap     every FLAP_EVERY [DURATION/15, at least 30 s] the origin is stopped (SIGTERM) for
#                   FLAP_DOWN [FLAP_EVERY/8, at least 2 s] seconds, then started again (its JVM start adds ~10 s here)
#   parent restart  every PARENT_EVERY [DURATION/3] the parent is stopped and started at once (the
#                   edge marks it down, goes to the origin, and brings it back by health check)
#   purges          every PURGE_EVERY [10 s] an exact PURGE of a popular object and, every third time,
#                   a POST /purge?prefix= of one of the 100 folders, on the edge's and the parent's admin
#                   ports with the bearer token (answers must be 200); one PURGE without it (must be 401)
#
# Checks (analyze.py; the run fails when one does not hold):
#   1. no "LEAK:" in any node's log;
#   2. flat RSS: the edge's mean RSS over the last third of the run is within RSS_BOUND_PCT [15] % (and
#      at most RSS_BOUND_MIB [48] MiB) above its mean over the first third; the parent's is reported
#      (it restarts, so its thirds are not comparable);
#   3. no error answers outside the injected faults: every error (a status other than 200/404 as
#      expected, a short body, a refused or reset connection) falls within a fault window widened by
#      GRACE [5] s after it ends (a request in flight when the origin stopped);
#   4. every purge answered 200, the unauthenticated one 401;
#   5. the edge's and the parent's disk gauges (edge_cache_bytes/entries{tier="disk"}), scraped once the
#      load has stopped, equal a walk of their disk folders.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-1800}
OBJECTS=${OBJECTS:-10000}
THREADS=${THREADS:-8}
MISS=${MISS:-0.05}
ZIPF=${ZIPF:-1.0}
FLAP_EVERY=${FLAP_EVERY:-$(( DURATION / 15 > 30 ? DURATION / 15 : 30 ))}
FLAP_DOWN=${FLAP_DOWN:-$(( FLAP_EVERY / 8 > 2 ? FLAP_EVERY / 8 : 2 ))}
PARENT_EVERY=${PARENT_EVERY:-$(( DURATION / 3 ))}
PURGE_EVERY=${PURGE_EVERY:-10}
GRACE=${GRACE:-5}
RSS_BOUND_PCT=${RSS_BOUND_PCT:-15}
RSS_BOUND_MIB=${RSS_BOUND_MIB:-48}
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=512m -Dio.netty.leakDetection.level=paranoid"}

ORIGIN_PORT=18080 PARENT_PORT=18180 EDGE_PORT=18280
OUT="$HERE/out/$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$OUT/run"
LIB="$HERE/out/lib"
mkdir -p "$RUN"

log() { printf '%s soak: %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/soak.log" >&2; }
now() { python3 -c 'import time; print("%.3f" % time.time())'; }

JAR="$ROOT/origin-server/target/origin-server.jar"
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -B -q -pl origin-server -am package -DskipTests)
fi
cp "$JAR" "$RUN/origin-server.jar"

if [[ ! -f "$LIB/objects.txt" || $(wc -l < "$LIB/objects.txt") -ne $OBJECTS ]]; then
  log "making a library of $OBJECTS objects in $LIB"
  rm -rf "$LIB"
  python3 "$HERE/load.py" library "$LIB" "$OBJECTS"
fi

python3 -c 'import secrets; print(secrets.token_hex(32))' > "$RUN/admin-token"
chmod 600 "$RUN/admin-token"
TOKEN=$(cat "$RUN/admin-token")

# start_node NAME PORT [ENV=VALUE ...] [-- ARGS]: starts a JVM, its pid in run/NAME.pid, its log appended to
# run/NAME.log; returns once its /readyz answers 200.
start_node() {
  local name=$1 port=$2
  shift 2
  local envs=() args=()
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift && args=("$@")
  # shellcheck disable=SC2086
  env EDGE_SERVER_PORT="$port" EDGE_SERVER_ADMIN_PORT=$((port + 1)) EDGE_SERVER_BIND=127.0.0.1 \
    EDGE_TOKENS_REQUIRED=false EDGE_LOG_ACCESS=false EDGE_SERVER_DRAIN_TIMEOUT=2s \
    EDGE_ADMIN_TOKEN_FILE="$RUN/admin-token" EDGE_UPSTREAM_NODE_NAME="$name" "${envs[@]}" \
    java $JAVA_OPTS -jar "$RUN/origin-server.jar" serve "${args[@]}" >> "$RUN/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$((port + 1))/readyz"; then
      return 0
    fi
    sleep 0.5
  done
  log "$name did not become ready; see $RUN/$name.log"
  return 1
}

stop_node() {
  local name=$1 pid
  pid=$(cat "$RUN/$name.pid" 2>/dev/null || true)
  [[ -z $pid ]] && return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$RUN/$name.pid"; return 0; }
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

start_origin() { start_node origin $ORIGIN_PORT EDGE_CACHE_MEMORY_BYTES=64MiB -- --library "$LIB"; }
start_parent() {
  start_node parent $PARENT_PORT EDGE_LIBRARY_ROOT= EDGE_UPSTREAM_URLS="http://127.0.0.1:$ORIGIN_PORT" \
    EDGE_CACHE_MEMORY_BYTES=16MiB EDGE_CACHE_DISK_DIR="$RUN/parent-disk" EDGE_CACHE_DISK_BYTES=256MiB
}
start_edge() {
  start_node edge $EDGE_PORT EDGE_LIBRARY_ROOT= EDGE_UPSTREAM_URLS="http://127.0.0.1:$ORIGIN_PORT" \
    EDGE_UPSTREAM_PARENTS="http://127.0.0.1:$PARENT_PORT" EDGE_UPSTREAM_HEALTH_INTERVAL=1s \
    EDGE_CACHE_MEMORY_BYTES=16MiB EDGE_CACHE_DISK_DIR="$RUN/edge-disk" EDGE_CACHE_DISK_BYTES=48MiB
}

cleanup() {
  local status=$?
  [[ -n ${LOAD_PID:-} ]] && kill "$LOAD_PID" 2>/dev/null || true
  for node in edge parent origin; do stop_node "$node"; done
  exit $status
}
trap cleanup EXIT INT TERM

log "out: $OUT; duration ${DURATION}s; flap every ${FLAP_EVERY}s for ${FLAP_DOWN}s; parent restart every ${PARENT_EVERY}s; purges every ${PURGE_EVERY}s"
start_origin
start_parent
start_edge

{
  echo "# DURATION=$DURATION OBJECTS=$OBJECTS THREADS=$THREADS MISS=$MISS ZIPF=$ZIPF FLAP_EVERY=$FLAP_EVERY FLAP_DOWN=$FLAP_DOWN"
  echo "# PARENT_EVERY=$PARENT_EVERY PURGE_EVERY=$PURGE_EVERY GRACE=$GRACE RSS_BOUND_PCT=$RSS_BOUND_PCT RSS_BOUND_MIB=$RSS_BOUND_MIB"
  echo "# JAVA_OPTS=$JAVA_OPTS"
  echo "# git $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- origin-server || echo -dirty); $(nproc) cores; $(java -version 2>&1 | head -1)"
} > "$OUT/settings.txt"
echo "start,end,kind" > "$OUT/faults.csv"
echo "t,target,kind,status" > "$OUT/purges.csv"

T0=$(now)
echo "$T0" > "$OUT/t0"
python3 "$HERE/load.py" run --edge "http://127.0.0.1:$EDGE_PORT" --objects "$LIB/objects.txt" \
  --duration "$DURATION" --out "$OUT" --threads "$THREADS" --miss "$MISS" --zipf "$ZIPF" --t0 "$T0" \
  --admin "edge=http://127.0.0.1:$((EDGE_PORT + 1))" --admin "parent=http://127.0.0.1:$((PARENT_PORT + 1))" \
  --admin "origin=http://127.0.0.1:$((ORIGIN_PORT + 1))" \
  --pidfile "edge=$RUN/edge.pid" --pidfile "parent=$RUN/parent.pid" --pidfile "origin=$RUN/origin.pid" \
  > "$OUT/load.out" 2>&1 &
LOAD_PID=$!

since() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) - float(sys.argv[2])))" "$(now)" "$T0"; }
elapsed() { python3 -c "import sys,time; print(int(time.time() - float(sys.argv[1])))" "$T0"; }

purge() { # purge ADMIN_PORT KIND TARGET
  local port=$1 kind=$2 target=$3 status
  if [[ $kind == exact ]]; then
    status=$(curl -s -o /dev/null -w '%{http_code}' -X PURGE -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$target" || echo 000)
  else
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/purge?prefix=$target" || echo 000)
  fi
  echo "$(since),$port,$kind,$status" >> "$OUT/purges.csv"
}

next_flap=$FLAP_EVERY next_parent=$PARENT_EVERY next_purge=$PURGE_EVERY purges=0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  t=$(elapsed)
  if (( t >= DURATION - FLAP_DOWN - GRACE )); then
    sleep 1; continue  # no fault in the last moments: the run ends with every node up
  fi
  if (( t >= next_flap )); then
    start=$(since); log "origin down"
    stop_node origin
    sleep "$FLAP_DOWN"
    start_origin
    echo "$start,$(since),origin" >> "$OUT/faults.csv"; log "origin up"
    next_flap=$(( next_flap + FLAP_EVERY ))
  fi
  if (( t >= next_parent )); then
    start=$(since); log "parent restart"
    stop_node parent
    start_parent
    echo "$start,$(since),parent" >> "$OUT/faults.csv"; log "parent up"
    next_parent=$(( next_parent + PARENT_EVERY ))
  fi
  if (( t >= next_purge )); then
    purges=$((purges + 1))
    object=$(sed -n "$(( (purges * 7919) % OBJECTS + 1 ))p" "$LIB/objects.txt" | cut -d' ' -f1)
    purge $((EDGE_PORT + 1)) exact "$object"
    purge $((PARENT_PORT + 1)) exact "$object"
    if (( purges % 3 == 0 )); then
      folder=$(printf '/soak/f%02d/' $(( purges % 100 )))
      purge $((EDGE_PORT + 1)) prefix "$folder"
      purge $((PARENT_PORT + 1)) prefix "$folder"
      status=$(curl -s -o /dev/null -w '%{http_code}' -X PURGE "http://127.0.0.1:$((EDGE_PORT + 1))$object" || echo 000)
      echo "$(since),$((EDGE_PORT + 1)),unauthenticated,$status" >> "$OUT/purges.csv"
    fi
    next_purge=$(( next_purge + PURGE_EVERY ))
  fi
  sleep 1
done
wait "$LOAD_PID" || true
cat "$OUT/load.out" >&2
for node in edge parent origin; do
  curl -s "http://127.0.0.1:$(( $(eval echo \$${node^^}_PORT) + 1 ))/metrics" > "$OUT/$node-metrics-end.txt" || true
done
for node in edge parent origin; do stop_node "$node"; done
trap - EXIT
python3 "$HERE/analyze.py" "$OUT" --grace "$GRACE" --rss-bound-pct "$RSS_BOUND_PCT" --rss-bound-mib "$RSS_BOUND_MIB"
