#!/usr/bin/env bash
# HTTP caching conformance: runs Mark Nottingham's cache-tests (npm http-cache-tests,
# https://cache-tests.fyi) against our edge mode and compares the result with the published results
# of nginx, Varnish, Traffic Server, Squid and Apache httpd.
#
# Usage, from anywhere (bench/cache-tests/out/ is gitignored and holds everything this makes):
#
#   bash bench/cache-tests/run.sh                    # the whole suite, about 30 s here (+ 10 s install once)
#   bash bench/cache-tests/run.sh --id age-parse-suffix   # one test, with every request and response
#                                                    # as the client and the origin saw them
#   bash bench/cache-tests/run.sh --summary          # reprint the summary of the last run
#   RUNS=3 bash bench/cache-tests/run.sh             # three runs, and which outcomes changed
#
# What it does:
#  1. Installs http-cache-tests@CT_VERSION with npm into out/ (once; reinstalled when the version
#     changes). Needs node >= 14.8, npm, java 17 and curl.
#  2. Copies EDGE_JAR to out/run/edge.jar, so a rebuild by someone else mid-run cannot change it.
#  3. Starts the suite's origin (server/server.mjs) on a free port of 127.0.0.1 (loopback.mjs keeps
#     it off other interfaces), and our edge in front of it on free ports (data and admin), all
#     configuration by environment: no library, no tokens, access log off, node name edge-ct,
#     memory tier only. Waits for both, then checks that a PUT of a test configuration gets
#     through the edge (the suite needs that for every test).
#  4. Runs the suite's client (what `npm run --silent cli --base=<edge>` runs) and saves its raw JSON to
#     out/results-edge.json (and a timestamped copy), the edge's /metrics to out/run/.
#  5. Stops the origin and the edge (trap, whatever happens), then prints the summary made by
#     summary.mjs (also written to out/summary.md).
#
# Environment (defaults in brackets):
#   EDGE_JAR    [<repo>/origin-server/target/origin-server.jar] the server jar; a relative path is
#               taken from the current directory. It is not built here.
#   CT_VERSION  [0.4.5] the http-cache-tests version to install
#   OUT         [bench/cache-tests/out] work folder
#   RUNS        [1] how many times to run the suite against the same edge; with more than one the
#               summary lists the tests whose outcome changed (out/results-edge.json is the first)
#   CLI_TIMEOUT [600] seconds each run of the client may take before the run is abandoned
#   JAVA_OPTS   [""] extra JVM options for the edge
#   Any other EDGE_* variable in the environment reaches the edge too (e.g.
#   EDGE_CACHE_DISK_DIR=/tmp/ct-disk to include the disk tier); the ones set in step 3 win.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

