-- Heartbeats at a steady rate: each connection waits DELAY_MS between requests, so the rate is about
-- connections x 1000 / DELAY_MS whatever the latency (wrk alone sends as fast as it can).
-- Targets cycle over soak/0 .. soak/(TARGETS-1) and flap between online and degraded.
local token = os.getenv("TOKEN")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "2")
local targets = tonumber(os.getenv("TARGETS") or "1")
local n = 0
request = function()
  n = n + 1
  local state = (n % 97 == 0) and "degraded" or "online"
  return wrk.format("POST", "/api/v1/heartbeat/soak/" .. (n % targets),
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"state":"' .. state .. '","latency_ms":12}')
end
delay = function()
  return delay_ms
end
