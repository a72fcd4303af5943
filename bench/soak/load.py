#!/usr/bin/env python3
"""Soak load generator and sampler (bench/soak, issue 15). Standard library only.

  load.py library DIR OBJECTS          make DIR with OBJECTS random-sized small segments (1-16 KiB),
                                       in 100 folders, and DIR/objects.txt listing their paths
  load.py run --edge URL --objects FILE --duration S --out DIR [--threads N] [--miss 0.05] [--zipf 1.0]
              [--sample-every 5] [--admin NAME=URL ...] [--pidfile NAME=FILE ...]
                                       drive GET traffic at the edge and sample RSS and /metrics

Traffic: each thread keeps one HTTP/1.1 keep-alive connection to the edge (reconnecting after an
error) and loops: with probability --miss a path that exists nowhere (a fresh name each time: a
real miss that must be answered 404), else an object drawn from a Zipf(--zipf) distribution over
the library's objects (rank 1 the most requested). Every answer is checked: a known object must be
200 with the length of its file, a miss must be 404; anything else (another status, a short body, a
refused or reset connection, a timeout) is an error, written to errors.csv with its time.

Output in --out: requests.csv (one row per second: t, ok, miss_404, errors, p50_ms, p99_ms, max_ms),
errors.csv (t, kind, detail, path), samples.csv (t, node, rss_kib and the metrics listed in METRICS).
Times are seconds since the run started (float), on the same clock soak.sh writes faults.csv with
(both read the wall clock; soak.sh passes its start time as --t0).
"""
import argparse
import bisect
import http.client
import os
import random
import re
import sys
import threading
import time
import urllib.request

METRICS = [
    ("netty_direct", r'^netty_allocator_memory_used_bytes\{[^}]*memory="direct"[^}]*\}\s+(\S+)'),
    ("jvm_direct", r'^jvm_buffer_memory_used_bytes\{[^}]*id="direct"[^}]*\}\s+(\S+)'),
    ("heap_used", None),  # summed below: jvm_memory_used_bytes{area="heap",...}
    ("disk_bytes", r'^edge_cache_bytes\{[^}]*tier="disk"[^}]*\}\s+(\S+)'),
    ("disk_entries", r'^edge_cache_entries\{[^}]*tier="disk"[^}]*\}\s+(\S+)'),
    ("memory_bytes", r'^edge_cache_bytes\{[^}]*tier="memory"[^}]*\}\s+(\S+)'),
    ("disk_errors", None),  # summed below: edge_cache_disk_errors_total{reason=...}
    ("connections", r'^edge_connections_active\s+(\S+)'),
]


def make_library(root, count):
    rng = random.Random(15)
    paths = []
    for i in range(count):
        rel = "/soak/f%02d/seg_%05d.ts" % (i % 100, i)
        full = os.path.join(root, rel.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        size = rng.randint(1024, 16 * 1024)
        with open(full, "wb") as f:
            f.write(rng.randbytes(size))
        paths.append((rel, size))
    with open(os.path.join(root, "objects.txt"), "w") as f:
        for rel, size in paths:
            f.write("%s %d\n" % (rel, size))


class Zipf:
    """Ranks 1..n with probability proportional to 1/rank^s, drawn by bisecting the cumulative weights."""

    def __init__(self, n, s, rng):
        total = 0.0
        self.cumulative = []
        for rank in range(1, n + 1):
            total += 1.0 / rank ** s
            self.cumulative.append(total)
        self.total = total
        self.rng = rng

    def draw(self):
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.total)


class Stats:
    def __init__(self, t0):
        self.t0 = t0
        self.lock = threading.Lock()
        self.seconds = {}
        self.errors = []

    def record(self, ok, miss, latency, error=None, path=""):
        now = time.time() - self.t0
        with self.lock:
            row = self.seconds.setdefault(int(now), [0, 0, 0, []])
            if error:
                row[2] += 1
                self.errors.append((now, error[0], error[1], path))
            elif miss:
                row[1] += 1
            else:
                row[0] += 1
            row[3].append(latency)


def worker(host, port, objects, zipf, miss_share, stats, deadline, seed):
    rng = random.Random(seed)
    conn = None
    misses = 0
    while time.time() < deadline:
        if rng.random() < miss_share:
            misses += 1
            path, size, miss = "/soak/missing/%d-%d.ts" % (seed, misses), None, True
        else:
            path, size = objects[zipf.draw()]
            miss = False
        started = time.time()
        error = None
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=15)
            conn.request("GET", path)
            answer = conn.getresponse()
            body = answer.read()
            if miss and answer.status != 404:
                error = ("status", str(answer.status))
            elif not miss and answer.status != 200:
                error = ("status", str(answer.status))
            elif not miss and len(body) != size:
                error = ("length", "%d of %d" % (len(body), size))
            if answer.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # refused, reset, timeout, malformed: all errors of the answer
            error = ("connection", type(e).__name__)
            if conn is not None:
                conn.close()
            conn = None
        stats.record(error is None, miss, (time.time() - started) * 1000.0, error, path)
        if error and error[0] == "connection":
            time.sleep(0.05)  # do not spin on a refused connection
    if conn is not None:
        conn.close()


