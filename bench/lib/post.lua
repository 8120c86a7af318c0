-- wrk script for bench/run.sh: POSTs the body in $BENCH_BODY_FILE with the headers in
-- $BENCH_HEADERS ("Name: value" lines) and prints one machine-readable summary line.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

-- BENCH_UNIQUE=1: every request's body gets its own text where the body says {{N}} (a new
-- conversation each time, say). tostring({}) differs between wrk's threads (one Lua state each).
if os.getenv("BENCH_UNIQUE") == "1" then
  local prefix, n, body = tostring({}):gsub("table: ", ""), 0, wrk.body
  function request()
    n = n + 1
    return wrk.format(nil, nil, nil, (body:gsub("{{N}}", prefix .. "-" .. n)))
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,' ..
    '"err_status":%d,"err_timeout":%d,"lat_p50_us":%d,"lat_p99_us":%d,"lat_mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
