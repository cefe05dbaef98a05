-- POST /post with a 4 KiB body (wrk adds Content-Length); the app answers "4096".
-- By hand: taskset -c 1 wrk -t1 -c64 -d5s -s bench/post-4k.lua http://127.0.0.1:8000/post
wrk.method = 'POST'
wrk.body = string.rep('a', 4096)
wrk.headers['Content-Type'] = 'application/octet-stream'

-- Exact totals for bench/run.ts, as in wrk-report.lua (wrk takes one script).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"bytes":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
