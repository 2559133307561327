-- get.lua — wrk: GET one request by code, authenticated by the AUTH_HEADER
-- and AUTH_VALUE environment variables (a bearer token or a session cookie).
wrk.method = "GET"
wrk.path = "/api/v1/requests/" .. (os.getenv("CODE") or "SD000000-000000")
wrk.headers[os.getenv("AUTH_HEADER") or "Authorization"] = os.getenv("AUTH_VALUE") or ""

local bad = 0
function response(status, headers, body)
	if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
	io.write(string.format("non200 %d\n", bad))
end
