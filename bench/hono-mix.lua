-- The Hono app scenario (bench/servers/hono-app.ts): wrk cycles through 16 requests to 14 of
-- its routes, reads and writes about 3:1 as a JSON API sees them: path params, query strings,
-- JSON bodies (POST, PUT), a 204. Every answer is 2xx: wrk counts any other as an error.
-- By hand: taskset -c 1 wrk -t1 -c64 -d5s -s bench/hono-mix.lua http://127.0.0.1:8000/
dofile((debug.getinfo(1, 'S').source:match('^@(.*/)') or './') .. 'wrk-report.lua') -- WRK_JSON for bench/run.ts

local mix = {
  { 'GET', '/api/users/42' },
  { 'GET', '/api/posts?limit=10&offset=20' },
  { 'GET', '/api/products/SKU-0007' },
  { 'POST', '/api/users', '{"name":"Ada Lovelace","email":"ada@example.com"}' },
  { 'GET', '/api/posts/17/comments' },
  { 'GET', '/api/search?q=number%201' },
  { 'GET', '/health' },
  { 'GET', '/api/users/7/posts' },
  { 'POST', '/api/orders', '{"items":[{"sku":"SKU-0003","quantity":2},{"sku":"SKU-0011","quantity":1}]}' },
  { 'GET', '/api/categories/games/products' },
  { 'GET', '/api/orders/123' },
  { 'PUT', '/api/users/42', '{"name":"Ada"}' },
  { 'GET', '/' },
  { 'DELETE', '/api/users/99' },
  { 'POST', '/api/posts/17/comments', '{"author":"Ada","text":"Nice post"}' },
  { 'GET', '/api/users?limit=5' },
}

local requests = {}
init = function(args)
  for i, r in ipairs(mix) do
    local headers = r[3] and { ['Content-Type'] = 'application/json' } or nil
    requests[i] = wrk.format(r[1], r[2], headers, r[3])
  end
end
local next = 0
request = function()
  next = next % #requests + 1
  return requests[next]
end
