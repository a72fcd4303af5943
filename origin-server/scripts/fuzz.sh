#!/usr/bin/env bash
# Fuzzes every @FuzzTest of origin-server with Jazzer (issue 15), one target after the other:
# Jazzer fuzzes a single fuzz test per JVM, so each gets its own Maven run.
#
# In `mvn verify` the same tests only replay their corpus (src/test/resources/<package>/
# <Class>Inputs/<method>/), which takes seconds. Here each target is fuzzed for DURATION; a
# crash is written to that folder as crash-<sha1>, where the next `mvn verify` replays it:
# fix the parser and keep the file. The corpus Jazzer grows is kept in origin-server/
# .cifuzz-corpus/ (ignored by git) and reused by the next run.
#
# Usage: origin-server/scripts/fuzz.sh [DURATION] [FILTER]
#   DURATION  Jazzer's max_duration per target, e.g. 90s or 5m (default 2m)
#   FILTER    only targets whose Class#method contains it, e.g. Http1Decoder
# One target by hand: JAZZER_FUZZ=1 mvn -pl origin-server test -Dtest='SafePathFuzzTest#parse_anyTarget_neverLeavesTheRoot' -Djazzer.max_duration=5m
set -euo pipefail

duration="${1:-2m}"
filter="${2:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

mapfile -t targets < <(
  grep -rl --include='*FuzzTest.java' '@FuzzTest' origin-server/src/test/java | sort | while read -r file; do
    class="$(basename "$file" .java)"
    grep -A1 '@FuzzTest' "$file" | grep -oE 'void [A-Za-z0-9_]+' | cut -d' ' -f2 | sed "s/^/$class#/"
  done | grep -F -- "$filter")

status=0
for target in "${targets[@]}"; do
  echo "== $target ($duration)"
  if ! JAZZER_FUZZ=1 mvn -B -q -pl origin-server test -Dtest="$target" -Djazzer.max_duration="$duration" \
      -Dsurefire.failIfNoSpecifiedTests=false; then
    echo "!! $target found a failure: see the crash file under origin-server/src/test/resources"
    status=1
  fi
done
exit "$status"
