-- TechEmpower's "plaintext" test: 16 keep-alive GETs written per call (wrk waits for the 16
-- answers before writing the next batch), with TechEmpower's request headers.
-- By hand: taskset -c 1 wrk -t1 -c64 -d5s -s bench/pipeline.lua http://127.0.0.1:8000/plaintext -- 16
dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'wrk-report.lua') -- WRK_JSON for bench/run.ts

wrk.headers['Accept'] = 'text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7'
wrk.headers['Connection'] = 'keep-alive'

local batch
init = function(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do requests[i] = wrk.format() end
  batch = table.concat(requests)
end
request = function() return batch end
