# Markdown tables from the per-run CSV of bench/load/compare.sh (one line per measured run).
#
#   awk -F, -v noisy=30 -v wrkbound=95 -f bench/load/table.awk bench/load/out/results-<time>.csv
#
# Columns are found by their names in the header, so a CSV of an older compare.sh (no suite, server
# ours/nginx only, no access-log counts) still prints: its runs are taken as suite "origin".
#
# For each suite: one line per setting, row, connection count and server, each value the mean over
# that server's rounds (RSS the largest; requests per server CPU-second is total requests over total
# CPU seconds); then the ratios per row: ours / nginx and ours / varnish (above 1 is ours ahead for
# req/s and req per CPU-s, behind for p99), ours-b / ours (above 1 is the variant ahead). A server is
# "wrk-bound" when wrk used at least wrkbound % of its core in that server's runs: then the row
# measures the client as much as the server.

function v(name) { return (name in col) ? $(col[name]) : "" }
function num(x) { return x == "" ? 0 : x + 0 }
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2f", a / b) : "-" }
function mean(k, f) { return s[k, f] / n[k] }
function rpc(k) { return cpu[k] > 0 ? req[k] / cpu[k] : 0 }
function pct(a, b) { return b > 0 ? 100 * a / b : 0 }

BEGIN {
  FS = ","
  if (noisy == "") noisy = 30
  if (wrkbound == "") wrkbound = 95
  nsrv = split("ours ours-b nginx varnish", srv, " ")
  desc["origin"] = "our origin (library on local disk; small files from the memory tier, segments with sendfile) against nginx serving the same files. Tokens: ours EdgeAuth HMAC-SHA256, nginx secure_link MD5."
  desc["edge"] = "edges in front of one backend (nginx serving the library, no tokens), every measured request a cache hit once warm: ours (2 GiB memory tier), nginx proxy_cache (cache files on disk, served from the page cache with sendfile), Varnish (malloc storage). Tokens checked where the peer can: ours and nginx check theirs on every request; Varnish cannot (no HMAC or MD5 secure_link without extra vmods), gets nginx's signed URLs unchecked and drops the query before hashing."
  desc["edge-disk"] = "edges whose catalogue is about ten times our memory tier: ours with a 128 MiB memory tier and a disk tier holding every file (most requests are disk-tier hits, promoted into memory), against nginx proxy_cache with the same files in its disk cache. Round-robin over the files, all warmed once through each edge."
}

NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }

{
  suite = v("suite"); if (suite == "") suite = "origin"
  g = suite SUBSEP v("setting") SUBSEP v("row") SUBSEP v("conns")
  if (!(suite in sseen)) { sseen[suite] = 1; suites[++ns] = suite }
  if (!(g in gseen)) { gseen[g] = 1; groups[suite, ++ng[suite]] = g }
  server = v("server"); present[suite, server] = 1
  k = g SUBSEP server
  n[k]++
  s[k, "rps"] += num(v("req_per_s")); s[k, "mbs"] += num(v("MB_per_s"))
  s[k, "p50"] += num(v("p50_ms")); s[k, "p99"] += num(v("p99_ms"))
  s[k, "cpupct"] += num(v("server_cpu_pct")); s[k, "wrkpct"] += num(v("wrk_cpu_pct")); s[k, "other"] += num(v("other_cpu_pct"))
  s[k, "scs"] += num(v("server_syscalls_per_req")); s[k, "scw"] += num(v("wrk_syscalls_per_req"))
  s[k, "gcn"] += num(v("gc_pauses")); s[k, "gcms"] += num(v("gc_pause_ms"))
  if (num(v("gc_pause_max_ms")) > gcmax[k]) gcmax[k] = num(v("gc_pause_max_ms"))
  if (num(v("server_syscalls_per_req")) > 0) syscalls = 1
  req[k] += num(v("requests")); cpu[k] += num(v("server_cpu_s"))
  if (num(v("rss_MB")) > rss[k]) rss[k] = num(v("rss_MB"))
  if (num(v("other_cpu_pct")) > othermax[k]) othermax[k] = num(v("other_cpu_pct"))
  bad[k] += num(v("errors")) + num(v("status_errors"))
  if (v("log_lines") != "") { haslog[k] = 1; lines[k] += v("log_lines"); hits[k] += num(v("log_hits")); disk[k] += num(v("log_disk_hits")) }
  if (v("counted_hits") != "") { hascount[k] = 1; chits[k] += v("counted_hits"); cdisk[k] += num(v("counted_disk_hits")); clook[k] += num(v("counted_requests")) }
  if (v("upstream_requests") != "") { hasup[k] = 1; up[k] += v("upstream_requests") }
}

