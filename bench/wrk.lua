-- wrk script for bench/load.py. Prints wrk's figures as one JSON line, and when BENCH_BODY is
-- set sends POSTs whose body has BENCHN replaced by a number unique to each request (and
-- BENCHL by the same number in letters), so no two submissions are identical, and each comes
-- from its own client address.
local body = os.getenv("BENCH_BODY")
-- A number of its own for every wrk run, so that no run repeats an earlier run's submissions
-- (the site takes a repeat within minutes as a double submission and stores nothing).
local run = tonumber(os.getenv("BENCH_RUN") or "0")
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local function letters(digits)
  return (digits:gsub("%d", function(d) return string.char(97 + tonumber(d)) end))
end

function request()
  if not body then
    return wrk.request()
  end
  counter = counter + 1
  local number = string.format("%.0f", run * 1e9 + thread_number * 1e7 + counter)
  local text = body:gsub("BENCHN", number):gsub("BENCHL", letters(number))
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  -- A different patient each time, as the production proxy reports them.
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_number, math.floor(counter / 250) % 250,
    counter % 250 + 1)
  return wrk.format("POST", nil, headers, text)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
