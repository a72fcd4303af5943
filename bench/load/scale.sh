#!/usr/bin/env bash
# Requests/s against the number of distinct cached objects (issue 5, "Memory and scale"): the mix row
# of compare.sh (round-robin over N files, every request a different file until the list wraps),
# for N = 100, 1,000, 10,000 and 100,000, ours against nginx in the same run.
#
# Usage, from anywhere (output in bench/load/out/, gitignored):
#
#   bash bench/load/scale.sh                          # about 12 minutes here
#   COUNTS="100 1000" DURATION=3 ROUNDS=1 bash bench/load/scale.sh     # smoke
#
# Each file is the first MIX_BYTES [16384] bytes of a real 400 KB segment (16 KiB: an LL-HLS part
# or a short audio segment), so that 100,000 of them (1.6 GB) fit our 2 GiB memory tier and the page
# cache at once: the run measures lookups among many objects, not disk reads. Objects this small
# stay in the memory tier (below cache.sendfile-min-bytes); nginx serves them with sendfile and its
# open_file_cache (max=4096, as compare.sh configures it). It runs compare.sh's origin suite, so
# with every access log on.
#
# Environment: COUNTS ["100 1000 10000 100000"], MIX_BYTES [16384], CONNECTIONS [128],
# DURATION [10], ROUNDS [2]; anything else compare.sh reads is passed through.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${OUT:-$HERE/out}
COUNTS=${COUNTS:-"100 1000 10000 100000"}
export MIX_BYTES=${MIX_BYTES:-16384} CONNECTIONS=${CONNECTIONS:-128} DURATION=${DURATION:-10} ROUNDS=${ROUNDS:-2}
export SUITES=origin ROWS=mix PINNED_ROWS='' OUT
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
SUMMARY=$OUT/scale-$STAMP.md
csvs=()

for n in $COUNTS; do
  before=$(ls -1 "$OUT"/results-*.csv 2>/dev/null | tail -1 || true)
  MIX_FILES=$n bash "$HERE/compare.sh"
  after=$(ls -1 "$OUT"/results-*.csv | tail -1)
  [[ $after != "$before" ]] || { echo "compare.sh wrote no results for $n objects" >&2; exit 1; }
  csvs+=("$n=$after")
done

{
  echo "Scale run $STAMP: mix row, $MIX_BYTES-byte objects, wrk -t1 -c$CONNECTIONS, ${DURATION}s x $ROUNDS rounds per server, A/B alternated."
  echo
  echo "| distinct objects | req/s ours | req/s nginx | ratio | p99 ms ours / nginx | srv CPU s per 1k req ours / nginx | RSS MB ours / nginx | our GC pauses per run: n, total ms |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for pair in "${csvs[@]}"; do
    awk -F, -v n="${pair%%=*}" 'NR == 1 { for (i = 1; i <= NF; i++) f[$i] = i; next } # columns by name
      $f["row"] == "mix" {
        k = $f["server"]; c[k]++; rps[k] += $f["req_per_s"]; p99[k] += $f["p99_ms"]; cpu[k] += $f["server_cpu_s_per_1k"]
        gcn[k] += $f["gc_pauses"]; gcms[k] += $f["gc_pause_ms"]
        if ($f["rss_MB"] > rss[k]) rss[k] = $f["rss_MB"] }
      END {
        printf "| %d | %.0f | %.0f | %.2f | %.2f / %.2f | %.4f / %.4f | %.0f / %.0f | %.0f, %.1f |\n", n,
          rps["ours"] / c["ours"], rps["nginx"] / c["nginx"], rps["ours"] / rps["nginx"] * c["nginx"] / c["ours"],
          p99["ours"] / c["ours"], p99["nginx"] / c["nginx"], cpu["ours"] / c["ours"], cpu["nginx"] / c["nginx"],
          rss["ours"], rss["nginx"], gcn["ours"] / c["ours"], gcms["ours"] / c["ours"] }' "${pair#*=}"
  done
} | tee "$SUMMARY"
echo "summary: $SUMMARY" >&2