def scrape(url):
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=5) as answer:
            text = answer.read().decode("utf-8", "replace")
    except Exception:
        return None
    values = {}
    for name, pattern in METRICS:
        if pattern is None:
            continue
        m = re.search(pattern, text, re.MULTILINE)
        values[name] = float(m.group(1)) if m else ""
    heap = [float(v) for v in re.findall(r'^jvm_memory_used_bytes\{[^}]*area="heap"[^}]*\}\s+(\S+)', text, re.MULTILINE)]
    values["heap_used"] = sum(heap) if heap else ""
    errs = [float(v) for v in re.findall(r'^edge_cache_disk_errors_total\{[^}]*\}\s+(\S+)', text, re.MULTILINE)]
    values["disk_errors"] = sum(errs) if errs else ""
    return values


def rss_kib(pidfile):
    try:
        with open(pidfile) as f:
            pid = f.read().strip()
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return ""
    return ""


def sampler(admins, pidfiles, every, t0, deadline, out):
    names = sorted(set(admins) | set(pidfiles))
    with open(os.path.join(out, "samples.csv"), "w") as f:
        f.write("t,node,rss_kib," + ",".join(name for name, _ in METRICS) + "\n")
        while time.time() < deadline:
            now = time.time() - t0
            for node in names:
                values = scrape(admins[node]) if node in admins else None
                rss = rss_kib(pidfiles[node]) if node in pidfiles else ""
                row = [("%.1f" % now), node, str(rss)]
                row += [("" if values is None else str(values.get(name, ""))) for name, _ in METRICS]
                f.write(",".join(row) + "\n")
            f.flush()
            time.sleep(every)


def percentile(sorted_values, share):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def run(args):
    objects = []
    with open(args.objects) as f:
        for line in f:
            rel, size = line.split()
            objects.append((rel, int(size)))
    rng = random.Random(args.seed)
    order = list(range(len(objects)))
    rng.shuffle(order)  # popularity not tied to the file order
    objects = [objects[i] for i in order]
    edge = urllib.request.urlparse(args.edge)
    t0 = args.t0 or time.time()
    deadline = time.time() + args.duration
    stats = Stats(t0)
    admins = dict(item.split("=", 1) for item in args.admin)
    pidfiles = dict(item.split("=", 1) for item in args.pidfile)
    threads = [threading.Thread(target=sampler, args=(admins, pidfiles, args.sample_every, t0, deadline, args.out), daemon=True)]
    for i in range(args.threads):
        zipf = Zipf(len(objects), args.zipf, random.Random(args.seed * 1000 + i))
        threads.append(threading.Thread(
            target=worker,
            args=(edge.hostname, edge.port, objects, zipf, args.miss, stats, deadline, args.seed * 1000 + i)))
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join()
    threads[0].join(timeout=args.sample_every + 10)
    with open(os.path.join(args.out, "requests.csv"), "w") as f:
        f.write("t,ok,miss_404,errors,p50_ms,p99_ms,max_ms\n")
        for second in sorted(stats.seconds):
            ok, miss, errors, latencies = stats.seconds[second]
            latencies.sort()
            f.write("%d,%d,%d,%d,%.2f,%.2f,%.2f\n" % (
                second, ok, miss, errors, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies[-1]))
    with open(os.path.join(args.out, "errors.csv"), "w") as f:
        f.write("t,kind,detail,path\n")
        for t, kind, detail, path in stats.errors:
            f.write("%.3f,%s,%s,%s\n" % (t, kind, detail, path))
    total = sum(row[0] + row[1] + row[2] for row in stats.seconds.values())
    print("load: %d requests, %d errors" % (total, len(stats.errors)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    lib = sub.add_parser("library")
    lib.add_argument("dir")
    lib.add_argument("count", type=int)
    r = sub.add_parser("run")
    r.add_argument("--edge", required=True)
    r.add_argument("--objects", required=True)
    r.add_argument("--duration", type=float, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--threads", type=int, default=8)
    r.add_argument("--miss", type=float, default=0.05)
    r.add_argument("--zipf", type=float, default=1.0)
    r.add_argument("--seed", type=int, default=15)
    r.add_argument("--sample-every", type=float, default=5.0)
    r.add_argument("--t0", type=float, default=0.0)
    r.add_argument("--admin", action="append", default=[])
    r.add_argument("--pidfile", action="append", default=[])
    args = parser.parse_args()
    if args.command == "library":
        make_library(args.dir, args.count)
    else:
        run(args)


if __name__ == "__main__":
    sys.exit(main())
