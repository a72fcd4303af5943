#!/usr/bin/env bash
# The attacks of issue 15 as its text describes them (bench/, not CI): an origin of ours with a 40 MB
# object and a segment, an edge in front (-Xmx256m -XX:MaxDirectMemorySize=512m, descriptors limited to
# 1,024, HTTPS on a second edge port for the HTTP/2 attack), then bench/abuse/attack.py, which prints one
# line per attack: RSS before/end/peak growth, another viewer's segment and /metrics times, log lines.
# The issue's bar: RSS growth under 150 MiB, other viewers under 0.5 s, fewer than 50 log lines.
#
# Usage: bash bench/abuse/attack.sh   (output in bench/abuse/out/, gitignored)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/origin-server/target/origin-server.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -pl origin-server -am package -DskipTests)
OUT="$HERE/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/lib"
head -c $((40 * 1024 * 1024)) /dev/urandom > "$OUT/lib/big.bin"
head -c 20000 /dev/urandom > "$OUT/lib/seg.ts"
JVM=(-Xms256m -Xmx256m -XX:MaxDirectMemorySize=512m)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

EDGE_TOKENS_REQUIRED=false java "${JVM[@]}" -jar "$JAR" serve --library "$OUT/lib" --bind 127.0.0.1 \
  --port 18480 --admin-port 18481 > "$OUT/origin.log" 2>&1 &
pids+=($!)
edge() { # name port admin extra-flags...
  local name=$1 port=$2 admin=$3; shift 3
  ( ulimit -n 1024; EDGE_TOKENS_REQUIRED=false EDGE_LIBRARY_ROOT="" EDGE_UPSTREAM_URLS=http://127.0.0.1:18480 \
    exec java "${JVM[@]}" -jar "$JAR" serve --bind 127.0.0.1 --port "$port" --admin-port "$admin" "$@" ) > "$OUT/$name.log" 2>&1 &
  pids+=($!)
}
edge edge 18580 18581
edge edge-tls 18680 18681 --tls-self-signed
for port in 18481 18581 18681; do
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
done
edge_pid=$(pgrep -f -- "--port 18580" | head -1)
tls_pid=$(pgrep -f -- "--port 18680" | head -1)
python3 "$HERE/attack.py" 18580 18581 "$edge_pid" "$OUT/edge.log" http1 | tee "$OUT/results.txt"
if /usr/bin/python3 -c 'import h2' 2>/dev/null; then
  /usr/bin/python3 "$HERE/attack.py" 18680 18681 "$tls_pid" "$OUT/edge-tls.log" h2 | tee -a "$OUT/results.txt"
fi
echo "output in $OUT"
