#!/usr/bin/env python3
"""Checks a soak run (bench/soak/soak.sh) and prints its numbers; exits 1 when a check fails.

  analyze.py OUT_DIR [--grace 5] [--rss-bound-pct 15] [--rss-bound-mib 48]

Reads OUT_DIR/{requests,errors,samples,faults,purges}.csv and run/*.log (see soak.sh for what each
check means), prints a summary and writes it to OUT_DIR/summary.txt. Standard library only.
"""
import argparse
import csv
import glob
import os
import sys


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("--rss-bound-pct", type=float, default=15.0)
    parser.add_argument("--rss-bound-mib", type=float, default=48.0)
    args = parser.parse_args()
    out = args.out
    lines = []
    failed = []

    def say(text):
        lines.append(text)
        print(text)

    requests = read_csv(os.path.join(out, "requests.csv"))
    errors = read_csv(os.path.join(out, "errors.csv"))
    samples = read_csv(os.path.join(out, "samples.csv"))
    faults = read_csv(os.path.join(out, "faults.csv"))
    purges = read_csv(os.path.join(out, "purges.csv"))
    duration = max((int(r["t"]) for r in requests), default=0) + 1

    ok = sum(int(r["ok"]) for r in requests)
    miss = sum(int(r["miss_404"]) for r in requests)
    total = ok + miss + len(errors)
    say("requests: %d in %d s (%.0f/s): %d ok, %d expected 404 (%.1f %%), %d errors"
        % (total, duration, total / max(duration, 1), ok, miss, 100.0 * miss / max(total, 1), len(errors)))
    p99 = sorted(float(r["p99_ms"]) for r in requests)
    say("latency: median of per-second p50 %.1f ms, of per-second p99 %.1f ms; worst second's p99 %.1f ms"
        % (sorted(float(r["p50_ms"]) for r in requests)[len(requests) // 2] if requests else 0,
           p99[len(p99) // 2] if p99 else 0, p99[-1] if p99 else 0))

    # 1. leaks
    leaks = {}
    for log in sorted(glob.glob(os.path.join(out, "run", "*.log"))):
        with open(log, errors="replace") as f:
            count = sum(1 for line in f if "LEAK:" in line)
        leaks[os.path.basename(log)] = count
    say("leak reports (LEAK: in logs, paranoid detector): %s" % ", ".join("%s %d" % kv for kv in leaks.items()))
    if sum(leaks.values()):
        failed.append("leaked buffers reported")

    # 2. RSS
    for node in ("edge", "parent", "origin"):
        rows = [r for r in samples if r["node"] == node and r["rss_kib"]]
        if not rows:
            continue
        rss = [(float(r["t"]), int(r["rss_kib"]) / 1024.0) for r in rows]
        first = [v for t, v in rss if t < duration / 3]
        last = [v for t, v in rss if t >= 2 * duration / 3]
        direct = [float(r["netty_direct"]) / 2**20 for r in rows if r["netty_direct"]]
        jvm_direct = [float(r["jvm_direct"]) / 2**20 for r in rows if r["jvm_direct"]]
        say("%s RSS MiB: first third mean %.1f, last third mean %.1f (%+.1f %%), max %.1f; netty direct MiB max %.1f, last %.1f; "
            "JVM direct buffers MiB max %.1f, last %.1f"
            % (node, mean(first), mean(last), 100.0 * (mean(last) / mean(first) - 1) if first else 0,
               max(v for _, v in rss), max(direct, default=0), direct[-1] if direct else 0,
               max(jvm_direct, default=0), jvm_direct[-1] if jvm_direct else 0))
        if node == "edge" and first and last:
            bound = min(mean(first) * (1 + args.rss_bound_pct / 100.0), mean(first) + args.rss_bound_mib)
            if mean(last) > bound:
                failed.append("edge RSS not flat: last third %.1f MiB > bound %.1f MiB" % (mean(last), bound))
            else:
                say("edge RSS flat: last third %.1f MiB <= bound %.1f MiB (first third +%.0f %%, at most +%.0f MiB)"
                    % (mean(last), bound, args.rss_bound_pct, args.rss_bound_mib))
    for node in ("edge", "parent"):
        rows = [r for r in samples if r["node"] == node and r["disk_bytes"]]
        if rows:
            say("%s disk tier at the end: %.1f MiB, %d entries; disk errors counted %s"
                % (node, float(rows[-1]["disk_bytes"]) / 2**20, float(rows[-1]["disk_entries"] or 0),
                   rows[-1]["disk_errors"] or "?"))

    # Gauges against the folder: the edge's disk gauges at the end (scraped once the load stopped)
    # against a walk of its disk folder (regular files named after a hash, links not followed).
    for node in ("edge", "parent"):
        metrics = os.path.join(out, "%s-metrics-end.txt" % node)
        folder = os.path.join(out, "run", "%s-disk" % node)
        if not os.path.exists(metrics) or not os.path.isdir(folder):
            continue
        gauges = {}
        with open(metrics) as f:
            for line in f:
                for name in ("edge_cache_bytes", "edge_cache_entries"):
                    if line.startswith(name + "{") and 'tier="disk"' in line:
                        gauges[name] = float(line.split()[-1])
        entries = size = 0
        for dirpath, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(dirpath, name)
                if len(name) == 64 and not os.path.islink(path) and os.path.isfile(path):
                    entries += 1
                    size += os.path.getsize(path)
        say("%s disk gauges at the end: %d entries, %d bytes; folder: %d entries, %d bytes"
            % (node, gauges.get("edge_cache_entries", -1), gauges.get("edge_cache_bytes", -1), entries, size))
        if gauges.get("edge_cache_entries") != entries or gauges.get("edge_cache_bytes") != size:
            failed.append("%s disk gauges differ from its folder" % node)

    # 3. errors outside faults
    windows = [(float(f["start"]), float(f["end"]) + args.grace, f["kind"]) for f in faults]
    say("faults injected: %s" % ", ".join(
        "%s %d" % (kind, sum(1 for w in windows if w[2] == kind)) for kind in sorted({w[2] for w in windows})))
    inside = {}
    outside = []
    for e in errors:
        t = float(e["t"])
        hit = next((w for w in windows if w[0] <= t <= w[1]), None)
        if hit:
            inside[hit[2]] = inside.get(hit[2], 0) + 1
        else:
            outside.append(e)
    say("errors during faults: %s" % (", ".join("%s %d" % kv for kv in sorted(inside.items())) or "none"))
    kinds = {}
    for e in errors:
        kinds[e["kind"] + " " + e["detail"]] = kinds.get(e["kind"] + " " + e["detail"], 0) + 1
    if kinds:
        say("errors by kind: %s" % ", ".join("%s: %d" % kv for kv in sorted(kinds.items())))
    say("errors outside faults (+%.0f s grace): %d" % (args.grace, len(outside)))
    for e in outside[:10]:
        say("  t=%s %s %s %s" % (e["t"], e["kind"], e["detail"], e["path"]))
    if outside:
        failed.append("%d error answers outside the injected faults" % len(outside))

    # 4. purges
    authed = [p for p in purges if p["kind"] in ("exact", "prefix")]
    bad = [p for p in authed if p["status"] != "200"]
    unauth = [p for p in purges if p["kind"] == "unauthenticated"]
    say("purges: %d with the token (%d not 200), %d without (%s)"
        % (len(authed), len(bad), len(unauth), ", ".join(sorted({p["status"] for p in unauth})) or "none"))
    if bad or any(p["status"] != "401" for p in unauth):
        failed.append("purge answers not as expected")

    say("RESULT: " + ("PASS" if not failed else "FAIL: " + "; ".join(failed)))
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
