#!/usr/bin/env bash
# Container entry point: sizes the JVM from the container's memory limit, then runs origin-server.
#
# The limit (cgroup v2 memory.max, else cgroup v1 memory.limit_in_bytes, else half the machine's MemTotal
# when the container has no limit) is split into four parts that together stay under it:
#
#   overhead  fixed, ORIGIN_OVERHEAD_MIB (default 160): metaspace, code cache, thread stacks, GC
#             structures, the native epoll transport
#   heap      -Xms = -Xmx = limit / 8, within [96 MiB, 1 GiB]: requests allocate a few KiB of
#             short-lived objects; bodies never live on the heap
#   direct    -XX:MaxDirectMemorySize = the rest: Netty's pooled direct buffers hold every cached body
#   tier      cache.memory-bytes (EDGE_CACHE_MEMORY_BYTES) = 3/4 of direct; the last quarter is headroom
#             for pool fragmentation, bodies of fetches in flight (outside the tier's count), playlist
#             rewrites and socket buffers
#
# An EDGE_CACHE_MEMORY_BYTES already set (a plain number of bytes) is kept; JAVA_OPTS are added after the
# computed flags, so any of them can be overridden. Exit status 2 with one line when the limit is too small.
#
# For tests: ORIGIN_CGROUP_ROOT (default /sys/fs/cgroup) and ORIGIN_MEMINFO (default /proc/meminfo) move
# the files read, ORIGIN_MEMORY_LIMIT (bytes) replaces them, ORIGIN_JAR names the jar, and with
# ORIGIN_DRY_RUN=1 the script prints the split and the command instead of running it.
set -euo pipefail

MIB=$((1024 * 1024))
cgroup_root="${ORIGIN_CGROUP_ROOT:-/sys/fs/cgroup}"
meminfo="${ORIGIN_MEMINFO:-/proc/meminfo}"
jar="${ORIGIN_JAR:-/opt/origin-server/origin-server.jar}"
overhead=$(( ${ORIGIN_OVERHEAD_MIB:-160} * MIB ))
# A cgroup v1 "no limit" is a page-rounded 2^63-1; anything past 1 PiB is treated as none.
unlimited=$((1 << 50))

fail() {
  echo "origin-server entrypoint: $*" >&2
  exit 2
}

is_number() {
  [[ "$1" =~ ^[0-9]+$ ]]
}

# Prints the memory limit in bytes and where it came from, or nothing when there is none.
memory_limit() {
  local value
  if [ -n "${ORIGIN_MEMORY_LIMIT:-}" ]; then
    echo "$ORIGIN_MEMORY_LIMIT ORIGIN_MEMORY_LIMIT"
    return
  fi
  if [ -r "$cgroup_root/memory.max" ]; then
    value=$(<"$cgroup_root/memory.max")
    if is_number "$value" && [ "$value" -lt "$unlimited" ]; then
      echo "$value cgroup-v2"
      return
    fi
  elif [ -r "$cgroup_root/memory/memory.limit_in_bytes" ]; then
    value=$(<"$cgroup_root/memory/memory.limit_in_bytes")
    if is_number "$value" && [ "$value" -lt "$unlimited" ]; then
      echo "$value cgroup-v1"
      return
    fi
  fi
  if [ -r "$meminfo" ]; then
    # No limit: take half the machine, leaving the rest to the page cache (sendfile, disk tier) and neighbours.
    value=$(awk '/^MemTotal:/ { printf "%.0f\n", $2 * 1024 / 2; exit }' "$meminfo")
    if is_number "$value"; then
      echo "$value half-of-MemTotal"
      return
    fi
  fi
}

if [ -n "${ORIGIN_MEMORY_LIMIT:-}" ] && ! is_number "$ORIGIN_MEMORY_LIMIT"; then
  fail "ORIGIN_MEMORY_LIMIT: $ORIGIN_MEMORY_LIMIT (expected: a number of bytes)"
fi
read -r limit source < <(memory_limit) || true
[ -n "${limit:-}" ] || fail "no memory limit found in $cgroup_root or $meminfo (expected: set ORIGIN_MEMORY_LIMIT in bytes)"

heap=$((limit / 8))
[ "$heap" -ge $((96 * MIB)) ] || heap=$((96 * MIB))
[ "$heap" -le $((1024 * MIB)) ] || heap=$((1024 * MIB))
heap=$((heap / MIB * MIB))
direct=$(((limit - overhead - heap) / MIB * MIB))
[ "$direct" -ge $((64 * MIB)) ] ||
  fail "memory limit: $limit bytes from $source (expected: at least $(((overhead + heap + 64 * MIB) / MIB)) MiB: $((overhead / MIB)) MiB JVM overhead, $((heap / MIB)) MiB heap, 64 MiB direct memory)"

if [ -n "${EDGE_CACHE_MEMORY_BYTES:-}" ]; then
  tier="$EDGE_CACHE_MEMORY_BYTES"
  tier_source="EDGE_CACHE_MEMORY_BYTES"
  if is_number "$tier" && [ "$tier" -gt $((direct * 3 / 4)) ]; then
    echo "origin-server entrypoint: warning: EDGE_CACHE_MEMORY_BYTES=$tier leaves less than a quarter of" \
      "the $direct bytes of direct memory as headroom; the JVM may run out of direct memory" >&2
  fi
else
  tier=$((direct * 3 / 4 / MIB * MIB))
  tier_source="computed"
  export EDGE_CACHE_MEMORY_BYTES="$tier"
fi

flags=(
  "-Xms$((heap / MIB))m"
  "-Xmx$((heap / MIB))m"
  "-XX:MaxDirectMemorySize=$((direct / MIB))m"
  "-XX:+ExitOnOutOfMemoryError"
  "-XX:+UseG1GC"
)
# JAVA_OPTS is split on spaces, as every JVM image does; later flags win.
read -r -a extra <<<"${JAVA_OPTS:-}"
command=(java "${flags[@]}" "${extra[@]}" -jar "$jar" "$@")

echo "origin-server entrypoint: memory limit $((limit / MIB)) MiB ($source): heap $((heap / MIB)) MiB," \
  "direct $((direct / MIB)) MiB (memory tier $tier bytes, $tier_source), overhead $((overhead / MIB)) MiB" >&2

if [ "${ORIGIN_DRY_RUN:-}" = "1" ]; then
  echo "limit=$limit"
  echo "source=$source"
  echo "heap=$heap"
  echo "direct=$direct"
  echo "tier=$tier"
  echo "overhead=$overhead"
  echo "jvm_flags=${flags[*]}"
  printf 'command='
  printf '%q ' "${command[@]}"
  echo
  exit 0
fi
exec "${command[@]}"
