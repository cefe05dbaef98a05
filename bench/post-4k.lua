-- POST /post with a 4 KiB body (wrk adds Content-Length); the app answers "4096".
-- By hand: taskset -c 1 wrk -t1 -c64 -d5s -s bench/post-4k.lua http://127.0.0.1:8000/post
dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'wrk-report.lua') -- WRK_JSON for bench/run.ts

wrk.method = 'POST'
wrk.body = string.rep('a', 4096)
wrk.headers['Content-Type'] = 'application/octet-stream'
