-- post.lua — POST /api/v1/requests: create requests, the subject varied a
-- little from one request to the next.
--
-- usage: [BENCH_CODES=FILE] wrk -s post.lua URL -- TOKEN
--   TOKEN        bearer token of an agent
--   BENCH_CODES  when set, the code of every acknowledged create (201) is
--                appended to FILE.<thread>, one a line, flushed at once:
--                the durability check replays them after a kill -9.  An
--                environment variable rather than an argument because wrk
--                decides whether to parse response bodies from the script's
--                top level, before init() sees any argument.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
end

local subjects = {
   "Lỗi đăng nhập",
   "Không ký số được hồ sơ",
   "Hộp thư công vụ bị đầy",
   "Không nhận được thư thông báo",
}
local units = { "0010", "0110", "0010-HK" }
local n = 0

local codes_file = os.getenv("BENCH_CODES")
if codes_file == "" then codes_file = nil end
local codes

function init(args)
   token = args[1]
   if not token then
      error("usage: [BENCH_CODES=FILE] wrk -s post.lua URL -- TOKEN")
   end
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }
   if codes_file then
      codes = assert(io.open(codes_file .. "." .. (id or 0), "a"))
   end
end

-- Only a logging run defines the hook: with it wrk parses every body.
if codes_file then
   function response(status, hdrs, body)
      if status == 201 then
         local code = body:match('"code":"(SD%d+%-%d+)"')
         if code then
            codes:write(code, "\n")
            codes:flush()
         end
      end
   end
end

function request()
   n = n + 1
   local body = string.format(
      '{"unit":"%s","service":"DVC","subject":"%s (%d-%d)",' ..
      '"description":"Đơn vị không thao tác được trên hệ thống, đề nghị hỗ trợ.",' ..
      '"requester":{"name":"Trần Thị Bình","email":"binh@example.gov.vn","phone":"0912345678"}}',
      units[n % #units + 1], subjects[n % #subjects + 1], id or 0, n)
   return wrk.format("POST", "/api/v1/requests", headers, body)
end
