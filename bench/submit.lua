-- wrk script: online submissions (POST /api/v1/dossiers/) with a unique Idempotency-Key
-- per request, bodies taken in turn from $BODIES (one JSON a line, from bench/prepare.py),
-- authenticated with $TOKEN. Counts the answers by status and prints them at the end.
--
--   BODIES=var/bench/x/bodies.jsonl TOKEN=... RUN=r1 \
--     wrk -t2 -c16 -d30s --latency -s bench/submit.lua http://127.0.0.1:8000

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("BODIES")) do
    bodies[#bodies + 1] = line
  end
  token = os.getenv("TOKEN")
  run = os.getenv("RUN") or tostring(os.time())
  counter = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local body = bodies[((counter * 7 + id) % #bodies) + 1]
  return wrk.format("POST", "/api/v1/dossiers/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, id, counter),
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 and (statuses[status] or 0) <= 2 then
    io.stderr:write(string.format("status %d: %s\n", status, string.sub(body, 1, 400)))
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local ok = totals[201] or 0
  io.write(string.format("created (201): %d in %.1f s = %.1f/s\n", ok,
    summary.duration / 1e6, ok / (summary.duration / 1e6)))
  for status, n in pairs(totals) do
    if status ~= 201 then io.write(string.format("status %d: %d\n", status, n)) end
  end
  io.write(string.format("latency p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("socket errors: connect %d read %d write %d timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