END {
  for (si = 1; si <= ns; si++) {
    suite = suites[si]
    edge = suite != "origin"
    print "### " suite
    print ""
    print (suite in desc) ? desc[suite] : ""
    print ""
    printf "| setting | content | conns | server | req/s | MB/s | p50 ms | p99 ms | req per srv CPU-s | srv CPU %% | wrk CPU %% | other CPU %% | RSS MB | %saccess lines %% of req |%s notes |\n",
      edge ? "hits % (disk %) | " : "", syscalls ? " syscalls per req srv / wrk |" : ""
    printf "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | %s---: |%s --- |\n", edge ? "---: | " : "", syscalls ? " ---: |" : ""
    for (gi = 1; gi <= ng[suite]; gi++) {
      g = groups[suite, gi]; split(g, key, SUBSEP)
      for (j = 1; j <= nsrv; j++) {
        k = g SUBSEP srv[j]
        if (!(k in n)) continue
        note = ""
        if (mean(k, "wrkpct") >= wrkbound) note = note sprintf("wrk-bound (%.0f%%); ", mean(k, "wrkpct"))
        if (bad[k]) note = note "ERRORS " bad[k] "; "
        if (othermax[k] > noisy) note = note sprintf("noisy: other jobs up to %.0f%%; ", othermax[k])
        if (hasup[k] && up[k] > 0) note = note "upstream requests " up[k] "; "
        if (edge && hascount[k] && haslog[k] && lines[k] > 0 && clook[k] > 0 && (pct(chits[k], clook[k]) - pct(hits[k], lines[k]) > 1 || pct(hits[k], lines[k]) - pct(chits[k], clook[k]) > 1))
          note = note sprintf("own counters: %.1f%% hits; ", pct(chits[k], clook[k]))
        if (srv[j] ~ /^ours/) note = note sprintf("GC %.0f, %.1f ms, max %.1f; ", mean(k, "gcn"), mean(k, "gcms"), gcmax[k])
        hitcell = ""
        if (edge) {
          if (haslog[k] && lines[k] > 0) {
            hitcell = sprintf("%.1f", pct(hits[k], lines[k]))
            if (disk[k] > 0) hitcell = hitcell sprintf(" (%.0f)", pct(disk[k], lines[k]))
          } else if (hascount[k] && clook[k] > 0) { # no access lines (log off): the server's own counters
            hitcell = sprintf("%.1f", pct(chits[k], clook[k]))
            if (cdisk[k] > 0) hitcell = hitcell sprintf(" (%.0f)", pct(cdisk[k], clook[k]))
            note = note "hits from its own counters; "
          } else hitcell = "-"
          hitcell = hitcell " | "
        }
        sub(/; $/, "", note)
        printf "| %s | %s | %d | %s | %.0f | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %s%s |%s %s |\n",
          key[2], key[3], key[4], srv[j], mean(k, "rps"), mean(k, "mbs"), mean(k, "p50"), mean(k, "p99"), rpc(k),
          mean(k, "cpupct"), mean(k, "wrkpct"), mean(k, "other"), rss[k], hitcell,
          haslog[k] ? sprintf("%.0f", pct(lines[k], req[k])) : "-",
          syscalls ? sprintf(" %.1f / %.1f |", mean(k, "scs"), mean(k, "scw")) : "", note
      }
    }
    # Ratios: the pairs this suite has.
    np = 0
    if (present[suite, "ours"] && present[suite, "nginx"]) { pa[++np] = "ours"; pb[np] = "nginx" }
    if (present[suite, "ours"] && present[suite, "varnish"]) { pa[++np] = "ours"; pb[np] = "varnish" }
    if (present[suite, "ours"] && present[suite, "ours-b"]) { pa[++np] = "ours-b"; pb[np] = "ours" }
    if (!np) { print ""; continue }
    print ""
    head = "| setting | content | conns |"; rule = "| --- | --- | ---: |"
    split("req/s|req per CPU-s|p99", mname, "|")
    for (m = 1; m <= 3; m++) for (p = 1; p <= np; p++) { head = head " " mname[m] " " pa[p] "/" pb[p] " |"; rule = rule " ---: |" }
    print head " wrk-bound |"; print rule " --- |"
    for (gi = 1; gi <= ng[suite]; gi++) {
      g = groups[suite, gi]; split(g, key, SUBSEP)
      line = sprintf("| %s | %s | %d |", key[2], key[3], key[4])
      for (m = 1; m <= 3; m++) for (p = 1; p <= np; p++) {
        a = g SUBSEP pa[p]; b = g SUBSEP pb[p]
        if (!(a in n) || !(b in n)) { line = line " - |"; continue }
        if (m == 1) line = line " " ratio(mean(a, "rps"), mean(b, "rps")) " |"
        else if (m == 2) line = line " " ratio(rpc(a), rpc(b)) " |"
        else line = line " " ratio(mean(a, "p99"), mean(b, "p99")) " |"
      }
      bound = ""
      for (j = 1; j <= nsrv; j++) { k = g SUBSEP srv[j]; if ((k in n) && mean(k, "wrkpct") >= wrkbound) bound = bound (bound == "" ? "" : ", ") srv[j] }
      print line " " (bound == "" ? "no" : bound) " |"
    }
    print ""
  }
}
