-- wrk script for bench/load/compare.sh.
--
-- Without WRK_PATHS, wrk sends its one static request (the URL on its command line), the
-- cheapest thing wrk can do. With WRK_PATHS=<file> (one "path?query" a line, already signed for
-- the server under test), each request takes the next line, round-robin: with -t1 every path is
-- asked for once per pass, in file order. The requests are formatted once, in init, so the Lua
-- cost per request is a table lookup.
--
-- done() prints one machine-readable line that compare.sh parses (wrk's own summary rounds and
-- changes units):
--   RESULT requests=N bytes=N duration_us=N p50_us=N p99_us=N connect=N read=N write=N status=N timeout=N
-- "status" counts answers that were not 2xx/3xx (a 403 from a bad signature shows up there).

local paths_file = os.getenv("WRK_PATHS")

if paths_file and paths_file ~= "" then
  local reqs, n, i = {}, 0, 0

  function init(args)
    for line in io.lines(paths_file) do
      if line ~= "" then
        n = n + 1
        reqs[n] = wrk.format("GET", line)
      end
    end
    assert(n > 0, "no paths in " .. paths_file)
  end

  function request()
    i = i % n + 1
    return reqs[i]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.bytes, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
