-- login.lua — wrk: POST /api/v1/session with a fixed username and password
-- (from the USERNAME and PASSWORD environment variables); counts statuses.
local user = os.getenv("USERNAME") or "agent"
local pass = os.getenv("PASSWORD") or ""
wrk.method = "POST"
wrk.body = string.format('{"username":"%s","password":"%s"}', user, pass)
wrk.headers["Content-Type"] = "application/json"

local bad = 0
function response(status, headers, body)
	if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
	io.write(string.format("non201 %d\n", bad))
end
