-- wrk script: POST /api/v1/chat with questions read from the file named by QUESTIONS.
-- MODE=distinct makes every request unique (a counter is appended, so no cache can answer);
-- MODE=repeated sends the same few questions over and over.
local questions = {}
local counter = 0
local mode = os.getenv("MODE") or "distinct"

local function escape(text)
  return (text:gsub('\\', '\\\\'):gsub('"', '\\"'))
end

init = function(args)
  for line in io.lines(os.getenv("QUESTIONS")) do
    if #line > 0 then questions[#questions + 1] = line end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  counter = math.random(1, 1000000) * 1000
end

request = function()
  counter = counter + 1
  local question = questions[(counter % #questions) + 1]
  if mode == "distinct" then question = question .. " " .. counter end
  local body = '{"question": "' .. escape(question) .. '"}'
  return wrk.format("POST", "/api/v1/chat", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local out = {requests = summary.requests, duration_us = summary.duration,
               errors = summary.errors.status + summary.errors.connect + summary.errors.read
                        + summary.errors.write + summary.errors.timeout,
               non_2xx = summary.errors.status, percentiles = {}}
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    out.percentiles[tostring(p)] = latency:percentile(p)
  end
  local parts = {}
  for p = 1, 100 do parts[#parts + 1] = tostring(latency:percentile(p - 0.5)) end
  io.write("BENCH_JSON ", string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d, "cdf_us": [%s]}\n',
    out.requests, out.duration_us, out.errors, out.non_2xx, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), table.concat(parts, ",")))
end
