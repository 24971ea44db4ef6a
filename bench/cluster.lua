-- Heartbeats for the targets listed in IDS_FILE (one id a line), cycling over them: one per request
-- (POST /api/v1/heartbeat/<id>) or, with BATCH=n, n per request (POST /api/v1/heartbeats).
-- bench/cluster.sh sends one node only targets it owns, then only targets other nodes own (every
-- report forwarded), to measure what forwarding costs. Requests are formatted once.
local token = os.getenv("TOKEN")
local batch = tonumber(os.getenv("BATCH") or "1")
local requests = {}
local n = 0
init = function(args)
  local ids = {}
  for line in io.lines(os.getenv("IDS_FILE")) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  if batch <= 1 then
    for i, id in ipairs(ids) do
      requests[i] = wrk.format("POST", "/api/v1/heartbeat/" .. id, headers, '{"state":"online","latency_ms":12}')
    end
  else
    for b = 0, math.floor(#ids / batch) - 1 do
      local items = {}
      for i = 1, batch do
        items[i] = string.format('{"target":"%s","state":"online","latency_ms":%d}', ids[b * batch + i], i % 50)
      end
      requests[#requests + 1] = wrk.format("POST", "/api/v1/heartbeats", headers, "[" .. table.concat(items, ",") .. "]")
    end
  end
end
request = function()
  n = n + 1
  return requests[(n % #requests) + 1]
end
