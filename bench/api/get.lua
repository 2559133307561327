-- get.lua — GET /api/v1/requests/{code} for codes drawn at random among the
-- seeded ones.
--
-- usage: wrk -s get.lua URL -- TOKEN PREFIX COUNT
--   TOKEN   bearer token of an agent
--   PREFIX  code prefix of the seeded day, "SD260101"
--   COUNT   number of seeded requests: codes PREFIX-000001..COUNT

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

function init(args)
   token, prefix, count = args[1], args[2], tonumber(args[3])
   if not token or not prefix or not count then
      error("usage: wrk -s get.lua URL -- TOKEN PREFIX COUNT")
   end
   math.randomseed(os.time() * 100 + (id or 0))
   headers = { ["Authorization"] = "Bearer " .. token }
end

function request()
   local path = string.format("/api/v1/requests/%s-%06d", prefix, math.random(count))
   return wrk.format("GET", path, headers)
end