CT_VERSION=${CT_VERSION:-0.4.5}
OUT=${OUT:-$HERE/out}
CLI_TIMEOUT=${CLI_TIMEOUT:-600}
RUNS=${RUNS:-1}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: RUNS must be a positive integer, not $RUNS" >&2; exit 2; }
JAVA_OPTS=${JAVA_OPTS:-}
EDGE_JAR=${EDGE_JAR:-$REPO/origin-server/target/origin-server.jar}
case $EDGE_JAR in /*) ;; *) EDGE_JAR=$PWD/$EDGE_JAR ;; esac

TEST_ID=""
SUMMARY_ONLY=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --id) TEST_ID=${2:?--id needs a test id}; shift 2 ;;
    --id=*) TEST_ID=${1#--id=}; shift ;;
    --summary) SUMMARY_ONLY=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
RUN=$OUT/run
PKG=$OUT/node_modules/http-cache-tests
RESULTS=$OUT/results-edge.json

log() { printf '[cache-tests] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

summarise() {
  local repeats
  repeats=$(IFS=,; echo "${REPEATS[*]:-}")
  node --no-warnings "$HERE/summary.mjs" --suite "$PKG" --results "$RESULTS" --repeats "$repeats" | tee "$OUT/summary.md"
}
REPEATS=()

if [[ $SUMMARY_ONLY == 1 ]]; then
  [[ -f $RESULTS && -d $PKG ]] || die "no previous run in $OUT"
  shopt -s nullglob
  REPEATS=("$RUN"/results-run*.json)
  summarise
  exit 0
fi

for tool in node npm java curl; do
  command -v "$tool" >/dev/null || die "$tool is needed and not on PATH"
done
[[ -f $EDGE_JAR ]] || die "no server jar at $EDGE_JAR (build it with mvn -B -q package -DskipTests, or set EDGE_JAR)"

T0=$(now)

# ---- 1. the suite -------------------------------------------------------------------------------
installed=$(node -p "require(process.argv[1]).version" "$PKG/package.json" 2>/dev/null || true)
if [[ $installed != "$CT_VERSION" ]]; then
  log "installing http-cache-tests@$CT_VERSION into $OUT"
  [[ -f $OUT/package.json ]] || printf '{\n  "private": true,\n  "description": "bench/cache-tests work folder"\n}\n' >"$OUT/package.json"
  (cd "$OUT" && npm install --no-audit --no-fund --loglevel=error "http-cache-tests@$CT_VERSION" >&2)
  log "installed in $(since "$T0") s"
fi

# ---- 2, 3. origin and edge ----------------------------------------------------------------------
rm -rf "$RUN"
mkdir -p "$RUN"
cp "$EDGE_JAR" "$RUN/edge.jar"

ORIGIN_PID=""
EDGE_PID=""
CLI_PID=""
stop() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do # the edge drains for up to server.drain-timeout (10 s)
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT
  stop "$CLI_PID"
  stop "$EDGE_PID"
  stop "$ORIGIN_PID"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until $1's log matches the regex $2 and prints the first match; dies if $3 (a pid) exits.
await_line() {
  local file=$1 regex=$2 pid=$3 what=$4 i line
  for ((i = 0; i < 600; i++)); do
    line=$(grep -m1 -oE "$regex" "$file" 2>/dev/null || true)
    if [[ -n $line ]]; then
      printf '%s\n' "$line"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$file" >&2; die "$what exited during start-up (log: $file)"; }
    sleep 0.1
  done
  tail -n 20 "$file" >&2
  die "$what did not start within 60 s (log: $file)"
}

(
  cd "$PKG"
  exec env npm_config_protocol=http npm_config_port=0 npm_config_pidfile="$RUN/origin.pid" \
    node --import "$HERE/loopback.mjs" server/server.mjs
) >"$RUN/origin.log" 2>&1 &
ORIGIN_PID=$!
ORIGIN_PORT=$(await_line "$RUN/origin.log" 'Listening on http://127\.0\.0\.1:[0-9]+' "$ORIGIN_PID" "cache-tests origin")
ORIGIN_PORT=${ORIGIN_PORT##*:}
ORIGIN_URL=http://127.0.0.1:$ORIGIN_PORT

# shellcheck disable=SC2086 # JAVA_OPTS is a list of words
(
  cd "$RUN"
  exec env -u EDGE_JAR \
    EDGE_SERVER_BIND=127.0.0.1 EDGE_SERVER_PORT=0 EDGE_SERVER_ADMIN_PORT=0 EDGE_LIBRARY_ROOT= \
    EDGE_TOKENS_REQUIRED=false EDGE_UPSTREAM_URLS="$ORIGIN_URL" \
    EDGE_UPSTREAM_NODE_NAME=edge-ct EDGE_LOG_ACCESS=false \
    java $JAVA_OPTS -jar "$RUN/edge.jar" serve
) >"$RUN/edge.log" 2>&1 &
EDGE_PID=$!
listening=$(await_line "$RUN/edge.log" 'listening on http://127\.0\.0\.1:[0-9]+/ \(admin http://127\.0\.0\.1:[0-9]+' "$EDGE_PID" "edge")
EDGE_PORT=$(sed -E 's|.*listening on http://127\.0\.0\.1:([0-9]+)/.*|\1|' <<<"$listening")
ADMIN_PORT=$(sed -E 's|.*admin http://127\.0\.0\.1:([0-9]+)$|\1|' <<<"$listening")
EDGE_URL=http://127.0.0.1:$EDGE_PORT
ADMIN_URL=http://127.0.0.1:$ADMIN_PORT

for ((i = 0; i < 300; i++)); do
  curl -fsS -o /dev/null "$ADMIN_URL/healthz" 2>/dev/null && break
  kill -0 "$EDGE_PID" 2>/dev/null || die "edge exited (log: $RUN/edge.log)"
  sleep 0.1
done
curl -fsS -o /dev/null "$ADMIN_URL/healthz" || die "edge not healthy on $ADMIN_URL/healthz"
# Any HTTP answer will do (the origin has no page at /); curl's %{http_code} is 000 without one.
[[ $(curl -s -o /dev/null -w '%{http_code}' "$ORIGIN_URL/") != 000 ]] || die "origin not answering on $ORIGIN_URL"

# The suite PUTs each test's configuration through the cache under test; without that, every
# test is a setup failure.
check_id=harness-check-$$-$RANDOM
code=$(curl -s -o "$RUN/put-check.txt" -w '%{http_code}' -X PUT -H 'content-type: application/json' \
  --data '[{"id":"harness-check"}]' "$EDGE_URL/config/$check_id")
[[ $code == 201 ]] || die "PUT of a test configuration through the edge got $code, not 201: $(head -c 200 "$RUN/put-check.txt")"

log "origin $ORIGIN_URL (pid $ORIGIN_PID), edge $EDGE_URL admin $ADMIN_URL (pid $EDGE_PID, jar $EDGE_JAR)"

# ---- 4. the client ------------------------------------------------------------------------------
# The suite's `npm run --silent cli --base=URL [--id=ID]` is `node --no-warnings cli.mjs` with the
# options in npm_config_*; run directly so that the client is one process a trap can stop.
client() {
  (
    cd "$PKG"
    exec env npm_config_base="$EDGE_URL" npm_config_id="$TEST_ID" npm_package_config_id="" \
      timeout "$CLI_TIMEOUT" node --no-warnings cli.mjs
  ) &
  CLI_PID=$!
  set +e
  wait "$CLI_PID"
  cli_rc=$?
  set -e
  CLI_PID=""
}

if [[ -n $TEST_ID ]]; then
  log "running $TEST_ID"
  client
  printf '\n=== what the origin logged (requests it received, responses it sent)\n'
  cat "$RUN/origin.log"
  exit "$cli_rc"
fi

for ((run = 1; run <= RUNS; run++)); do
  if [[ $RUNS -gt 1 ]]; then log "running the suite against $EDGE_URL (run $run of $RUNS)"; else log "running the suite against $EDGE_URL"; fi
  T1=$(now)
  client >"$RUN/results.part" 2>"$RUN/cli.err"
  CLI_SECONDS=$(since "$T1")
  [[ $cli_rc == 0 ]] || { tail -n 20 "$RUN/cli.err" >&2; die "the client exited with $cli_rc after $CLI_SECONDS s (stderr: $RUN/cli.err)"; }
  count=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw new Error("not an object")
    console.log(Object.keys(r).length)' "$RUN/results.part" 2>/dev/null) ||
    { tail -n 20 "$RUN/cli.err" >&2; die "the client printed no JSON results (stderr: $RUN/cli.err)"; }
  [[ $count -gt 0 ]] || die "the client ran no tests"
  log "run $run: $count tests in $CLI_SECONDS s"
  if [[ $run == 1 ]]; then
    mv "$RUN/results.part" "$RESULTS"
    cp "$RESULTS" "$OUT/results-edge-$(date -u +%Y%m%dT%H%M%SZ).json"
  else
    mv "$RUN/results.part" "$RUN/results-run$run.json"
    REPEATS+=("$RUN/results-run$run.json")
  fi
done
curl -fsS "$ADMIN_URL/metrics" >"$RUN/edge-metrics.txt" 2>/dev/null || true

outcomes=$(awk '/^edge_upstream_requests_seconds_count\{/ {
    match($0, /outcome="[a-z0-9]+"/); o = substr($0, RSTART + 9, RLENGTH - 10)
    if ($2 + 0 > 0) printf "%s%s=%d", (n++ ? " " : ""), o, $2 }' "$RUN/edge-metrics.txt" 2>/dev/null || true)
retries=$(awk '/^edge_upstream_retries_total / { printf "%d", $2 }' "$RUN/edge-metrics.txt" 2>/dev/null || true)

# ---- 5. stop, summarise -------------------------------------------------------------------------
stop "$EDGE_PID"
EDGE_PID=""
stop "$ORIGIN_PID"
ORIGIN_PID=""

summarise
printf '\n%s run(s) of %s tests, the last in %s s (client); %s s in all. Raw results: %s\n' \
  "$RUNS" "$count" "$CLI_SECONDS" "$(since "$T0")" "$RESULTS"
printf 'Edge upstream fetches by outcome, all runs: %s; retries: %s (metrics: %s)\n' "${outcomes:-?}" "${retries:-?}" "$RUN/edge-metrics.txt"
