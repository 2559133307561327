-- report.lua — the summary every benchmark script of bench/api prints.
--
-- wrk calls done() once at the end of a run; it prints one line that
-- run.sh parses:
--   RESULT requests=N seconds=S rps=R p50_ms=A p99_ms=B status_errors=E socket_errors=K
-- status_errors counts responses with a status of 400 or more (wrk's own
-- count); socket_errors adds connect, read, write and timeout errors.
-- Loaded by verify.lua (a copy of bench/api/report.lua).

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
      "status_errors=%d socket_errors=%d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
