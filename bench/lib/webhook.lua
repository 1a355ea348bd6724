-- wrk script for bench/webhook.ts: POSTs the pre-signed webhooks of BENCH_REQUESTS (one
-- "signature<TAB>body" line each), starting at line BENCH_OFFSET, each thread on its own slice.
-- done() prints one JSON line (prefixed "BENCH_JSON ") with the counts and latency percentiles (us).

local lines = {}
local file = assert(io.open(os.getenv("BENCH_REQUESTS"), "r"))
for line in file:lines() do
  local tab = line:find("\t", 1, true)
  lines[#lines + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
end
file:close()

local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local n = #lines
  local per = math.floor(n / math.max(1, tonumber(os.getenv("BENCH_THREADS") or "1")))
  first = offset + id * per
  sent = 0
  wrapped = 0
  total = n
end

function request()
  local i = first + sent
  sent = sent + 1
  if i >= total then
    wrapped = 1
    i = i % total
  end
  local entry = lines[i + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = entry[1],
  }, entry[2])
end

function done(summary, latency, requests)
  local sent_total, wrapped_any = 0, 0
  for _, thread in ipairs(threads) do
    sent_total = sent_total + (thread:get("sent") or 0)
    wrapped_any = math.max(wrapped_any, thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"sent":%d,"wrapped":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, sent_total, wrapped_any,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
