-- range.lua — wrk script of bench/pwned: GET /range/{prefix} with a random
-- 5-hex prefix per request (the same requests go to the fixed-body peer,
-- which ignores the path).  PADDING=1 in the environment adds
-- "Add-Padding: true".
math.randomseed(os.time())
local padding = os.getenv("PADDING") == "1"

request = function()
	local headers = {}
	if padding then
		headers["Add-Padding"] = "true"
	end
	return wrk.format("GET", string.format("/range/%05X", math.random(0, 1048575)), headers)
end

done = function(summary, latency, requests)
	io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f\n",
		summary.requests,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.errors.status, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
