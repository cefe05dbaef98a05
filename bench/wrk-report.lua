-- Prints wrk's exact totals as one JSON line after the human summary; bench/run.ts parses it.
-- Loaded with -s for the scenarios that need no other script; the other scripts (post-4k.lua,
-- pipeline.lua, hono-mix.lua) load it with dofile, from their own directory (wrk takes one -s).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"bytes":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
