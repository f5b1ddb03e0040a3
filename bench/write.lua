-- bench/write.lua - wrk's durable-write load: each request POSTs one sale to the
-- URL given (the benchmark's project's sales) as the signed-in admin (session cookie and CSRF header from
-- BENCH_COOKIE and BENCH_CSRF), for a repeat customer of the imported ones, on a
-- day of the project's year, so every write is a real sale the dashboard counts.
-- Each thread formats a pool of POOL distinct random requests once, at its start,
-- and sends them in turn: the client shares the machine's two cores with the
-- server, and formatting a request in Lua per send cost it a fifth of a core.
local cookie, csrf = os.getenv("BENCH_COOKIE"), os.getenv("BENCH_CSRF")
local channels = { "direct", "distributor", "ecommerce", "partner", "retail", "telesales" }
local POOL = 20000
local pool, n = {}, 0

function setup(thread)
	thread:set("seed", math.random(1, 1000000))
end

function init(args)
	math.randomseed(seed or 1)
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Cookie"] = cookie
	wrk.headers["X-CSRF-Token"] = csrf
	for i = 1, POOL do
		local body = string.format(
			'{"date":"2026-%02d-%02d","customer":"客户%05d","product":"SKU-%02d",' ..
			'"channel":"%s","rep":"rep%02d","quantity":%d,"unit_price":%d}',
			math.random(1, 12), math.random(1, 28), math.random(0, 19999), math.random(0, 49),
			channels[math.random(1, 6)], math.random(0, 19), math.random(1, 9),
			math.random(1000, 90999))
		pool[i] = wrk.format(nil, nil, nil, body)
	end
end

function request()
	n = n % POOL + 1
	return pool[n]
end
