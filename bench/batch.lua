-- Batches of 1,000 heartbeats per request, cycling over 10 bodies that cover shards bench/0..9999.
-- Requests are formatted once, so the client spends its time sending, not building strings.
local token = os.getenv("TOKEN")
local requests = {}
local n = 0
init = function(args)
  for b = 0, 9 do
    local items = {}
    for i = 0, 999 do
      items[#items + 1] = string.format('{"target":"bench/%d","state":"online","latency_ms":%d}', b * 1000 + i, i % 50)
    end
    requests[b + 1] = wrk.format("POST", "/api/v1/heartbeats",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, "[" .. table.concat(items, ",") .. "]")
  end
end
request = function()
  n = n + 1
  return requests[(n % 10) + 1]
end
