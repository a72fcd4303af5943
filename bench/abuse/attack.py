#!/usr/bin/env python3
"""The attacks of issue 15, run as the issue describes them, against a running edge (bench/, not CI).

For each attack: the edge's RSS before and at the end of the attack (from /proc), the time another
viewer waits for a cached segment and for /metrics while the attack holds (median and worst of 10), and
the diagnostic lines the edge logged meanwhile (its access log, one JSON line per request, is not
counted). Stdlib only; the HTTP/2 attack needs Debian's python3-h2.

Usage: attack.py EDGE_PORT ADMIN_PORT EDGE_PID EDGE_LOG http1|h2
  http1: the HTTP/1.1 attacks against a plaintext edge; h2: the HTTP/2 window-0 attack (EDGE_PORT is TLS)
"""
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

HOST = "127.0.0.1"
EDGE, ADMIN, PID, LOG = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
MODE = sys.argv[5]
TLS_CONTEXT = ssl.create_default_context()
TLS_CONTEXT.check_hostname = False
TLS_CONTEXT.verify_mode = ssl.CERT_NONE
HERE = os.path.dirname(os.path.abspath(__file__))


def rss_mib():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def log_lines():
    """Diagnostic lines, not access-log lines (JSON objects, one per request, as nginx writes too)."""
    with open(LOG, errors="replace") as log:
        return sum(1 for line in log if not line.startswith("{"))


def timed_get(port, path):
    start = time.monotonic()
    try:
        with socket.create_connection((HOST, port), timeout=10) as raw:
            s = TLS_CONTEXT.wrap_socket(raw, server_hostname="localhost") if MODE == "h2" and port == EDGE else raw
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return time.monotonic() - start, ok


def others():
    segment = [timed_get(EDGE, "/seg.ts") for _ in range(10)]
    metrics = [timed_get(ADMIN, "/metrics") for _ in range(3)]
    seconds = [t for t, _ in segment]
    return {
        "segment_p50_ms": round(statistics.median(seconds) * 1000, 1),
        "segment_max_ms": round(max(seconds) * 1000, 1),
        "segment_ok": sum(ok for _, ok in segment),
        "metrics_max_ms": round(max(t for t, _ in metrics) * 1000, 1),
        "metrics_ok": sum(ok for _, ok in metrics),
    }


def run(name, attack, hold=15):
    timed_get(EDGE, "/seg.ts")  # cached before the attack
    rss0, lines0 = rss_mib(), log_lines()
    peak = [rss0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mib())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    held = attack()
    time.sleep(hold)
    seen = others()
    rss1 = rss_mib()
    stop.set()
    for s in held or []:
        try:
            s.close()
        except OSError:
            pass
    result = {"attack": name, "rss_before_mib": round(rss0), "rss_end_mib": round(rss1),
              "rss_peak_growth_mib": round(peak[0] - rss0), "log_lines": log_lines() - lines0, **seen}
    print(result, flush=True)
    time.sleep(3)
    return result


def non_readers():
    held = []
    for _ in range(20):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((HOST, EDGE))
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        held.append(s)
    return held


def h2_window_zero():
    subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "../../origin-server/src/test/resources/abuse/h2_window_zero.py"),
                      str(EDGE), "/big.bin", "20", "17"], stdout=subprocess.DEVNULL)
    return []


def bodies():
    held = []
    for _ in range(600):
        try:
            s = socket.create_connection((HOST, EDGE), timeout=5)
            s.sendall(b"GET /seg.ts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 65536)
            held.append(s)
        except OSError:
            pass
    return held


def slowloris():
    held = []
    for _ in range(200):
        s = socket.create_connection((HOST, EDGE))
        s.sendall(b"GET /seg.ts HTTP/1.1\r\n")
        held.append(s)

    def drip():
        for _ in range(6):
            time.sleep(5)
            for s in held:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
    threading.Thread(target=drip, daemon=True).start()
    return held


def descriptors():
    held = []
    for _ in range(1500):
        try:
            held.append(socket.create_connection((HOST, EDGE), timeout=2))
        except OSError:
            break
    return held


def readyz():
    with socket.create_connection((HOST, ADMIN), timeout=5) as s:
        s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return s.recv(64).split(b"\r\n")[0].decode()


if MODE == "h2":
    run("one HTTP/2 connection, window 0, 20 streams of a 40 MB pass-through", h2_window_zero)
    sys.exit(0)
results = [run("20 HTTP/1.1 non-readers of a 40 MB pass-through", non_readers)]
results.append(run("600 connections with 1 MB GET bodies", bodies, hold=5))
results.append(run("200 slowloris connections, a byte every 5 s", slowloris, hold=32))
held = descriptors()
print({"descriptors": len(held), "readyz_while_full": readyz()}, flush=True)
for s in held:
    s.close()
time.sleep(3)
results.append(run("1,500 connections against the descriptor limit", descriptors, hold=5))
print({"readyz_after": readyz()})
