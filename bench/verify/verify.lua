-- verify.lua — POST /api/v1/verify: the public check, cycling through the
-- three answers a stranger can get — a genuine code and requester, the
-- same code with a wrong requester, a code never issued — each with a
-- contact to look up in the registry.
--
-- usage: wrk -s verify.lua URL -- CODE   (CODE: a request filed from 0912345678)

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local bodies = {}
local n = 0

function init(args)
   local code = args[1]
   local guess = code:sub(1, 9) .. "999999"
   bodies = {
      string.format('{"code":"%s","requester":"0912 345 678","contact":"024 6276 4300 máy lẻ 88617"}', code),
      string.format('{"code":"%s","requester":"0987654321","contact":"0988111222"}', code),
      string.format('{"code":"%s","requester":"0987654321","contact":"hotrocntt@vst.gov.vn"}', guess),
   }
end

function request()
   n = n + 1
   return wrk.format("POST", "/api/v1/verify", { ["Content-Type"] = "application/json" },
                     bodies[(n % #bodies) + 1])
end
