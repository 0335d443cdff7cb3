-- wrk script: POSTs pre-signed bodies, cycling through a file written by gen_bodies.py.
--   BENCH_FILE=single.txt BENCH_THREADS=2 [BENCH_RATE=2000] [BENCH_OFFSET=0] [BENCH_LABEL=x] \
--     wrk -t2 -c64 -d10s -s post.lua http://127.0.0.1:PORT/webhooks/meta
-- (Settings come from the environment because wrk decides whether delay() exists before init() runs,
-- and done() runs in a Lua state that never sees init()'s arguments.)
-- BENCH_FILE    lines "sha256=<hex>\t<body>"; thread i takes every BENCH_THREADS-th line from i, so threads
--               send disjoint bodies. BENCH_THREADS must equal wrk's -t.
-- BENCH_RATE    total requests/s to pace at (absent or 0: as fast as possible). Pacing uses delay() against a
--               per-thread schedule of evenly spaced slots, so the achieved rate does not drift with latency.
-- BENCH_OFFSET  where in its slice each thread starts (successive runs send different bodies first).
-- BENCH_LABEL   copied into the result line.
-- BENCH_PORTS   comma-separated ports of app instances on the URL's host (absent: the URL's own): thread i sends to
--               the (i mod n)-th, so each instance gets the same number of threads and connections, and wrk itself
--               costs what it costs against one instance.
-- done() prints one line: "RESULT {json}" with the request rate, p50/p99/p99.9/max latency (ms) and errors.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 0

local ports = {}
for port in (os.getenv("BENCH_PORTS") or ""):gmatch("%d+") do ports[#ports + 1] = port end

function setup(thread)
  thread:set("tid", counter)
  if #ports > 0 then
    thread.addr = wrk.lookup(wrk.host, ports[(counter % #ports) + 1])[1]
  end
  counter = counter + 1
end

local requests = {}
local index = 1
local interval = 0
local next_slot = nil

local rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1") or 1

function init(args)
  local file = os.getenv("BENCH_FILE") or error("BENCH_FILE is not set")
  local offset = tonumber(os.getenv("BENCH_OFFSET") or "0") or 0
  local path = wrk.path
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == tid then
      local tab = line:find("\t", 1, true)
      local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
      requests[#requests + 1] = wrk.format("POST", path,
        { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = sig }, body)
    end
    n = n + 1
  end
  if #requests == 0 then error("no bodies for thread " .. tid .. " in " .. file) end
  index = (offset % #requests) + 1
  if rate > 0 then interval = 1000.0 * nthreads / rate end
end

function request()
  local r = requests[index]
  index = index + 1
  if index > #requests then index = 1 end
  return r
end

if rate > 0 then
  -- Defined only when pacing: wrk schedules every request through a timer once delay() exists.
  function delay()
    local t = now_ms()
    if next_slot == nil or next_slot < t - 1000 then next_slot = t end
    local slot = next_slot
    next_slot = next_slot + interval
    local wait = slot - t
    if wait < 0 then return 0 end
    return math.floor(wait)
  end
end

function done(summary, latency, requests_)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local label = os.getenv("BENCH_LABEL") or ""
  io.write(string.format(
    'RESULT {"label":"%s","requests":%d,"seconds":%.3f,"rps":%.1f,"bytes":%d,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    label, summary.requests, secs, summary.requests / secs, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
